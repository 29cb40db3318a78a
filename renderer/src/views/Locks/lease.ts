/** A lease's remaining time, for the live countdown (pure: tested without a DOM). */
export interface LeaseLeft {
  /** ms left, never negative; null when the supervisor does not track this lease. */
  readonly leftMs: number | null;
  /** Share of the lease left, 0..1 (for the bar). */
  readonly fraction: number;
  readonly expired: boolean;
}

export function leaseLeft(holder: { readonly ttlMs: number; readonly expiresAtMs: number | null } | null, nowMs: number): LeaseLeft {
  if (holder === null || holder.expiresAtMs === null) return { leftMs: null, fraction: 0, expired: false };
  const left = Math.max(0, holder.expiresAtMs - nowMs);
  const fraction = holder.ttlMs > 0 ? Math.min(1, left / holder.ttlMs) : 0;
  return { leftMs: left, fraction, expired: left === 0 };
}
