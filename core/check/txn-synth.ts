/**
 * Synthetic list-append histories that are serializable by construction: transactions run
 * one after another against an in-memory store, and each is then given a random
 * invoke/complete window around its serial point, so the history looks concurrent while a
 * serial order exists. Used by the property tests (the checker must accept every one) and
 * by the checker benchmark (realistic shapes at 10k+ transactions).
 */
import { Prng } from '../algorithms/common/prng';
import type { HistoryOp } from './history';

export interface SynthOptions {
  seed: number;
  txns: number;
  keys: number;
  /** Micro-operations per transaction: 1..maxOps. */
  maxOps: number;
  /** How far (in serial points) an invoke may precede / a completion follow its point. */
  window: number;
  /** Probability that a transaction fails (no effect) or ends indeterminate (info). */
  failRate?: number;
  infoRate?: number;
  /**
   * Read-only transactions served from an old snapshot, like a lagging replica: with this
   * probability a transaction reads every key it touches as of `staleLag` serial points
   * earlier. The history stays serializable (the reader fits at its snapshot), but a reader
   * invoked after a write it missed had completed breaks real-time order: with many of
   * them the dependency graph becomes one huge strongly connected component, as in Elle's
   * huge-scc history, and the anomalies are the -realtime ones.
   */
  staleReadRate?: number;
  staleLag?: number;
}

export function synthSerialHistory(opts: SynthOptions): HistoryOp[] {
  const prng = new Prng(opts.seed);
  const store = new Map<string, number[]>();
  const nextValue = new Map<string, number>();
  const events: { at: number; op: Omit<HistoryOp, 'index'> }[] = [];
  /** process id -> time its last op completed (busy processes are skipped). */
  const freeAt = new Map<number, number>();
  /** Each key's list after each serial point (only kept when stale reads are asked for). */
  const snapshots: Map<string, number[]>[] = [];
  let nextProcess = 0;
  const pointGap = 10;
  for (let i = 0; i < opts.txns; i++) {
    const point = i * pointGap;
    const invokeAt = point - 0.5 - prng.next() * opts.window * pointGap;
    const completeAt = point + 0.5 + prng.next() * opts.window * pointGap;
    let process = [...freeAt].find(([, at]) => at < invokeAt)?.[0];
    if (process === undefined) process = nextProcess++;
    const micro: { f: 'append' | 'r'; key: string; value: number | null }[] = [];
    const n = 1 + prng.int(opts.maxOps);
    const stale = opts.staleReadRate !== undefined && i > 0 && prng.chance(opts.staleReadRate);
    for (let j = 0; j < n; j++) {
      const key = `k${prng.int(opts.keys)}`;
      if (!stale && prng.chance(0.5)) {
        const v = (nextValue.get(key) ?? 0) + 1;
        nextValue.set(key, v);
        micro.push({ f: 'append', key, value: v });
      } else {
        micro.push({ f: 'r', key, value: null });
      }
    }
    const roll = prng.next();
    const outcome = roll < (opts.failRate ?? 0) ? 'fail' : roll < (opts.failRate ?? 0) + (opts.infoRate ?? 0) ? 'info' : 'ok';
    const applies = outcome === 'ok' || (outcome === 'info' && prng.chance(0.5));
    // A stale reader sees the store as it was after an earlier serial point.
    const seen = stale ? (snapshots[Math.max(0, i - 1 - (opts.staleLag ?? 1))] as Map<string, number[]>) : store;
    const filled = micro.map((m) => {
      if (!applies) return [m.f, m.key, m.value];
      if (stale) return [m.f, m.key, [...(seen.get(m.key) ?? [])]];
      const list = store.get(m.key) ?? [];
      if (m.f === 'append') {
        store.set(m.key, [...list, m.value as number]);
        return [m.f, m.key, m.value];
      }
      return [m.f, m.key, [...list]];
    });
    if (opts.staleReadRate !== undefined) snapshots.push(new Map(store));
    events.push({ at: invokeAt, op: { process, type: 'invoke', f: 'txn', value: micro.map((m) => [m.f, m.key, m.value]) } });
    if (outcome === 'info') {
      // Jepsen retires a process after an indeterminate op; so do we.
      freeAt.delete(process);
      if (prng.chance(0.5)) events.push({ at: completeAt, op: { process, type: 'info', f: 'txn', value: micro.map((m) => [m.f, m.key, m.value]) } });
    } else {
      freeAt.set(process, completeAt);
      events.push({ at: completeAt, op: { process, type: outcome, f: 'txn', value: outcome === 'ok' ? filled : micro.map((m) => [m.f, m.key, m.value]) } });
    }
  }
  events.sort((a, b) => a.at - b.at);
  return events.map((e, index) => ({ ...e.op, index, time: Math.round(e.at * 1000) }) as HistoryOp);
}
