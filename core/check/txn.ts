/**
 * The list-append transaction checker (the model of Jepsen's Elle; DESIGN.md "Transaction
 * model"). Appends make versions recoverable: a read of key k returns the whole list, so
 * the longest read of k fixes k's version order, and every read is a prefix of it. From
 * that order come the dependencies between committed transactions (Adya):
 *   ww  T1 appended to k, and T2's append to k comes right after in k's order;
 *   wr  T2 read k up to T1's append (T2 saw T1's write);
 *   rw  T1 read k up to some version, and T2's append is the next one (T1 did not see T2).
 * The committed transactions are serializable iff this graph has no cycle. Cycles are
 * named by their edges: G0 (ww only), G1c (ww and wr), G-single (exactly one rw), G2 (more
 * rw). Reads that no serial order could explain are caught before the graph: G1a (saw an
 * append of a failed transaction), G1b (saw a transaction's non-final append),
 * impossible reads (a value nobody appended, one listed twice) and incompatible orders
 * (two reads of a key that are not prefixes of one another).
 */
import { HistoryError, lineOf, type HistoryOp } from './history';
import type { Verdict } from './verdict';
import { collectTxns, TxnHistoryError, valueId, type MicroOp, type Txn } from './txn-history';
import { cycleEdges, DepGraph, shortestPath, stronglyConnected, type DepEdge, type DepType } from './txn-graph';

export type TxnAnomalyType =
  | 'G0'
  | 'G1a'
  | 'G1b'
  | 'G1c'
  | 'G-single'
  | 'G2'
  | 'impossible-read'
  | 'incompatible-order';

export interface TxnRef {
  readonly name: string;
  readonly index: number;
  readonly process: number | string;
  readonly status: Txn['status'];
  readonly value: unknown[];
}

export interface TxnAnomaly {
  readonly type: TxnAnomalyType;
  /** Words for a learner. */
  readonly explanation: string;
  readonly txns: TxnRef[];
  /** For cycles: each hop, in order, the last one returning to the first transaction. */
  readonly cycle?: { from: string; to: string; type: DepType; key: string; why: string }[];
}

export interface CheckTxnOptions {
  timeoutMs?: number;
}

/** Per type, how many anomalies the evidence lists (the counts in stats are complete). */
const MAX_PER_TYPE = 8;
/** rw edges tried per component when looking for a G-single cycle. */
const MAX_RW_TRIES_PER_COMPONENT = 2000;

const ANOMALY_WORDS: Record<TxnAnomalyType, string> = {
  G0: 'write cycle (G0: transactions overwrote each other in opposite orders)',
  G1a: 'aborted read (G1a: a committed transaction saw a write of a failed one)',
  G1b: 'intermediate read (G1b: a transaction saw another one half-way through its writes)',
  G1c: 'circular information flow (G1c: transactions saw each other\'s writes in a cycle)',
  'G-single': 'read skew / lost update (G-single: a cycle with exactly one anti-dependency)',
  G2: 'write skew (G2: a cycle of several anti-dependencies)',
  'impossible-read': 'impossible read (a read no execution could return)',
  'incompatible-order': 'incompatible orders (two reads of one key that disagree on its history)',
};

/** Reporting order: the weakest isolation level broken first. */
const SEVERITY: TxnAnomalyType[] = ['impossible-read', 'incompatible-order', 'G1a', 'G1b', 'G0', 'G1c', 'G-single', 'G2'];

class Timeout extends Error {}

function microOpsJson(ops: readonly MicroOp[]): unknown[] {
  return ops.map((m) => [m.f, m.key, m.value]);
}

/** A read list as text, long ones abbreviated (the evidence names the txn for the rest). */
function listText(list: readonly unknown[]): string {
  if (list.length <= 10) return `[${list.map(valueId).join(',')}]`;
  const head = list.slice(0, 3).map(valueId).join(',');
  const tail = list.slice(-4).map(valueId).join(',');
  return `[${head},...${list.length - 7} more...,${tail}]`;
}

/**
 * Judges a list-append history. Throws HistoryError (line and reason) when the history
 * cannot be read as list-append transactions (a malformed micro-op, a value appended twice).
 */
