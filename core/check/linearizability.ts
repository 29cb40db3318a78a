/**
 * Wing & Gong's linearizability search with Lowe's memoization, written as a loop (no
 * recursion, so a 100k-operation partition cannot overflow the stack) and resumable in
 * slices of steps, so a scheduler can interleave partitions and give up on a budget.
 *
 * The history is a doubly linked list of call and return entries in real-time order. The
 * search walks it from the head: at a call it tries to linearize that operation now (its
 * step must be legal from the current model state), lifting it out of the list; at a
 * return it is stuck (that operation had to be linearized by now) and backtracks. Lowe's
 * cache remembers every (set of linearized operations, model state) already explored, so
 * each configuration is expanded once. Sets are bitsets; their Zobrist hashes are kept
 * incrementally so hashing costs O(1) per step.
 *
 * Two kinds of operations need not be linearized at all:
 *   - unknown outcome (return position Infinity): may take effect any time after its
 *     invoke, or never; reaching such a return means every required operation is placed;
 *   - optional (a relaxation used while shrinking evidence): may take effect inside its
 *     window, or never; at its return the search may skip it.
 */

export interface SearchProblem {
  /** Number of operations; ids are 0..size-1. */
  readonly size: number;
  /** Real-time position of the invoke of each operation. */
  readonly invokeAt: Float64Array;
  /** Real-time position of the completion; Infinity when the outcome is unknown. */
  readonly returnAt: Float64Array;
  /** 1 where the operation may be skipped at its return (never took effect). */
  readonly optional: Uint8Array;
  readonly initialState: number;
  /** The model state after applying operation `op` in `state`, or -1 if illegal there. */
  step(state: number, op: number): number;
  /**
   * Bytes the model itself holds outside the search (e.g. values built by step(), like the
   * strings appends make); counted against the search's ceiling. Default 0.
   */
  modelBytes?(): number;
}

export type SearchStatus = 'valid' | 'invalid' | 'running' | 'overflow';

/** The furthest the search got: how many operations it placed, and which one it could not. */
export interface Frontier {
  depth: number;
  /** The operation whose completion the search could not get past (-1 if none yet). */
  blockingOp: number;
  /** The model state at that point. */
  state: number;
}

const NONE = -1;

/** Default memory ceiling of one search: 1 GiB, what a laptop can spare. */
export const DEFAULT_MAX_BYTES = 1024 * 1024 * 1024;

function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

export class LinearizabilitySearch {
  private readonly problem: SearchProblem;
  private readonly words: number;
  // Linked list over entries: call of op i is 2i, its return 2i+1; HEAD is the sentinel.
  private readonly head: number;
  private readonly next: Int32Array;
  private readonly prev: Int32Array;
  private readonly z1: Uint32Array;
  private readonly z2: Uint32Array;
  private readonly linearized: Uint32Array;
  private h1 = 0;
  private h2 = 0;
  private state: number;
  private entry: number;
  // The choice stack: which operation was placed (or skipped, flag) and the state before it.
  private readonly stackOp: Int32Array;
  private readonly stackState: Int32Array;
  private readonly stackSkip: Uint8Array;
  private depth = 0;
  // The linearized set is a bitset over bit positions: operations that must complete
  // (finite return) take positions 0..finite-1 in invoke order, unknown-outcome ones the
  // positions after. It is cached compactly: every finite position below `low` is set,
  // none of them above `high`, so only the words between matter, plus the (few) words of
  // the unknown-outcome positions, which may stay unset forever (Wing & Gong places operations
  // roughly in real-time order, so that window stays small even for huge histories).
  private low = 0;
  private high = -1;
  private readonly bitOf: Int32Array;
  private readonly finite: number;
  private readonly unknownFirstWord: number;
  private readonly unknownWords: number;
  private readonly stackLow: Int32Array;
  private readonly stackHigh: Int32Array;
  // Lowe's cache, all in typed arrays so its memory is counted exactly (and stays off the
  // JS heap, whose limit would otherwise abort the process): `buckets[hash & mask]` is the
  // newest entry with that hash, entries are chained through `chain`, `hashes` keeps each
  // entry's hash for rehashing, and each entry is stored in `pool` at `offsets[id]` as
  // [state, h2, firstWord, wordCount, ...words].
  private buckets: Int32Array;
  private hashes: Uint32Array;
  private pool: Uint32Array;
  private poolUsed = 0;
  private offsets: Int32Array;
  private chain: Int32Array;
  private entries = 0;
  /** Bytes of the arrays that do not grow (history links, stacks, hashes). */
  private readonly fixedBytes: number;
  /** Memory ceiling for this search, in bytes; a step that needs more ends it with 'overflow'. */
  maxBytes: number;
  private status: SearchStatus = 'running';
  steps = 0;
  readonly frontier: Frontier = { depth: -1, blockingOp: NONE, state: 0 };

