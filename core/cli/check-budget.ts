/**
 * The checker budget options shared by `faultline check` and `faultline run`:
 * --timeout SECONDS and --max-memory MB.
 */
import { DEFAULT_MAX_BYTES } from '../check/linearizability';
import type { CheckBudget } from '../check/verdict';

export const DEFAULT_MAX_MEMORY_MB = DEFAULT_MAX_BYTES / 2 ** 20;

/** Parses the two options (undefined: not given); a string is the message for a bad value. */
export function parseCheckBudget(timeout: string | undefined, maxMemory: string | undefined): CheckBudget | string {
  const budget: CheckBudget = {};
  if (timeout !== undefined) {
    const seconds = Number(timeout);
    if (!(Number.isFinite(seconds) && seconds > 0)) return `--timeout must be a positive number of seconds, got ${JSON.stringify(timeout)}`;
    budget.timeoutMs = seconds * 1000;
    // The checkers read no clock of their own (core/check is deterministic): the CLI lends its wall clock.
    budget.nowMs = () => performance.now();
  }
  if (maxMemory !== undefined) {
    const mb = Number(maxMemory);
    if (!(Number.isFinite(mb) && mb >= 1 && mb <= 1024 * 1024)) return `--max-memory must be a number of megabytes from 1 to 1048576, got ${JSON.stringify(maxMemory)}`;
    budget.maxMemoryBytes = Math.floor(mb * 2 ** 20);
  }
  return budget;
}