export function checkTxn(ops: HistoryOp[], opts: CheckTxnOptions = {}): Verdict {
  const deadlineMs = opts.timeoutMs === undefined ? Infinity : Date.now() + opts.timeoutMs;
  const checkTime = (): void => {
    if (Date.now() > deadlineMs) throw new Timeout();
  };
  let txns: Txn[] = [];
  try {
    txns = collectTxns(ops);
    return analyse(txns, checkTime);
  } catch (e) {
    if (e instanceof TxnHistoryError) {
      // Unusable input, not a verdict: the CLI turns this into exit 2 with the line.
      const op = ops.find((o) => o.index === e.index);
      throw new HistoryError(op ? lineOf(op) : e.index + 1, e.reason);
    }
    if (e instanceof Timeout) {
      return {
        valid: 'unknown',
        model: 'txn',
        summary: `The checker ran out of time (${opts.timeoutMs} ms) before reaching a verdict on ${txns.length} transactions.`,
        evidence: { error: 'TIMEOUT', timeoutMs: opts.timeoutMs },
        stats: { txns: txns.length },
      };
    }
    throw e;
  }
}

interface Append {
  readonly txn: Txn;
  /** True when this is the txn's last append to that key (what others may see it end on). */
  readonly final: boolean;
}

interface Read {
  readonly txn: Txn;
  readonly key: string;
  readonly list: readonly unknown[];
}

/** Index of the first position where `a` is not a prefix of `b`, or -1 when it is one. */
function firstDifference(a: readonly unknown[], b: readonly unknown[]): number {
  for (let i = 0; i < a.length; i++) {
    if (i >= b.length) return i;
    if (a[i] !== b[i] && valueId(a[i]) !== valueId(b[i])) return i;
  }
  return -1;
}

