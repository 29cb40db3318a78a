/**
 * The last `capacity` heartbeat inter-arrival times, with their mean and standard
 * deviation kept up to date in O(1) per sample (running sum and sum of squares, as in
 * Akka's HeartbeatHistory). Old samples fall out, so the detector adapts when the
 * network calms down or gets worse.
 */
export class IntervalWindow {
  private readonly samples: number[] = [];
  private next = 0;
  private sum = 0;
  private sumOfSquares = 0;

  constructor(readonly capacity: number) {}

  add(intervalMs: number): void {
    if (this.samples.length < this.capacity) {
      this.samples.push(intervalMs);
    } else {
      const evicted = this.samples[this.next] as number;
      this.sum -= evicted;
      this.sumOfSquares -= evicted * evicted;
      this.samples[this.next] = intervalMs;
      this.next = (this.next + 1) % this.capacity;
    }
    this.sum += intervalMs;
    this.sumOfSquares += intervalMs * intervalMs;
  }

  get count(): number {
    return this.samples.length;
  }

  get meanMs(): number {
    return this.samples.length === 0 ? 0 : this.sum / this.samples.length;
  }

  /** Population standard deviation; clamped at 0 against rounding in the running sums. */
  get stdDevMs(): number {
    if (this.samples.length === 0) return 0;
    const mean = this.meanMs;
    return Math.sqrt(Math.max(0, this.sumOfSquares / this.samples.length - mean * mean));
  }
}
