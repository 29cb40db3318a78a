/**
 * The data dependencies of a list-append history (Adya's ww, wr, rw between committed
 * transactions), from each key's order of appends; the reasoning is in txn.ts's header.
 * Also the small list helpers the checks share.
 */
import type { DepGraph } from './txn-graph';
import { valueId, type MicroOp, type Txn } from './txn-history';

/** A read list as text, long ones abbreviated (the evidence names the txn for the rest). */
export function listText(list: readonly unknown[]): string {
  if (list.length <= 10) return `[${list.map(valueId).join(',')}]`;
  const head = list.slice(0, 3).map(valueId).join(',');
  const tail = list.slice(-4).map(valueId).join(',');
  return `[${head},...${list.length - 7} more...,${tail}]`;
}

export interface Append {
  readonly txn: Txn;
  readonly mop: MicroOp;
  /** True when this is the txn's last append to that key (what others may see it end on). */
  readonly final: boolean;
}

export interface Read {
  readonly txn: Txn;
  readonly key: string;
  readonly mop: MicroOp;
  readonly list: readonly unknown[];
}

/** Index of the first position where `a` is not a prefix of `b`, or -1 when it is one. */
export function firstDifference(a: readonly unknown[], b: readonly unknown[]): number {
  for (let i = 0; i < a.length; i++) {
    if (i >= b.length) return i;
    if (a[i] !== b[i] && valueId(a[i]) !== valueId(b[i])) return i;
  }
  return -1;
}

export function sameList(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && firstDifference(a, b) < 0;
}

export interface DataInputs {
  appends: Map<string, Map<string, Append>>;
  reads: readonly Read[];
  orders: Map<string, Read>;
  badKeys: ReadonlySet<string>;
  observedValues: Map<string, Set<string>>;
  committed: (t: Txn) => boolean;
  name: (t: Txn) => string;
}

/** ww, wr and rw edges between committed transactions, from keys with a coherent order. */
export function addDataEdges(graph: DepGraph, inp: DataInputs): void {
  const { appends, reads, orders, badKeys, committed, name } = inp;
  const appendOf = (key: string, v: unknown): Append | undefined => {
    const a = appends.get(key)?.get(valueId(v));
    return a && committed(a.txn) ? a : undefined;
  };
  // Committed appends no read contains, per key: they follow everything any read saw.
  const unobserved = new Map<string, Append[]>();
  for (const [key, byValue] of appends) {
    if (badKeys.has(key)) continue;
    const seen = inp.observedValues.get(key);
    const list = [...byValue.entries()].filter(([id, a]) => !seen?.has(id) && committed(a.txn)).map(([, a]) => a);
    if (list.length > 0) unobserved.set(key, list);
  }

  for (const [key, longest] of orders) {
    if (badKeys.has(key)) continue;
    const order = longest.list;
    // Each committed append follows the previous committed one (a failed transaction's
    // append in between, already a G1a, does not break the chain).
    let previous: Append | undefined;
    for (const v of order) {
      const w2 = appendOf(key, v);
      if (!w2) continue;
      const w1 = previous;
      if (w1) {
        graph.add({ from: w1.txn.id, to: w2.txn.id, type: 'ww', key, mops: [w1.mop, w2.mop], why: () => `${name(w2.txn)} appended ${valueId(w2.mop.value)} to ${key} after ${name(w1.txn)}'s append of ${valueId(w1.mop.value)}` });
      }
      previous = w2;
    }
    const last = previous;
    if (last) {
      for (const u of unobserved.get(key) ?? []) {
        graph.add({ from: last.txn.id, to: u.txn.id, type: 'ww', key, mops: [last.mop, u.mop], why: () => `${name(u.txn)} appended ${valueId(u.mop.value)} to ${key}, which no read saw, so it comes after ${name(last.txn)}'s append of ${valueId(last.mop.value)}, the last one any read saw` });
      }
    }
  }
  for (const r of reads) {
    if (badKeys.has(r.key)) continue;
    const order = orders.get(r.key)!.list;
    const m = r.list.length;
    const readText = m === 0 ? `the initial (empty) state of ${r.key}` : `${r.key} = ${listText(r.list)}`;
    if (m > 0) {
      const w = appendOf(r.key, r.list[m - 1]);
      if (w) graph.add({ from: w.txn.id, to: r.txn.id, type: 'wr', key: r.key, mops: [w.mop, r.mop], why: () => `${name(r.txn)} read ${r.key} = ${listText(r.list)}, which ends with ${name(w.txn)}'s append of ${valueId(r.list[m - 1])}` });
    }
    // The next committed append after what was read (failed ones in between are G1a).
    let next = m;
    while (next < order.length && !appendOf(r.key, order[next])) next++;
    if (next < order.length) {
      const w = appendOf(r.key, order[next])!;
      graph.add({ from: r.txn.id, to: w.txn.id, type: 'rw', key: r.key, mops: [r.mop, w.mop], why: () => `${name(r.txn)} read ${readText} and did not see ${name(w.txn)}'s append of ${valueId(w.mop.value)}, which comes next in ${r.key}'s order` });
    } else {
      for (const u of unobserved.get(r.key) ?? []) {
        graph.add({ from: r.txn.id, to: u.txn.id, type: 'rw', key: r.key, mops: [r.mop, u.mop], why: () => `${name(r.txn)} read ${readText} and did not see ${name(u.txn)}'s committed append of ${valueId(u.mop.value)}, which no read saw, so it comes after every version read` });
      }
    }
  }
}
