/**
 * Checker budgets in the simulator count work, never wall time: a seed must replay its
 * verdict and its evidence on any machine under any load (a wall-clock budget turns a
 * loaded CI box's run 'unknown' where a quiet laptop's passed). `faultline check` keeps
 * `--timeout SECONDS` for people; the simulator and its tests use these.
 */
import type { RegisterCheckOptions } from '../check/register';
import type { CheckTxnOptions } from '../check/txn';

/**
 * Search steps the register checker may take, all keys together (its maxSteps): about what
 * the counting clock it once took here allowed, 4,000 slices of 50,000 steps.
 */
const REGISTER_BUDGET_STEPS = 200_000_000;

export function registerBudget(steps = REGISTER_BUDGET_STEPS): Pick<RegisterCheckOptions, 'maxSteps'> {
  return { maxSteps: steps };
}

/** The transaction checker counts its cycle search in steps; no timeoutMs, so its clock never decides. */
export function txnBudget(): Pick<CheckTxnOptions, 'maxSearchSteps'> {
  return { maxSearchSteps: 20_000_000 };
}
