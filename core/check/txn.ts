/**
 * The list-append transaction checker (the model of Jepsen's Elle; docs/HISTORY-FORMAT.md
 * "Transaction model"). Appends make versions recoverable: a read of key k returns the
 * whole list, so the longest read of k fixes the order of the appends it holds, and every
 * read is a prefix of it. From that order come the dependencies between committed
 * transactions (Adya):
 *   ww  T1 appended to k, and T2's append to k comes after it in k's order;
 *   wr  T2 read k up to T1's append (T2 saw T1's write);
 *   rw  T1 read k up to some version, and T2's append comes after it (T1 did not see T2).
 * Reads of an empty key (null or []) read the initial version. A committed append that no
 * read contains is in the key's final list (it committed) but not in the longest read, so
 * it sits somewhere after everything any read saw: after the last observed append (ww)
 * and after every longest read (rw). Where among themselves several unobserved appends
 * fall is not known, so no edge joins them. That is Elle's inference too.
 *
 * The model asked for (txn-models.ts) says which cycles are anomalies: strict
 * serializability adds real-time edges (T1 completed before T2 was invoked), the
 * strong-session models add each process's order. Cycles are named by their edges
 * (txn-cycles.ts). Reads no execution could give are caught before the graph: G1a (saw an
 * append of a failed transaction), G1b (saw a transaction's non-final append), internal
 * (a read that disagrees with the transaction's own earlier read or appends), future-read
 * (a read holding an append its own transaction makes later), dirty-update (a committed
 * append right after a failed one in a key's order), duplicate-elements,
 * garbage-read (a value nobody appended) and incompatible-order (two reads of a key that
 * are not prefixes of one another).
 */
import { HistoryError, lineOf, type HistoryOp } from './history';
import type { Verdict } from './verdict';
import { collectTxns, TxnHistoryError, valueId, type MicroOp, type Txn } from './txn-history';
import { DepGraph, SearchBudget, type DepEdge, type DepType } from './txn-graph';
import { addDataEdges, firstDifference, listText, type Append, type Read } from './txn-data';
import { internalAnomalies } from './txn-internal';
import { searchCycles, type CycleSearchResult, type IncompleteSearch, type OrderKind } from './txn-cycles';
import { addOrderEdges } from './txn-orders';
import { boundary, DEFAULT_CONSISTENCY, extraOrders, prohibitedBy, type ConsistencyModel } from './txn-models';

export type TxnAnomalyType = string;

export interface TxnRef {
  readonly name: string;
  readonly index: number;
  readonly process: number | string;
  readonly status: Txn['status'];
  readonly value: unknown[];
}

export interface CycleStep {
  readonly from: string;
  readonly to: string;
  readonly type: DepType;
  /** The key of a data dependency ('' for realtime and process). */
  readonly key: string;
  readonly why: string;
  /** The micro-operations that make the edge: [in `from`, in `to`] (absent for orders). */
  readonly mops?: [unknown, unknown];
}

export interface TxnAnomaly {
  readonly type: TxnAnomalyType;
  /** Words for a learner. */
  readonly explanation: string;
  readonly txns: TxnRef[];
  /** For cycles: each hop, in order, the last one returning to the first transaction. */
  readonly cycle?: CycleStep[];
  /** The weakest models this anomaly rules out (Elle's "not"). */
  readonly not: ConsistencyModel[];
}

export interface CheckTxnOptions {
  /** Give up with valid: 'unknown' after this long, as `nowMs` measures it (default: no limit). */
  timeoutMs?: number;
  /** The clock of `timeoutMs` (CheckBudget.nowMs); without one, time stands still. */
  nowMs?: () => number;
  /** The model the committed transactions must satisfy (default serializable). */
  consistency?: ConsistencyModel;
  /** Steps the cycle search may take in all (one per transaction visited); default 20 million. */
  maxSearchSteps?: number;
}

/** Per type, how many anomalies the evidence lists (the counts in stats are complete). */
const MAX_PER_TYPE = 8;
const DEFAULT_SEARCH_STEPS = 20_000_000;
/** Hops of a cycle spelled out in its explanation (the summary); the evidence lists all. */
const MAX_HOPS_IN_WORDS = 12;

