/**
 * A fixed-size ring buffer: both ends of the panel protocol keep bounded histories with it (the
 * supervisor's recent messages and chart samples for late panels; the panel's messages and
 * charts), so neither grows past its capacity, whatever the feed does. In the panel it is not
 * reactive on purpose: stores keep it behind a `version` counter that views watch, so Vue never
 * deep-tracks thousands of items.
 */
export class RingBuffer<T> {
  private readonly items: (T | undefined)[];
  private start = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`ring buffer capacity must be a positive integer, got ${capacity}`);
    this.items = new Array<T | undefined>(capacity);
  }

  get size(): number {
    return this.count;
  }

  /** Appends; when full, the oldest item is dropped and returned. */
  push(item: T): T | undefined {
    if (this.count < this.capacity) {
      this.items[(this.start + this.count) % this.capacity] = item;
      this.count++;
      return undefined;
    }
    const evicted = this.items[this.start];
    this.items[this.start] = item;
    this.start = (this.start + 1) % this.capacity;
    return evicted;
  }

  /** The i-th oldest item (0 = oldest). */
  at(i: number): T | undefined {
    if (i < 0 || i >= this.count) return undefined;
    return this.items[(this.start + i) % this.capacity];
  }

  /** Replaces the i-th oldest item in place. */
  set(i: number, item: T): void {
    if (i < 0 || i >= this.count) throw new RangeError(`index ${i} outside 0..${this.count - 1}`);
    this.items[(this.start + i) % this.capacity] = item;
  }

  /** Drops the oldest items while `stale` says so (e.g. samples older than the window). */
  dropWhile(stale: (item: T) => boolean): number {
    let dropped = 0;
    while (this.count > 0 && stale(this.items[this.start] as T)) {
      this.items[this.start] = undefined;
      this.start = (this.start + 1) % this.capacity;
      this.count--;
      dropped++;
    }
    return dropped;
  }

  clear(): void {
    this.items.fill(undefined);
    this.start = 0;
    this.count = 0;
  }

  toArray(): T[] {
    const out: T[] = [];
    for (let i = 0; i < this.count; i++) out.push(this.items[(this.start + i) % this.capacity] as T);
    return out;
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = 0; i < this.count; i++) yield this.items[(this.start + i) % this.capacity] as T;
  }
}
