/**
 * The one wall clock in core/sim: how long a run took, for reports and benches. It is never
 * an input to the run (virtual time drives everything, budgets count work), so a seed still
 * replays byte for byte. scripts/check-purity.mjs allows a clock in this file only.
 */
export function wallNowMs(): number {
  return performance.now();
}