const ANOMALY_WORDS: Record<string, string> = {
  G0: 'write cycle (G0: transactions overwrote each other in opposite orders)',
  G1a: 'aborted read (G1a: a committed transaction saw a write of a failed one)',
  G1b: 'intermediate read (G1b: a transaction saw another one half-way through its writes)',
  G1c: "circular information flow (G1c: transactions saw each other's writes in a cycle)",
  'G-single': 'read skew / lost update (G-single: a cycle with exactly one anti-dependency)',
  'G-nonadjacent': 'G-nonadjacent: a cycle of anti-dependencies, none next to another (snapshot isolation forbids it)',
  'G2-item': 'write skew (G2-item: a cycle with anti-dependencies next to each other)',
  internal: "internal inconsistency (a read disagrees with the transaction's own earlier read or appends)",
  'future-read': 'future read (a transaction read its own append before making it)',
  'dirty-update': 'dirty update (a committed append made on top of a failed one)',
  'duplicate-elements': 'duplicate elements (a read lists one appended value twice)',
  'garbage-read': 'garbage read (a read holds a value nobody appended)',
  'incompatible-order': 'incompatible orders (two reads of one key that disagree on its history)',
  'PL-1-cycle-exists': 'a write cycle exists (too large to search to the end)',
  'PL-2-cycle-exists': 'a cycle of writes and reads exists (too large to search to the end)',
  'PL-3-cycle-exists': 'a dependency cycle exists (too large to search to the end)',
  'strong-session-serializable-cycle-exists': 'a cycle with process order exists (too large to search to the end)',
  'PL-SS-cycle-exists': 'a cycle with real-time order exists (too large to search to the end)',
};

/** Reporting order: the weakest model broken first; orders after plain data cycles. */
const BASE_ORDER = ['garbage-read', 'duplicate-elements', 'internal', 'future-read', 'incompatible-order', 'G1a', 'dirty-update', 'G1b', 'G0', 'G1c', 'G-single', 'G-nonadjacent', 'G2-item'];
function severity(type: string): number {
  const suffix = type.endsWith('-realtime') ? 2 : type.endsWith('-process') ? 1 : type.endsWith('-cycle-exists') ? 3 : 0;
  const base = type.replace(/-(realtime|process)$/, '');
  const i = BASE_ORDER.indexOf(base);
  return suffix * 100 + (i < 0 ? 99 : i);
}

function words(type: string): string {
  const base = type.replace(/-(realtime|process)$/, '');
  const extra = type.endsWith('-realtime') ? ', closed by real-time order' : type.endsWith('-process') ? ", closed by a process's order" : '';
  return `${ANOMALY_WORDS[type] ?? ANOMALY_WORDS[base] ?? type}${extra}`;
}

class Timeout extends Error {}

/** The clock when none is given: time stands still, so only a spent (negative) timeoutMs binds. */
const STILL_CLOCK = (): number => 0;

function mopJson(m: MicroOp): unknown {
  return [m.f, m.key, m.value];
}

/**
 * Judges a list-append history under `opts.consistency` (default serializable). Throws
 * HistoryError (line and reason) when the history cannot be read as list-append
 * transactions (a malformed micro-op, a value appended twice).
 */
export function checkTxn(ops: HistoryOp[], opts: CheckTxnOptions = {}): Verdict {
  const now = opts.nowMs ?? STILL_CLOCK;
  const deadlineMs = opts.timeoutMs === undefined ? Infinity : now() + opts.timeoutMs;
  const checkTime = (): void => {
    if (now() > deadlineMs) throw new Timeout();
  };
  const consistency = opts.consistency ?? DEFAULT_CONSISTENCY;
  let txns: Txn[] = [];
  try {
    txns = collectTxns(ops);
    checkTime();
    // Out of time inside the cycle search, the search stops like one out of steps, so the
    // verdict keeps what was found and proven so far instead of a bare timeout.
    const budget: SearchBudget = new SearchBudget(opts.maxSearchSteps ?? DEFAULT_SEARCH_STEPS, () => {
      if (now() > deadlineMs) budget.exhaust('time');
    });
    return analyse(txns, consistency, budget, checkTime);
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
        evidence: { error: 'TIMEOUT', timeoutMs: opts.timeoutMs, consistency },
        stats: { txns: txns.length },
      };
    }
    throw e;
  }
}

