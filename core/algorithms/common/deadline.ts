/**
 * Timers for pure machines: a machine stores deadlines and compares them with the `nowMs`
 * of each tick instead of calling setTimeout. Hosts tick often (every few ms); a deadline
 * fires on the first tick at or after it.
 */
export class Deadline {
  private atMs: number | undefined;

  /** Arms the deadline at `nowMs + afterMs` (re-arming replaces the old one). */
  set(nowMs: number, afterMs: number): void {
    this.atMs = nowMs + afterMs;
  }

  clear(): void {
    this.atMs = undefined;
  }

  get armed(): boolean {
    return this.atMs !== undefined;
  }

  get at(): number | undefined {
    return this.atMs;
  }

  /** True once, on the first check at or after the deadline; disarms it. */
  fire(nowMs: number): boolean {
    if (this.atMs === undefined || nowMs < this.atMs) return false;
    this.atMs = undefined;
    return true;
  }
}

/** A randomized back-off in [baseMs, baseMs * 2^attempt], capped at maxMs. */
export function backoffMs(
  attempt: number,
  baseMs: number,
  maxMs: number,
  random01: number,
): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 16));
  return baseMs + Math.floor(random01 * Math.max(0, ceiling - baseMs));
}
