/**
 * Checker budgets in the simulator count work, never wall time: a seed must replay its
 * verdict and its evidence on any machine under any load (a wall-clock budget turns a
 * loaded CI box's run 'unknown' where a quiet laptop's passed). `faultline check` keeps
 * `--timeout SECONDS` for people; the simulator and its tests use these.
 */
import type { RegisterCheckOptions } from '../check/register';
import type { CheckTxnOptions } from '../check/txn';

/**
 * The register checker has no step option; it reads its budget clock once per slice of at
 * most 50,000 search steps (and once per shrinking trial). A clock that counts its own
 * reads turns `timeoutMs` into that many reads: about 4,000 × 50,000 = 200 million search
 * steps, the same on every run of a seed.
 */
const REGISTER_BUDGET_READS = 4_000;

export function registerBudget(reads = REGISTER_BUDGET_READS): Pick<RegisterCheckOptions, 'timeoutMs' | 'nowMs'> {
  let done = 0;
  return { timeoutMs: reads, nowMs: () => done++ };
}

/** The transaction checker counts its cycle search in steps; no timeoutMs, so its clock never decides. */
export function txnBudget(): Pick<CheckTxnOptions, 'maxSearchSteps'> {
  return { maxSearchSteps: 20_000_000 };
}