const capitalized = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

const name = (t: Txn): string => `T${t.index}`;
const ref = (t: Txn): TxnRef => ({ name: name(t), index: t.index, process: t.process, status: t.status, value: t.ops.map(mopJson) });

/** The anomalies found so far: every one counted, the first MAX_PER_TYPE of each type kept. */
class Findings {
  readonly found = new Map<string, TxnAnomaly[]>();
  readonly counts = new Map<string, number>();

  report(a: Omit<TxnAnomaly, 'not'>): void {
    this.counts.set(a.type, (this.counts.get(a.type) ?? 0) + 1);
    const list = this.found.get(a.type) ?? [];
    if (list.length < MAX_PER_TYPE) list.push({ ...a, not: boundary([a.type]).not });
    this.found.set(a.type, list);
  }
}

/** What the phases of one analysis share. */
interface Analysis {
  readonly txns: Txn[];
  readonly consistency: ConsistencyModel;
  readonly forbidden: ReadonlySet<string>;
  readonly budget: SearchBudget;
  readonly findings: Findings;
}

/** What the reads of the history establish about the appends. */
interface ReadFacts {
  /** key -> value id -> the append that made it. */
  readonly appends: Map<string, Map<string, Append>>;
  readonly reads: Read[];
  /** Per key, its longest read: the order of the observed appends. */
  readonly orders: Map<string, Read>;
  /** Transactions some read saw an append of (so they committed). */
  readonly observed: Set<Txn>;
  readonly observedValues: Map<string, Set<string>>;
  /** Keys whose reads are garbage, duplicated or incompatible: no order is inferred from them. */
  readonly badKeys: Set<string>;
}

function analyse(txns: Txn[], consistency: ConsistencyModel, budget: SearchBudget, checkTime: () => void): Verdict {
  const a: Analysis = { txns, consistency, forbidden: prohibitedBy(consistency), budget, findings: new Findings() };
  const appends = collectAppends(txns);
  const reads = committedReads(a);
  const facts: ReadFacts = { appends, reads, orders: longestReads(reads), observed: new Set(), observedValues: new Map(), badKeys: new Set() };
  checkReads(a, facts, checkTime);
  findDirtyUpdates(a, facts);
  // A transaction is committed if it completed ok, or if its outcome is unknown and
  // someone saw one of its appends (then it must have committed).
  const committed = (t: Txn): boolean => t.status === 'ok' || (t.status === 'info' && facts.observed.has(t));
  const { graph, orderKinds } = dependencyGraph(a, facts, committed, checkTime);
  const search = searchCycles(graph, orderKinds, (n) => a.forbidden.has(n), budget);
  reportCycles(a, search.cycles);
  const undecided = reportIncomplete(a, search.incomplete);
  const stats: Record<string, number> = {
    txns: txns.length,
    committed: txns.filter(committed).length,
    failed: txns.filter((t) => t.status === 'fail').length,
    indeterminate: txns.filter((t) => t.status === 'info').length,
    keys: appends.size,
    edges: graph.edgeCount,
    searchSteps: budget.used,
    largestComponent: search.largestComponent,
  };
  for (const [type, n] of a.findings.counts) stats[type] = n;
  return verdictOf(a, undecided, stats);
}

/** Who appended what: key -> value id -> append. Throws on a value appended twice to one key. */
function collectAppends(txns: Txn[]): Map<string, Map<string, Append>> {
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
      byValue.set(id, { txn: t, mop: m, final: lastAppend.get(m.key) === i });
    });
  }
  return appends;
}

/**
 * Reads of committed (ok) transactions, reporting each one's internal anomalies; info and
 * fail completions carry no read values. A null read of an ok transaction is the empty list
 * (Elle's reading of nil).
 */
