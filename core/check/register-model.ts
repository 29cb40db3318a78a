/**
 * The register model of DESIGN.md, compiled for the search: per key, initial value null;
 * read returns the value; write sets it; cas [expected, new] with result true sets it when
 * the value equals `expected`, with result false only asserts that it did not; append
 * concatenates strings (null counts as ""). Values are interned to small integers (by
 * canonical JSON) so a model state is one number and a step is a few comparisons.
 */
import { canonicalJson } from './canonical';
import { HistoryError, lineOf, type Operation } from './history';
import type { SearchProblem } from './linearizability';

// Operation kinds, as small integers for the hot loop.
export const READ = 0;
export const WRITE = 1;
export const CAS = 2; // must match and swap (ok with result true, or unknown outcome)
export const CAS_MISMATCH = 3; // ok with result false: the value differed, nothing changed
export const APPEND = 4;

/** Interned register values; id 0 is null. */
export class ValueTable {
  private readonly ids = new Map<string, number>();
  private readonly primitiveIds = new Map<unknown, number>();
  readonly values: unknown[] = [];
  private readonly appended = new Map<number, number>();
  /** Concatenations made by append(), by id: what they are made of. */
  private readonly built = new Map<number, Built>();
  /**
   * An estimate of what the table holds (its strings twice, as value and as JSON text, two
   * bytes a character, plus the maps' entries), so that a search building many long strings
   * (appends) is held to its memory ceiling instead of exhausting the JS heap.
   */
  bytes = 0;

  constructor() {
    this.intern(null);
  }

  intern(value: unknown): number {
    // Primitives (the common case) skip the JSON text: a Map already keeps 1 and "1" apart.
    if (value === undefined) value = null;
    if (typeof value === 'string') {
      // Strings never share canonical text with anything but themselves (and the non-finite
      // numbers, sent here below), so no JSON text is built: appends make long strings often.
      const hit = this.primitiveIds.get(value);
      if (hit !== undefined) return hit;
      const id = this.values.length;
      this.values.push(value);
      this.primitiveIds.set(value, id);
      this.bytes += 124 + 4 * value.length;
      return id;
    }
    // Canonical JSON writes NaN and Infinity as the strings "NaN" and "Infinity".
    if (typeof value === 'number' && !Number.isFinite(value)) return this.intern(String(value));
    const primitive = value === null || typeof value !== 'object';
    if (primitive) {
      const hit = this.primitiveIds.get(value);
      if (hit !== undefined) return hit;
    }
    const text = canonicalJson(value);
    let id = this.ids.get(text);
    if (id === undefined) {
      id = this.values.length;
      this.ids.set(text, id);
      this.values.push(value);
      this.bytes += 120 + 2 * (text.length + (typeof value === 'string' ? value.length : 0));
    }
    if (primitive) this.primitiveIds.set(value, id);
    return id;
  }

  /**
   * The id of `state + suffix`, or -1 when the register holds something that is not a
   * string. A new concatenation is not interned (hashing a long string at every step of a
   * search was most of its time): it gets a fresh id that remembers its parent and suffix,
   * and its text is built only when a read or a cas compares it (see sameValue). Two such
   * ids may then hold the same text; that only costs the search's cache a duplicate (a
   * read that matches returns the read's own id, so orders meet again there).
   */
  append(state: number, suffixId: number): number {
    const memoKey = state * 0x4000000 + suffixId; // suffix ids stay below 2^26, states below 2^27
    const hit = this.appended.get(memoKey);
    if (hit !== undefined) return hit;
    const suffix = this.values[suffixId] as string;
    let result: number;
    const length = this.textLength(state);
    if (length < 0) result = -1;
    else if (length === 0) result = this.intern(suffix);
    else {
      result = this.values.length;
      this.values.push(undefined);
      this.built.set(result, { parent: state, suffix: suffixId, length: length + suffix.length });
      this.bytes += 120;
    }
    this.appended.set(memoKey, result);
    this.bytes += 40;
    return result;
  }

  /** The length of the string a state holds (null counts as ""), or -1 when it is not a string. */
  private textLength(id: number): number {
    const b = this.built.get(id);
    if (b !== undefined) return b.length;
    const v = this.values[id];
    return v === null ? 0 : typeof v === 'string' ? v.length : -1;
  }

