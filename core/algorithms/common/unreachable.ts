/**
 * Ends every `switch` over a discriminated union, so that adding a new kind is a type
 * error wherever it is not handled instead of a silently ignored message.
 */
export function unreachable(value: never, what = 'value'): never {
  throw new Error(`unhandled ${what}: ${JSON.stringify(value)}`);
}