function committedReads(a: Analysis): Read[] {
  const reads: Read[] = [];
  for (const t of a.txns) {
    if (t.status !== 'ok') continue;
    for (const anomaly of internalAnomalies(t, name)) a.findings.report({ ...anomaly, txns: [ref(t)] });
    for (const m of t.ops) if (m.f === 'r') reads.push({ txn: t, key: m.key, mop: m, list: m.value ?? [] });
  }
  return reads;
}

/** Order of observed appends per key: the longest read, which every other read must be a prefix of. */
function longestReads(reads: Read[]): Map<string, Read> {
  const orders = new Map<string, Read>();
  for (const r of reads) {
    const best = orders.get(r.key);
    if (!best || r.list.length > best.list.length) orders.set(r.key, r);
  }
  return orders;
}

/**
 * Per-read checks: garbage and duplicate values, aborted and intermediate reads. A read
 * that is a prefix of its key's longest read holds nothing the longest one does not, so
 * only the longest reads (and reads that disagree with them) are checked element by
 * element; the others are only compared with it, which is cheap.
 */
function checkReads(a: Analysis, facts: ReadFacts, checkTime: () => void): void {
  for (const longest of facts.orders.values()) checkElements(a, facts, longest);
  checkTime();
  for (const r of facts.reads) {
    const longest = facts.orders.get(r.key)!;
    const mismatch = r === longest ? -1 : firstDifference(r.list, longest.list);
    if (mismatch >= 0) {
      checkElements(a, facts, r);
      if (!facts.badKeys.has(r.key)) {
        facts.badKeys.add(r.key);
        a.findings.report({
          type: 'incompatible-order',
          explanation: `${name(r.txn)} read key ${r.key} = ${listText(r.list)} and ${name(longest.txn)} read ${listText(longest.list)}: they differ at position ${mismatch}, so no single order of appends explains both.`,
          txns: [ref(r.txn), ref(longest.txn)],
        });
      }
    }
    reportIntermediateRead(a, facts, r);
  }
  checkTime();
}

/** Each value of one read: garbage, duplicated, or from a failed transaction (G1a); else its writer is observed. */
function checkElements(a: Analysis, facts: ReadFacts, r: Read): void {
  const byValue = facts.appends.get(r.key);
  const seen = new Set<string>();
  let keySeen = facts.observedValues.get(r.key);
  if (!keySeen) facts.observedValues.set(r.key, (keySeen = new Set()));
  for (const v of r.list) {
    const id = valueId(v);
    const append = byValue?.get(id);
    if (seen.has(id)) {
      facts.badKeys.add(r.key);
      a.findings.report({
        type: 'duplicate-elements',
        explanation: `${name(r.txn)} read key ${r.key} = ${listText(r.list)}, which lists ${id} twice; every value is appended once.`,
        txns: [ref(r.txn)],
      });
    } else if (!append) {
      facts.badKeys.add(r.key);
      a.findings.report({
        type: 'garbage-read',
        explanation: `${name(r.txn)} read key ${r.key} = ${listText(r.list)}, but no transaction ever appended ${id} to ${r.key}.`,
        txns: [ref(r.txn)],
      });
    } else if (append.txn.status === 'fail') {
      a.findings.report({
        type: 'G1a',
        explanation: `${name(r.txn)} read key ${r.key} = ${listText(r.list)}, which includes ${id}, appended by ${name(append.txn)}, a transaction that failed (certainly did not commit).`,
        txns: [ref(r.txn), ref(append.txn)],
      });
    } else {
      facts.observed.add(append.txn);
    }
    seen.add(id);
    keySeen.add(id);
  }
}

/** G1b: a read ending at an append its transaction followed with more appends to the key. */
function reportIntermediateRead(a: Analysis, facts: ReadFacts, r: Read): void {
  if (r.list.length === 0) return;
  const last = r.list[r.list.length - 1];
  const append = facts.appends.get(r.key)?.get(valueId(last));
  if (append && append.txn !== r.txn && !append.final && append.txn.status !== 'fail') {
    a.findings.report({
      type: 'G1b',
      explanation: `${name(r.txn)} read key ${r.key} = ${listText(r.list)}, ending at ${valueId(last)}, which ${name(append.txn)} appended but then appended more to ${r.key} in the same transaction: it saw ${name(append.txn)} half-done.`,
      txns: [ref(r.txn), ref(append.txn)],
    });
  }
}

