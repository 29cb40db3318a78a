/**
 * What every checker returns. `summary` is written for a learner (what was checked, what
 * went wrong, where to look); `evidence` is the smallest machine-readable proof the
 * checker found; `stats` are counts and timings for the curious.
 */
export interface Verdict {
  valid: true | false | 'unknown';
  model: string;
  summary: string;
  evidence?: unknown;
  stats?: Record<string, number>;
}

/** The budgets a caller can give a checker (each checker uses those it has). */
export interface CheckBudget {
  /** Give up with valid: 'unknown' after this long, as `nowMs` measures it. */
  timeoutMs?: number;
  /**
   * The clock `timeoutMs` is measured by, injected: core/check reads no clock of its own, so
   * a verdict depends on its inputs only. Without one, time stands still (only a negative
   * timeoutMs is spent). `faultline check` and the supervisor pass a wall clock.
   */
  nowMs?: () => number;
  /** Memory ceiling of the search, in bytes (the register checker). */
  maxMemoryBytes?: number;
}

export function validVerdict(model: string, summary: string, stats?: Record<string, number>): Verdict {
  const v: Verdict = { valid: true, model, summary };
  if (stats) v.stats = stats;
  return v;
}

export function invalidVerdict(model: string, summary: string, evidence: unknown, stats?: Record<string, number>): Verdict {
  const v: Verdict = { valid: false, model, summary, evidence };
  if (stats) v.stats = stats;
  return v;
}

export function unknownVerdict(model: string, summary: string, stats?: Record<string, number>): Verdict {
  const v: Verdict = { valid: 'unknown', model, summary };
  if (stats) v.stats = stats;
  return v;
}
