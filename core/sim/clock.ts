/**
 * A node's own clock as the simulator shows it: `offsetMs + virtualMs * rate`. The offset
 * models a skewed wall clock, the rate a drifting oscillator. Changes keep the clock
 * monotonic (a node's timers use a monotonic clock): a new rate or a forward jump is
 * applied from the current reading, never backwards.
 */
export class NodeClock {
  private baseVirtualMs = 0;
  private baseLocalMs = 0;
  private rateValue = 1;

  constructor(offsetMs = 0) {
    this.baseLocalMs = offsetMs;
  }

  get rate(): number {
    return this.rateValue;
  }

  /** What the node reads at virtual time `virtualMs`. */
  localMs(virtualMs: number): number {
    return this.baseLocalMs + (virtualMs - this.baseVirtualMs) * this.rateValue;
  }

  /** Virtual time that passes while this clock advances by `localDeltaMs`. */
  virtualDelta(localDeltaMs: number): number {
    return localDeltaMs / this.rateValue;
  }

  /** Changes the rate from `virtualMs` on; readings before stay as they were. */
  setRate(virtualMs: number, rate: number): void {
    if (!(rate > 0)) throw new Error(`clock rate must be > 0, got ${rate}`);
    this.baseLocalMs = this.localMs(virtualMs);
    this.baseVirtualMs = virtualMs;
    this.rateValue = rate;
  }

  /** Jumps the clock forward by `jumpMs` (>= 0) at `virtualMs`. */
  jump(virtualMs: number, jumpMs: number): void {
    if (!(jumpMs >= 0)) throw new Error(`clock jumps only forward, got ${jumpMs} ms`);
    this.baseLocalMs = this.localMs(virtualMs) + jumpMs;
    this.baseVirtualMs = virtualMs;
  }
}