/**
 * Dirty update (Elle): in a key's order, a committed (ok) append follows an append of a
 * failed transaction with no committed append between: it was made on top of state
 * that was never committed. (Appends of unknown outcome in between do not settle it.)
 */
function findDirtyUpdates(a: Analysis, facts: ReadFacts): void {
  for (const [key, longest] of facts.orders) {
    if (facts.badKeys.has(key)) continue;
    let failed: Append | undefined;
    for (const v of longest.list) {
      const append = facts.appends.get(key)?.get(valueId(v));
      if (!append || append.txn.status === 'info') continue;
      if (append.txn.status === 'fail') {
        failed ??= append;
        continue;
      }
      if (failed && append.txn !== failed.txn) {
        a.findings.report({
          type: 'dirty-update',
          explanation: `${name(append.txn)} appended ${valueId(append.mop.value)} to ${key} on top of ${name(failed.txn)}'s append of ${valueId(failed.mop.value)}, and ${name(failed.txn)} failed: a committed write built on one that never committed (${key} = ${listText(longest.list)}, read by ${name(longest.txn)}).`,
          txns: [ref(failed.txn), ref(append.txn)],
        });
      }
      failed = undefined;
    }
  }
}

/** The dependency graph of the committed transactions: data edges, then the model's orders. */
function dependencyGraph(a: Analysis, facts: ReadFacts, committed: (t: Txn) => boolean, checkTime: () => void): { graph: DepGraph; orderKinds: OrderKind[] } {
  const graph = new DepGraph();
  const { appends, reads, orders, badKeys, observedValues } = facts;
  addDataEdges(graph, { appends, reads, orders, badKeys, observedValues, committed, name });
  checkTime();
  const { realtime, process } = extraOrders(a.consistency);
  const orderKinds: OrderKind[] = realtime ? ['realtime'] : process ? ['process'] : [];
  for (const kind of orderKinds) addOrderEdges(graph, a.txns, committed, kind);
  checkTime();
  return { graph, orderKinds };
}

/** Each cycle found, in words (a long one by its first and last hops) and hop by hop. */
function reportCycles(a: Analysis, cycles: CycleSearchResult['cycles']): void {
  const { txns } = a;
  for (const { name: type, edges } of cycles) {
    const members = edges.map((e) => txns[e.from]!);
    const names = [...members, members[0]!].map(name);
    // Words for a long cycle name its first and last hops; `cycle` keeps every hop.
    const shown = edges.length <= MAX_HOPS_IN_WORDS ? edges : [...edges.slice(0, MAX_HOPS_IN_WORDS - 2), ...edges.slice(-2)];
    const hops = shown.map((e) => `${e.why()} (${e.type})`);
    if (shown !== edges) hops.splice(MAX_HOPS_IN_WORDS - 2, 0, `... ${edges.length - shown.length} more hops (in the evidence) ...`);
    const path = names.length <= MAX_HOPS_IN_WORDS + 1 ? names.join(' -> ') : `${names.slice(0, MAX_HOPS_IN_WORDS - 2).join(' -> ')} -> ... -> ${names.slice(-3).join(' -> ')}`;
    a.findings.report({
      type,
      explanation: `Cycle ${path}: ${hops.join('; ')}.`,
      txns: members.map(ref),
      cycle: edges.map((e) => cycleStep(e, txns, name)),
    });
  }
}

/**
 * What an unfinished search proved: the component is a cycle over the types searched. Where
 * the model forbids such a cycle outright it is reported; the rest stay undecided (returned).
 */
