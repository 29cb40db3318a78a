/**
 * Invariants the machines state where their state changes (TigerBeetle's and FoundationDB's
 * habit): a broken one throws an InvariantViolation at the step that broke it, instead of
 * surfacing later in a checker, or not at all. Assertions stay on everywhere: the simulator
 * stops the run at that step with its seed, and a real node stops and says why rather than
 * serve wrong data.
 *
 * `expected` says what must hold (and what was found); pass a function when building the
 * text costs something, so the check itself stays cheap on hot paths.
 */
export class InvariantViolation extends Error {
  override readonly name = 'InvariantViolation';

  constructor(readonly expected: string) {
    super(`invariant broken: expected ${expected}`);
  }
}

export type InvariantCheck = (cond: boolean, expected: string | (() => string)) => void;

/** Throws an InvariantViolation saying what was expected when `cond` is false. */
export function invariant(cond: boolean, expected: string | (() => string)): asserts cond {
  if (!cond) throw new InvariantViolation(typeof expected === 'string' ? expected : expected());
}

/**
 * The check a machine uses when its config turns assertions off. Only negative controls do
 * that: they show a CHECKER catches a deliberate bug, which an assertion would stop first.
 */
export const uncheckedInvariant: InvariantCheck = () => undefined;

export function invariantCheck(enabled: boolean): InvariantCheck {
  return enabled ? invariant : uncheckedInvariant;
}