  /** True when state `id` holds the interned value `valueId` (canonical JSON equality). */
  sameValue(id: number, valueId: number): boolean {
    if (id === valueId) return true;
    if (this.built.size === 0) return false;
    const b = this.built.get(id);
    if (b === undefined) return false; // two interned ids never hold the same value
    const v = this.values[valueId];
    return typeof v === 'string' && v.length === b.length && this.valueOf(id) === v;
  }

  /** The value a state id holds (builds and keeps the text of a concatenation). */
  valueOf(id: number): unknown {
    const known = this.values[id];
    if (known !== undefined) return known;
    // Walk up to the nearest ancestor whose text is known, then build down (no recursion).
    const chain: number[] = [];
    let at = id;
    for (let b = this.built.get(at); b !== undefined && this.values[at] === undefined; b = this.built.get(at)) {
      chain.push(at);
      at = b.parent;
    }
    let text = (this.values[at] ?? '') as string;
    for (let i = chain.length - 1; i >= 0; i--) {
      const node = chain[i] as number;
      text += this.values[(this.built.get(node) as Built).suffix] as string;
      this.values[node] = text;
      this.bytes += 2 * text.length;
    }
    return text;
  }
}

interface Built {
  parent: number;
  suffix: number;
  length: number;
}

/** One key's operations, ready for LinearizabilitySearch. */
export class RegisterPartition implements SearchProblem {
  readonly size: number;
  readonly invokeAt: Float64Array;
  readonly returnAt: Float64Array;
  optional: Uint8Array;
  readonly initialState = 0;
  readonly kind: Uint8Array;
  readonly arg: Int32Array;
  readonly arg2: Int32Array;

  constructor(
    readonly key: string | undefined,
    /** The operations kept for the search (failed ones and unknown reads are dropped). */
    readonly ops: readonly Operation[],
    /** What each operation carries in evidence: the argument, or the value a read returned. */
    readonly shown: readonly unknown[],
    kinds: ArrayLike<number>,
    args: ArrayLike<number>,
    args2: ArrayLike<number>,
    readonly values: ValueTable,
    /** Real-time positions, when the caller has them (else read from the operations). */
    positions?: { invokeAt: ArrayLike<number>; returnAt: ArrayLike<number> },
  ) {
    const n = ops.length;
    this.size = n;
    this.invokeAt = new Float64Array(n);
    this.returnAt = new Float64Array(n);
    this.optional = new Uint8Array(n);
    // Plain loops: TypedArray.from goes through the iterator protocol, which a profile of a
    // 100-key history showed as a tenth of the whole check.
    this.kind = new Uint8Array(n);
    this.arg = new Int32Array(n);
    this.arg2 = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      this.kind[i] = kinds[i] as number;
      this.arg[i] = args[i] as number;
      this.arg2[i] = args2[i] as number;
    }
    if (positions) {
      for (let i = 0; i < n; i++) {
        this.invokeAt[i] = positions.invokeAt[i] as number;
        this.returnAt[i] = positions.returnAt[i] as number;
      }
    } else {
      for (let i = 0; i < n; i++) {
        const op = ops[i] as Operation;
        this.invokeAt[i] = op.invoke.index;
        this.returnAt[i] = op.outcome === 'ok' && op.complete ? op.complete.index : Infinity;
      }
    }
  }

  modelBytes(): number {
    return this.values.bytes;
  }

  step(state: number, op: number): number {
    const a = this.arg[op] as number;
    switch (this.kind[op]) {
      case READ:
        // The read's own id: orders that built the same text by different appends meet here.
        return this.values.sameValue(state, a) ? a : -1;
      case WRITE:
        return a;
      case CAS:
        return this.values.sameValue(state, a) ? (this.arg2[op] as number) : -1;
      case CAS_MISMATCH:
        return this.values.sameValue(state, a) ? -1 : state;
      case APPEND:
        return this.values.append(state, a);
      default:
        return -1;
    }
  }

  /**
   * A copy restricted to `keep` (indices into ops), for pruning and shrinking evidence. It
   * keeps the real-time positions as they are here (a pruned operation's window included).
   */
  subset(keep: readonly number[], optional: Uint8Array): RegisterPartition {
    const m = keep.length;
    const ops: Operation[] = new Array<Operation>(m);
    const shown: unknown[] = new Array<unknown>(m);
    const kinds = new Uint8Array(m);
    const args = new Int32Array(m);
    const args2 = new Int32Array(m);
    const opt = new Uint8Array(m);
    const invokeAt = new Float64Array(m);
    const returnAt = new Float64Array(m);
    for (let j = 0; j < m; j++) {
      const i = keep[j] as number;
      ops[j] = this.ops[i] as Operation;
      shown[j] = this.shown[i];
      kinds[j] = this.kind[i] as number;
      args[j] = this.arg[i] as number;
      args2[j] = this.arg2[i] as number;
      // Optional here (a pruned window) stays optional: its position is kept as well.
      opt[j] = (optional[i] as number) | (this.optional[i] as number);
      invokeAt[j] = this.invokeAt[i] as number;
      returnAt[j] = this.returnAt[i] as number;
    }
    const part = new RegisterPartition(this.key, ops, shown, kinds, args, args2, this.values, { invokeAt, returnAt });
    part.optional = opt;
    return part;
  }
}

