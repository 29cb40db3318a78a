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
}

export function synthSerialHistory(opts: SynthOptions): HistoryOp[] {
  const prng = new Prng(opts.seed);
  const store = new Map<string, number[]>();
  const nextValue = new Map<string, number>();
  const events: { at: number; op: Omit<HistoryOp, 'index'> }[] = [];
  /** process id -> time its last op completed (busy processes are skipped). */
  const freeAt = new Map<number, number>();
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
    for (let j = 0; j < n; j++) {
      const key = `k${prng.int(opts.keys)}`;
      if (prng.chance(0.5)) {
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
    const filled = micro.map((m) => {
      if (!applies) return [m.f, m.key, m.value];
      const list = store.get(m.key) ?? [];
      if (m.f === 'append') {
        store.set(m.key, [...list, m.value as number]);
        return [m.f, m.key, m.value];
      }
      return [m.f, m.key, [...list]];
    });
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