  constructor(problem: SearchProblem, opts: { maxBytes?: number } = {}) {
    this.problem = problem;
    const n = problem.size;
    this.words = Math.max(1, Math.ceil(n / 32));
    this.maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
    this.head = 2 * n;
    this.next = new Int32Array(2 * n + 1);
    this.prev = new Int32Array(2 * n + 1);
    // Real-time order of entries: calls by invoke, returns by completion, merged; on a tie
    // a call goes first, so an operation's call always precedes its return. Unknown
    // outcomes (Infinity) come last.
    const calls = Array.from({ length: n }, (_, i) => i);
    const returns = calls.slice();
    const inv = problem.invokeAt;
    const ret = problem.returnAt;
    let callsSorted = true;
    for (let i = 1; i < n; i++) if ((inv[i] as number) < (inv[i - 1] as number)) callsSorted = false;
    if (!callsSorted) calls.sort((a, b) => (inv[a] as number) - (inv[b] as number) || a - b);
    returns.sort((a, b) => {
      const x = ret[a] as number;
      const y = ret[b] as number;
      return x === y ? a - b : x < y ? -1 : 1;
    });
    let last = this.head;
    const link = (e: number): void => {
      this.next[last] = e;
      this.prev[e] = last;
      last = e;
    };
    let c = 0;
    let r = 0;
    while (c < n || r < n) {
      const callOp = calls[c];
      const retOp = returns[r];
      if (callOp !== undefined && (retOp === undefined || (inv[callOp] as number) <= (ret[retOp] as number))) {
        link(2 * callOp);
        c++;
      } else {
        link(2 * (retOp as number) + 1);
        r++;
      }
    }
    this.next[last] = NONE;
    this.prev[this.head] = NONE;
    this.z1 = new Uint32Array(n);
    this.z2 = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      this.z1[i] = mix32(2 * i + 0x2545f491);
      this.z2[i] = mix32(2 * i + 1 + 0x9e3779b9);
    }
    this.bitOf = new Int32Array(n);
    let finite = 0;
    for (let i = 0; i < n; i++) if (problem.returnAt[i] !== Infinity) this.bitOf[i] = finite++;
    let unknown = finite;
    for (let i = 0; i < n; i++) if (problem.returnAt[i] === Infinity) this.bitOf[i] = unknown++;
    this.finite = finite;
    this.unknownFirstWord = finite >> 5;
    this.unknownWords = finite < n ? ((n - 1) >> 5) - this.unknownFirstWord + 1 : 0;
    this.linearized = new Uint32Array(this.words);
    this.stackOp = new Int32Array(n);
    this.stackState = new Int32Array(n);
    this.stackSkip = new Uint8Array(n);
    this.stackLow = new Int32Array(n);
    this.stackHigh = new Int32Array(n);
    this.state = problem.initialState;
    this.entry = this.next[this.head] as number;
    // links 2x(2n+1), zobrist 2n, bitOf n, stacks 5n (4 bytes each), skip n, linearized.
    this.fixedBytes = 4 * (2 * (2 * n + 1) + 2 * n + n + 5 * n + this.words) + n;
    this.pool = new Uint32Array(4096);
    this.offsets = new Int32Array(256);
    this.chain = new Int32Array(256);
    this.hashes = new Uint32Array(256);
    this.buckets = new Int32Array(256).fill(NONE);
  }

  /** Bytes held by this search: its fixed arrays and the cache as allocated. */
  get memoryBytes(): number {
    return this.fixedBytes + this.cacheBytes(this.pool.length, this.offsets.length, this.buckets.length);
  }

  private cacheBytes(poolWords: number, entrySlots: number, bucketSlots: number): number {
    return 4 * (poolWords + 3 * entrySlots + bucketSlots);
  }

  /** Drops the cache (after the search ended), so its memory can go back before this object does. */
  release(): void {
    if (this.status === 'running') this.status = 'overflow';
    this.pool = new Uint32Array(0);
    this.offsets = new Int32Array(0);
    this.chain = new Int32Array(0);
    this.hashes = new Uint32Array(0);
    this.buckets = new Int32Array(1).fill(NONE);
    this.poolUsed = 0;
    this.entries = 0;
  }

  get cacheEntries(): number {
    return this.entries;
  }

  get result(): SearchStatus {
    return this.status;
  }

  /** Runs at most `maxSteps` steps; returns the status afterwards. */
  run(maxSteps: number): SearchStatus {
    if (this.status !== 'running') return this.status;
    const p = this.problem;
    const next = this.next;
    const lin = this.linearized;
    let budget = maxSteps;
    while (budget-- > 0) {
      this.steps++;
      const entry = this.entry;
      if (entry === NONE) return (this.status = 'valid');
      const op = entry >> 1;
      if ((entry & 1) === 0) {
        const newState = p.step(this.state, op);
        if (newState >= 0) {
          this.mark(op);
          const fresh = this.remember(newState, op);
          if (fresh === 1) {
            this.push(op, 0);
            this.state = newState;
            this.lift(op);
            this.entry = next[this.head] as number;
            continue;
          }
          this.unmark(op);
          if (fresh === -1) return (this.status = 'overflow');
        }
        this.entry = next[entry] as number;
        continue;
      }
      // A return entry: its operation should have been linearized already.
      if (p.returnAt[op] === Infinity) return (this.status = 'valid');
      if (this.depth > this.frontier.depth) {
        this.frontier.depth = this.depth;
        this.frontier.blockingOp = op;
        this.frontier.state = this.state;
      }
      if (p.optional[op] === 1) {
        this.mark(op);
        const fresh = this.remember(this.state, op);
        if (fresh === 1) {
          this.push(op, 1);
          this.lift(op);
          this.entry = next[this.head] as number;
          continue;
        }
        this.unmark(op);
        if (fresh === -1) return (this.status = 'overflow');
      }
      if (!this.backtrack()) return (this.status = 'invalid');
    }
    return this.status;
  }

  private mark(op: number): void {
    const bit = this.bitOf[op] as number;
    const lin = this.linearized;
    lin[bit >> 5] = (lin[bit >> 5] as number) | (1 << (bit & 31));
    this.h1 ^= this.z1[op] as number;
    this.h2 ^= this.z2[op] as number;
  }

  private unmark(op: number): void {
    const bit = this.bitOf[op] as number;
    const lin = this.linearized;
    lin[bit >> 5] = (lin[bit >> 5] as number) & ~(1 << (bit & 31));
    this.h1 ^= this.z1[op] as number;
    this.h2 ^= this.z2[op] as number;
  }

  /** Records a choice (the bit of `op` is already set) and updates the window. */
  private push(op: number, skip: number): void {
    this.stackOp[this.depth] = op;
    this.stackState[this.depth] = this.state;
    this.stackSkip[this.depth] = skip;
    this.stackLow[this.depth] = this.low;
    this.stackHigh[this.depth] = this.high;
    this.depth++;
    const bit = this.bitOf[op] as number;
    if (bit < this.finite) {
      if (bit > this.high) this.high = bit;
      if (bit === this.low) this.low = this.nextUnset(bit + 1);
    }
  }

  /** The first finite position at or after `from` whose bit is unset (or `finite`). */
  private nextUnset(from: number): number {
    const lin = this.linearized;
    let low = from;
    while (low < this.finite && ((lin[low >> 5] as number) & (1 << (low & 31))) !== 0) low++;
    return low;
  }

  /** Undoes choices until one leaves an untried alternative; false when none is left. */
  private backtrack(): boolean {
    for (;;) {
      if (this.depth === 0) return false;
      this.depth--;
      const op = this.stackOp[this.depth] as number;
      this.state = this.stackState[this.depth] as number;
      this.low = this.stackLow[this.depth] as number;
      this.high = this.stackHigh[this.depth] as number;
      this.unmark(op);
      this.unlift(op);
      // A skip was taken at the operation's return, which cannot be passed: undo further.
      if (this.stackSkip[this.depth] === 1) continue;
      this.entry = this.next[2 * op] as number;
      return true;
    }
  }

  private lift(op: number): void {
    this.unlink(2 * op);
    this.unlink(2 * op + 1);
  }

  /** Reverses lift: relink in the opposite order (dancing links). */
  private unlift(op: number): void {
    this.relink(2 * op + 1);
    this.relink(2 * op);
  }

  private unlink(e: number): void {
    const p = this.prev[e] as number;
    const n = this.next[e] as number;
    this.next[p] = n;
    if (n !== NONE) this.prev[n] = p;
  }

  private relink(e: number): void {
    const p = this.prev[e] as number;
    const n = this.next[e] as number;
    this.next[p] = e;
    if (n !== NONE) this.prev[n] = e;
  }

  /**
   * Adds the current (set, state) to the cache: 1 if new, 0 if seen, -1 if full. Called
   * with the bit of the operation being tried already set, so the window includes it.
   */
  private remember(state: number, op: number): number {
    const lin = this.linearized;
    // The window of the set after this step: `low` may move past op, `high` may grow to it.
    const bit = this.bitOf[op] as number;
    let low = this.low;
    let high = this.high;
    if (bit < this.finite) {
      if (bit === low) low = this.nextUnset(bit + 1);
      if (bit > high) high = bit;
    }
    const firstWord = low >> 5;
    const windowWords = high >= low ? (high >> 5) - firstWord + 1 : 0;
    const tailFirst = this.unknownFirstWord;
    const tailWords = this.unknownWords;
    const count = windowWords + tailWords;
    const key = (this.h1 ^ Math.imul(state + 1, 0x9e3779b1)) >>> 0;
    const h2 = this.h2 >>> 0;
    const pool = this.pool;
    let id = this.buckets[key & (this.buckets.length - 1)] as number;
    while (id !== NONE) {
      const base = this.offsets[id] as number;
      if (pool[base] === state >>> 0 && pool[base + 1] === h2 && pool[base + 2] === firstWord && pool[base + 3] === windowWords) {
        let same = true;
        for (let w = 0; w < windowWords; w++) {
          if (pool[base + 4 + w] !== lin[firstWord + w]) {
            same = false;
            break;
          }
        }
        for (let w = 0; same && w < tailWords; w++) {
          if (pool[base + 4 + windowWords + w] !== lin[tailFirst + w]) same = false;
        }
        if (same) return 0;
      }
      id = this.chain[id] as number;
    }
    const size = 4 + count;
    if (this.poolUsed + size > this.pool.length || this.entries >= this.offsets.length) {
      if (!this.grow(size)) return -1;
    }
    // New states may have made the model grow (appends build new strings): count it too.
    if (this.problem.modelBytes !== undefined && this.memoryBytes + this.problem.modelBytes() > this.maxBytes) return -1;
    const fresh = this.entries++;
    const base = this.poolUsed;
    this.poolUsed += size;
    this.offsets[fresh] = base;
    this.pool[base] = state >>> 0;
    this.pool[base + 1] = h2;
    this.pool[base + 2] = firstWord;
    this.pool[base + 3] = windowWords;
    this.pool.set(lin.subarray(firstWord, firstWord + windowWords), base + 4);
    if (tailWords > 0) this.pool.set(lin.subarray(tailFirst, tailFirst + tailWords), base + 4 + windowWords);
    const bucket = key & (this.buckets.length - 1);
    this.chain[fresh] = this.buckets[bucket] as number;
    this.hashes[fresh] = key;
    this.buckets[bucket] = fresh;
    return 1;
  }

  /**
   * Makes room for one more entry of `size` words, doubling what is full (the pool by less
   * when only that fits), and never past maxBytes: false when it would not fit. The old
   * and the new array exist together while copying, so that peak is what is checked.
   */
  private grow(size: number): boolean {
    const budget = this.maxBytes - this.fixedBytes - (this.problem.modelBytes?.() ?? 0);
    const entrySlots = this.entries >= this.offsets.length ? this.offsets.length * 2 : this.offsets.length;
    const bucketSlots = this.entries >= this.buckets.length ? this.buckets.length * 2 : this.buckets.length;
    let poolWords = this.pool.length;
    if (this.poolUsed + size > poolWords) {
      const need = this.poolUsed + size;
      // The largest pool that fits beside the other arrays and a copy of the old pool.
      const room = Math.floor((budget - this.cacheBytes(this.pool.length, entrySlots, bucketSlots)) / 4);
      poolWords = Math.min(Math.max(this.pool.length * 2, need), room);
      if (poolWords < need) return false;
    }
    const peak =
      this.cacheBytes(poolWords, entrySlots, bucketSlots) +
      (poolWords !== this.pool.length ? this.cacheBytes(this.pool.length, 0, 0) : 0) +
      (entrySlots !== this.offsets.length ? this.cacheBytes(0, this.offsets.length, 0) : 0) +
      (bucketSlots !== this.buckets.length ? this.cacheBytes(0, 0, this.buckets.length) : 0);
    if (peak > budget) return false;
    try {
      this.allocate(poolWords, entrySlots, bucketSlots);
    } catch (e) {
      // The ceiling was within budget but the system could not give it: same answer.
      if (e instanceof RangeError) return false;
      throw e;
    }
    return true;
  }

  private allocate(poolWords: number, entrySlots: number, bucketSlots: number): void {
    if (poolWords !== this.pool.length) {
      const pool = new Uint32Array(poolWords);
      pool.set(this.pool.subarray(0, this.poolUsed));
      this.pool = pool;
    }
    if (entrySlots !== this.offsets.length) {
      const widen = <T extends Int32Array | Uint32Array>(a: T, make: (n: number) => T): T => {
        const b = make(entrySlots);
        b.set(a);
        return b;
      };
      this.offsets = widen(this.offsets, (k) => new Int32Array(k));
      this.chain = widen(this.chain, (k) => new Int32Array(k));
      this.hashes = widen(this.hashes, (k) => new Uint32Array(k));
    }
    if (bucketSlots !== this.buckets.length) {
      // Rehash: each chain is rebuilt newest first, as it was.
      const buckets = new Int32Array(bucketSlots).fill(NONE);
      const mask = bucketSlots - 1;
      for (let id = 0; id < this.entries; id++) {
        const b = (this.hashes[id] as number) & mask;
        this.chain[id] = buckets[b] as number;
        buckets[b] = id;
      }
      this.buckets = buckets;
    }
  }
}
