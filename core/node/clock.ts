/**
 * A node's clock: the wall clock plus a skew the lab can set at run time. This is the
 * only clock the node's algorithms see (their `nowMs`), so a skewed node makes exactly
 * the lease and timeout mistakes a node with a wrong clock would.
 */
export class NodeClock {
  private skew = 0;

  constructor(private readonly source: () => number = Date.now) {}

  nowMs(): number {
    return this.source() + this.skew;
  }

  /** How far this node's clock is ahead (positive) or behind (negative) the real one. */
  get skewMs(): number {
    return this.skew;
  }

  setSkewMs(skewMs: number): void {
    if (!Number.isFinite(skewMs)) throw new Error(`clock skew must be a finite number of ms, got ${skewMs}`);
    this.skew = skewMs;
  }
}