function analyse(txns: Txn[], checkTime: () => void): Verdict {
  const name = (t: Txn): string => `T${t.index}`;
  const ref = (t: Txn): TxnRef => ({ name: name(t), index: t.index, process: t.process, status: t.status, value: microOpsJson(t.ops) });
  const found = new Map<TxnAnomalyType, TxnAnomaly[]>();
  const counts = new Map<TxnAnomalyType, number>();
  const report = (a: TxnAnomaly): void => {
    counts.set(a.type, (counts.get(a.type) ?? 0) + 1);
    const list = found.get(a.type) ?? [];
    if (list.length < MAX_PER_TYPE) list.push(a);
    found.set(a.type, list);
  };

  // Who appended what: key -> value id -> append.
  const appends = new Map<string, Map<string, Append>>();
  for (const t of txns) {
    const lastAppend = new Map<string, number>();
    t.ops.forEach((m, i) => {
      if (m.f === 'append') lastAppend.set(m.key, i);
    });
    t.ops.forEach((m, i) => {
      if (m.f !== 'append') return;
      let byValue = appends.get(m.key);
      if (!byValue) appends.set(m.key, (byValue = new Map()));
      const id = valueId(m.value);
      const earlier = byValue.get(id);
      if (earlier) {
        throw new TxnHistoryError(t.index, `value ${id} is appended to key ${m.key} twice (also by op ${earlier.txn.index}); appended values must be unique per key`);
      }
      byValue.set(id, { txn: t, final: lastAppend.get(m.key) === i });
    });
  }

  // Reads of committed (ok) transactions; info and fail completions carry no read values.
  // A read after the transaction's own appends to that key must end with them, in order
  // (Elle's "internal" consistency): anything else no execution could return.
  const reads: Read[] = [];
  for (const t of txns) {
    if (t.status !== 'ok') continue;
    const own = new Map<string, unknown[]>();
    for (const m of t.ops) {
      if (m.f === 'append') {
        own.set(m.key, [...(own.get(m.key) ?? []), m.value]);
        continue;
      }
      if (m.value === null) continue;
      reads.push({ txn: t, key: m.key, list: m.value });
      const mine = own.get(m.key) ?? [];
      const tail = m.value.slice(m.value.length - mine.length);
      if (mine.length > 0 && (tail.length !== mine.length || firstDifference(tail, mine) >= 0)) {
        report({
          type: 'impossible-read',
          explanation: `${name(t)} appended ${listText(mine)} to ${m.key} and then read ${m.key} = ${listText(m.value)}, which does not end with its own appends.`,
          txns: [ref(t)],
        });
      }
    }
  }

  // Version order per key: the longest read, which every other read must be a prefix of.
  const orders = new Map<string, Read>();
  for (const r of reads) {
    const best = orders.get(r.key);
    if (!best || r.list.length > best.list.length) orders.set(r.key, r);
  }

  // Per-read checks: impossible values, duplicates, aborted and intermediate reads. A read
  // that is a prefix of its key's longest read holds nothing the longest one does not, so
  // only the longest reads (and reads that disagree with them) are checked element by
  // element; the others are only compared with it, which is cheap.
  const observed = new Set<Txn>();
  const badKeys = new Set<string>();
  const checkElements = (r: Read): void => {
    const byValue = appends.get(r.key);
    const seen = new Set<string>();
    for (const v of r.list) {
      const id = valueId(v);
      const a = byValue?.get(id);
      if (seen.has(id)) {
        badKeys.add(r.key);
        report({
          type: 'impossible-read',
          explanation: `${name(r.txn)} read key ${r.key} = ${listText(r.list)}, which lists ${id} twice; every value is appended once.`,
          txns: [ref(r.txn)],
        });
      } else if (!a) {
        badKeys.add(r.key);
        report({
          type: 'impossible-read',
          explanation: `${name(r.txn)} read key ${r.key} = ${listText(r.list)}, but no transaction ever appended ${id} to ${r.key}.`,
          txns: [ref(r.txn)],
        });
      } else if (a.txn.status === 'fail') {
        report({
          type: 'G1a',
          explanation: `${name(r.txn)} read key ${r.key} = ${listText(r.list)}, which includes ${id}, appended by ${name(a.txn)}, a transaction that failed (certainly did not commit).`,
          txns: [ref(r.txn), ref(a.txn)],
        });
      } else {
        observed.add(a.txn);
      }
      seen.add(id);
    }
  };
  for (const longest of orders.values()) checkElements(longest);
  checkTime();
  for (const r of reads) {
    const longest = orders.get(r.key)!;
    const mismatch = r === longest ? -1 : firstDifference(r.list, longest.list);
    if (mismatch >= 0) {
      checkElements(r);
      if (!badKeys.has(r.key)) {
        badKeys.add(r.key);
        report({
          type: 'incompatible-order',
          explanation: `${name(r.txn)} read key ${r.key} = ${listText(r.list)} and ${name(longest.txn)} read ${listText(longest.list)}: they differ at position ${mismatch}, so no single order of appends explains both.`,
          txns: [ref(r.txn), ref(longest.txn)],
        });
      }
    }
    if (r.list.length > 0) {
      const last = r.list[r.list.length - 1];
      const a = appends.get(r.key)?.get(valueId(last));
      if (a && a.txn !== r.txn && !a.final && a.txn.status !== 'fail') {
        report({
          type: 'G1b',
          explanation: `${name(r.txn)} read key ${r.key} = ${listText(r.list)}, ending at ${valueId(last)}, which ${name(a.txn)} appended but then appended more to ${r.key} in the same transaction: it saw ${name(a.txn)} half-done.`,
          txns: [ref(r.txn), ref(a.txn)],
        });
      }
    }
  }
  checkTime();

  // A transaction is committed if it completed ok, or if its outcome is unknown and
  // someone saw one of its appends (then it must have committed).
  const committed = (t: Txn): boolean => t.status === 'ok' || (t.status === 'info' && observed.has(t));

  // The dependency graph over committed transactions, from keys with a coherent order.
  const graph = new DepGraph();
  const writerOf = (key: string, v: unknown): Txn | undefined => {
    const a = appends.get(key)?.get(valueId(v));
    return a && committed(a.txn) ? a.txn : undefined;
  };
  for (const [key, longest] of orders) {
    if (badKeys.has(key)) continue;
    const order = longest.list;
    for (let i = 0; i + 1 < order.length; i++) {
      const w1 = writerOf(key, order[i]);
      const w2 = writerOf(key, order[i + 1]);
      if (w1 && w2) {
        graph.add({ from: w1.id, to: w2.id, type: 'ww', key, why: () => `${name(w1)} appended ${valueId(order[i])} to ${key}, and ${name(w2)}'s append of ${valueId(order[i + 1])} comes right after it in ${key}'s order` });
      }
    }
  }
  for (const r of reads) {
    if (badKeys.has(r.key)) continue;
    const order = orders.get(r.key)!.list;
    const m = r.list.length;
    if (m > 0) {
      const w = writerOf(r.key, r.list[m - 1]);
      if (w) graph.add({ from: w.id, to: r.txn.id, type: 'wr', key: r.key, why: () => `${name(r.txn)} read ${r.key} = ${listText(r.list)}, which ends with ${name(w)}'s append of ${valueId(r.list[m - 1])}` });
    }
    if (m < order.length) {
      const w = writerOf(r.key, order[m]);
      if (w) graph.add({ from: r.txn.id, to: w.id, type: 'rw', key: r.key, why: () => `${name(r.txn)} read ${r.key} = ${listText(r.list)} and did not see ${name(w)}'s append of ${valueId(order[m])}, which comes next in ${r.key}'s order` });
    }
  }
  checkTime();

  findCycles(graph, txns, report, ref, checkTime);

  const committedCount = txns.filter(committed).length;
  const stats: Record<string, number> = {
    txns: txns.length,
    committed: committedCount,
    failed: txns.filter((t) => t.status === 'fail').length,
    indeterminate: txns.filter((t) => t.status === 'info').length,
    keys: appends.size,
    edges: graph.edgeCount,
  };
  for (const [type, n] of counts) stats[type] = n;

  const anomalies = SEVERITY.flatMap((type) => found.get(type) ?? []);
  if (anomalies.length === 0) {
    return {
      valid: true,
      model: 'txn',
      summary: `Serializable: the ${committedCount} committed transactions (of ${txns.length}) have no dependency cycle and every read is explained by some serial order.`,
      stats,
    };
  }
  const first = anomalies[0]!;
  const kinds = SEVERITY.filter((t) => counts.has(t)).map((t) => `${t} x${counts.get(t)}`);
  return {
    valid: false,
    model: 'txn',
    summary: `Not serializable: ${ANOMALY_WORDS[first.type]}. ${first.explanation} Found: ${kinds.join(', ')}.`,
    evidence: { anomalyTypes: SEVERITY.filter((t) => counts.has(t)), anomalies },
    stats,
  };
}

