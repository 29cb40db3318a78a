/** The end of every switch over a union: a new member that is not handled fails to compile. */
export function unreachable(x: never): never {
  throw new Error(`unhandled case: ${JSON.stringify(x)}`);
}
