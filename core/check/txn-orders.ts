/**
 * Orders between transactions that are not data: the real-time order strict
 * serializability keeps (T1 completed before T2 was invoked, so T1 comes first) and each
 * process's own order that the strong-session models keep. Positions in the history are
 * its real-time order, so no clock is needed.
 *
 * Real-time edges are added as Elle does, without the quadratic all-pairs set: a frontier
 * holds the committed transactions completed so far that no later-completed transaction
 * already follows. An invoke gets an edge from each member; a completion removes from the
 * frontier the members its own transaction had an edge from (that transaction now stands
 * for them: it completed later, and follows them) and joins it. Every pair in real-time
 * order stays connected by a path of real-time edges.
 */
import { unreachable } from '../algorithms/common/unreachable';
import type { DepGraph } from './txn-graph';
import { valueId, type Txn } from './txn-history';
import type { OrderKind } from './txn-cycles';

export function addOrderEdges(graph: DepGraph, txns: readonly Txn[], committed: (t: Txn) => boolean, kind: OrderKind): void {
  switch (kind) {
    case 'realtime':
      return addRealtime(graph, txns, committed);
    case 'process':
      return addProcess(graph, txns, committed);
    default:
      return unreachable(kind);
  }
}

function addRealtime(graph: DepGraph, txns: readonly Txn[], committed: (t: Txn) => boolean): void {
  // Events in history order: invokes of committed txns, completions of ok ones.
  const events: { at: number; txn: Txn; invoke: boolean }[] = [];
  for (const t of txns) {
    if (!committed(t)) continue;
    events.push({ at: t.index, txn: t, invoke: true });
    if (t.status === 'ok' && t.completionIndex !== undefined) events.push({ at: t.completionIndex, txn: t, invoke: false });
  }
  events.sort((a, b) => a.at - b.at);
  const frontier = new Set<Txn>();
  const before = new Map<Txn, Txn[]>();
  for (const e of events) {
    if (e.invoke) {
      const preds = [...frontier];
      before.set(e.txn, preds);
      for (const p of preds) {
        const t = e.txn;
        graph.add({ from: p.id, to: t.id, type: 'realtime', key: '', why: () => `T${p.index} completed (op ${p.completionIndex}) before T${t.index} was invoked (op ${t.index})` });
      }
    } else {
      for (const p of before.get(e.txn) ?? []) frontier.delete(p);
      frontier.add(e.txn);
    }
  }
}

function addProcess(graph: DepGraph, txns: readonly Txn[], committed: (t: Txn) => boolean): void {
  const last = new Map<string, Txn>();
  for (const t of txns) {
    if (!committed(t)) continue;
    const proc = valueId(t.process);
    const prev = last.get(proc);
    if (prev) graph.add({ from: prev.id, to: t.id, type: 'process', key: '', why: () => `T${prev.index} and then T${t.index} ran on process ${proc}, one after the other` });
    last.set(proc, t);
  }
}