const WW = new Set<DepType>(['ww']);
const WW_WR = new Set<DepType>(['ww', 'wr']);
const ALL = new Set<DepType>(['ww', 'wr', 'rw']);

/**
 * One cycle per strongly connected component and class, the weakest class first: a G0
 * component is not also reported as G1c, but a larger component may hold both.
 */
function findCycles(
  graph: DepGraph,
  txns: readonly Txn[],
  report: (a: TxnAnomaly) => void,
  ref: (t: Txn) => TxnRef,
  checkTime: () => void,
): void {
  const emit = (type: TxnAnomalyType, edges: DepEdge[]): void => {
    const members = edges.map((e) => txns[e.from]!);
    const names = [...members, members[0]!].map((t) => `T${t.index}`);
    report({
      type,
      explanation: `Cycle ${names.join(' -> ')}: ${edges.map((e) => `${e.why()} (${e.type})`).join('; ')}.`,
      txns: members.map(ref),
      cycle: edges.map((e) => ({ from: `T${txns[e.from]!.index}`, to: `T${txns[e.to]!.index}`, type: e.type, key: e.key, why: e.why() })),
    });
  };
  const closeCycle = (edge: DepEdge, allowed: ReadonlySet<DepType>, within: ReadonlySet<number>): DepEdge[] | undefined => {
    const back = shortestPath(graph, edge.to, edge.from, allowed, within);
    return back ? [edge, ...cycleEdges(graph, back, allowed)] : undefined;
  };
  const internal = (type: DepType, within: ReadonlySet<number>): DepEdge[] =>
    [...within].flatMap((from) => graph.edgesFrom(from).filter((e) => e.type === type && within.has(e.to)));

  // G0: cycles of ww edges alone.
  for (const component of stronglyConnected(graph, WW)) {
    checkTime();
    const within = new Set(component);
    const e = internal('ww', within)[0];
    const cycle = e && closeCycle(e, WW, within);
    if (cycle) emit('G0', cycle);
  }
  // G1c: cycles of ww and wr edges with at least one wr.
  for (const component of stronglyConnected(graph, WW_WR)) {
    checkTime();
    const within = new Set(component);
    const e = internal('wr', within)[0];
    const cycle = e && closeCycle(e, WW_WR, within);
    if (cycle) emit('G1c', cycle);
  }
  // G-single: an rw edge closed by ww/wr edges; otherwise G2: closed by anything.
  for (const component of stronglyConnected(graph, ALL)) {
    const within = new Set(component);
    const rws = internal('rw', within);
    if (rws.length === 0) continue; // a pure ww/wr component, reported above
    let single: DepEdge[] | undefined;
    for (const e of rws.slice(0, MAX_RW_TRIES_PER_COMPONENT)) {
      checkTime();
      single = closeCycle(e, WW_WR, within);
      if (single) break;
    }
    if (single) {
      emit('G-single', single);
      continue;
    }
    const cycle = closeCycle(rws[0]!, ALL, within);
    if (cycle) emit(cycle.filter((e) => e.type === 'rw').length === 1 ? 'G-single' : 'G2', cycle);
  }
}