function reportIncomplete(a: Analysis, incomplete: readonly IncompleteSearch[]): IncompleteSearch[] {
  const undecided: IncompleteSearch[] = [];
  for (const inc of incomplete) {
    if (!a.forbidden.has(inc.cycleClass + (inc.order === '' ? '' : `-${inc.order}`))) continue;
    const exists = cycleExistsName(inc.edgeTypes);
    if (a.forbidden.has(exists)) {
      a.findings.report({
        type: exists,
        explanation: `A strongly connected component of ${inc.size} committed transactions over ${inc.edgeTypes.join('/')} edges (e.g. ${inc.sample.map((i) => name(a.txns[i]!)).join(', ')}) holds a cycle, which ${a.consistency} forbids; the search for the shortest ${inc.cycleClass} cycle in it ran out of ${a.budget.exhaustedBy === 'time' ? 'time' : 'steps'}.`,
        txns: inc.sample.map((i) => ref(a.txns[i]!)),
      });
    } else {
      undecided.push(inc);
    }
  }
  return undecided;
}

/** The verdict: invalid on a forbidden anomaly, else unknown on an undecided component, else valid. */
function verdictOf(a: Analysis, undecided: IncompleteSearch[], stats: Record<string, number>): Verdict {
  const { consistency, forbidden, budget, findings, txns } = a;
  const types = [...findings.counts.keys()].sort((x, y) => severity(x) - severity(y));
  const violations = types.filter((t) => forbidden.has(t));
  const allowed = types.filter((t) => !forbidden.has(t));
  const anomalies = violations.flatMap((type) => findings.found.get(type) ?? []);
  const { not, alsoNot } = boundary(types);
  if (anomalies.length === 0) {
    const also = allowed.length > 0 ? ` (${consistency} allows what was seen: ${allowed.join(', ')})` : '';
    const explained = allowed.length > 0 ? also : '; every read is explained by some order of the appends';
    if (undecided.length > 0) {
      const u = undecided[0]!;
      return {
        valid: 'unknown',
        model: 'txn',
        summary: `Undecided for ${consistency}: a strongly connected component of ${u.size} transactions over ${u.edgeTypes.join('/')} edges holds a cycle, but the search for a ${u.cycleClass} cycle in it ran out of ${budget.exhaustedBy === 'time' ? 'time' : 'steps'} before finding or ruling one out${also}.`,
        evidence: { error: budget.exhaustedBy === 'time' ? 'TIMEOUT' : 'SEARCH_BUDGET', consistency, incomplete: undecided, anomalyTypes: allowed, not, alsoNot },
        stats,
      };
    }
    return {
      valid: true,
      model: 'txn',
      summary: `${capitalized(consistency)}: the ${stats.committed} committed transactions (of ${txns.length}) show none of the anomalies ${consistency} forbids${explained}.`,
      ...(allowed.length > 0 ? { evidence: { consistency, anomalyTypes: allowed, not, alsoNot } } : {}),
      stats,
    };
  }
  const first = anomalies[0]!;
  const kinds = violations.map((t) => `${t} x${findings.counts.get(t)}`);
  return {
    valid: false,
    model: 'txn',
    summary: `Not ${consistency}: ${words(first.type)}. ${first.explanation} Found: ${kinds.join(', ')}; not ${not.join(' or ')}.`,
    evidence: { consistency, anomalyTypes: violations, anomalies, not, alsoNot, ...(allowed.length > 0 ? { allowedAnomalyTypes: allowed } : {}) },
    stats,
  };
}

function cycleExistsName(types: readonly DepType[]): string {
  if (types.includes('realtime')) return 'PL-SS-cycle-exists';
  if (types.includes('process')) return 'strong-session-serializable-cycle-exists';
  if (types.includes('rw')) return 'PL-3-cycle-exists';
  if (types.includes('wr')) return 'PL-2-cycle-exists';
  return 'PL-1-cycle-exists';
}

function cycleStep(e: DepEdge, txns: readonly Txn[], name: (t: Txn) => string): CycleStep {
  const step: CycleStep = { from: name(txns[e.from]!), to: name(txns[e.to]!), type: e.type, key: e.key, why: e.why() };
  return e.mops ? { ...step, mops: [mopJson(e.mops[0]), mopJson(e.mops[1])] } : step;
}