const REGISTER_FS = new Set(['read', 'write', 'cas', 'append']);

function unusable(op: Operation, reason: string): HistoryError {
  return new HistoryError(lineOf(op.complete ?? op.invoke), reason);
}

/**
 * Splits a paired history into one partition per key (P-compositionality: a history is
 * linearizable iff each key's sub-history is). Operations of other models are refused.
 */
export function registerPartitions(operations: readonly Operation[]): RegisterPartition[] {
  interface Builder {
    ops: Operation[];
    shown: unknown[];
    kinds: number[];
    args: number[];
    args2: number[];
    invokeAt: number[];
    returnAt: number[];
  }
  const values = new ValueTable();
  const byKey = new Map<string | undefined, Builder>();
  for (const op of operations) {
    if (!REGISTER_FS.has(op.f)) {
      throw unusable(op, `the register model knows read, write, cas and append; got f "${op.f}"`);
    }
    // A failed operation certainly had no effect; an unknown read constrains nothing.
    if (op.outcome === 'fail') continue;
    if (op.f === 'read' && op.outcome === 'unknown') continue;
    let b = byKey.get(op.key);
    if (!b) {
      b = { ops: [], shown: [], kinds: [], args: [], args2: [], invokeAt: [], returnAt: [] };
      byKey.set(op.key, b);
    }
    let kind: number;
    let arg = 0;
    let arg2 = 0;
    let shown: unknown;
    switch (op.f) {
      case 'read': {
        const complete = op.complete as NonNullable<Operation['complete']>;
        if (!('value' in complete) || complete.value === undefined) {
          throw unusable(op, 'a read that completed ok must carry the value it read in "value" (null for the initial value)');
        }
        kind = READ;
        shown = complete.value;
        arg = values.intern(shown);
        break;
      }
      case 'write':
        kind = WRITE;
        shown = op.invoke.value ?? null;
        arg = values.intern(shown);
        break;
      case 'append': {
        const v = op.invoke.value;
        if (typeof v !== 'string' && typeof v !== 'number') {
          throw unusable(op, `append needs a string (or number) argument in "value", got ${JSON.stringify(v) ?? 'nothing'}`);
        }
        kind = APPEND;
        shown = String(v);
        arg = values.intern(shown);
        break;
      }
      case 'cas': {
        const v = op.invoke.value;
        if (!Array.isArray(v) || v.length !== 2) {
          throw unusable(op, `cas needs "value": [expected, new], got ${JSON.stringify(v) ?? 'nothing'}`);
        }
        shown = v;
        arg = values.intern(v[0]);
        arg2 = values.intern(v[1]);
        const result = op.complete?.result;
        if (op.outcome === 'ok' && result !== undefined && typeof result !== 'boolean') {
          throw unusable(op, `a cas completion's "result" must be true or false, got ${JSON.stringify(result)}`);
        }
        // Jepsen writes a failed compare as a fail completion; ours says ok + result false.
        kind = op.outcome === 'ok' && result === false ? CAS_MISMATCH : CAS;
        break;
      }
      default:
        throw unusable(op, `unexpected f "${op.f}"`);
    }
    b.ops.push(op);
    b.shown.push(shown);
    b.kinds.push(kind);
    b.args.push(arg);
    b.args2.push(arg2);
    b.invokeAt.push(op.invoke.index);
    b.returnAt.push(op.outcome === 'ok' && op.complete ? op.complete.index : Infinity);
  }
  return [...byKey.entries()].map(([key, b]) => new RegisterPartition(key, b.ops, b.shown, b.kinds, b.args, b.args2, values, b));
}
