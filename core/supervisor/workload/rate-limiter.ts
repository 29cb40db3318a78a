/**
 * One rate limit shared by every client of a run (Jepsen's `stagger`/`rate`): operations
 * are spaced 1/rate apart in total, whatever the number of clients. A client that asks for
 * its next slot waits until the slot comes; slots missed while everyone was blocked on slow
 * replies are not saved up (no burst after an outage).
 */
export class RateLimiter {
  private nextMs = 0;
  private readonly intervalMs: number;

  constructor(
    opsPerSecond: number,
    private readonly nowMs: () => number = () => performance.now(),
  ) {
    if (!(opsPerSecond > 0)) throw new Error(`rate must be a positive number of operations per second, got ${opsPerSecond}`);
    this.intervalMs = 1000 / opsPerSecond;
  }

  /** ms to wait before the caller's operation, reserving its slot. */
  reserve(): number {
    const now = this.nowMs();
    const slot = Math.max(now, this.nextMs);
    this.nextMs = slot + this.intervalMs;
    return slot - now;
  }

  async take(): Promise<void> {
    const waitMs = this.reserve();
    if (waitMs > 0) await new Promise((r) => setTimeout(r, waitMs));
  }
}
