/**
 * The three register history sets the checker is measured on, shaped like the ones
 * Porcupine publishes figures for (its etcd and kv test data are not at hand here), each
 * generated from seeds fixed in this file, so every run and every machine checks the same
 * histories:
 *   - etcd: 100 crash-bearing histories of 5-10 clients on one key (read, write, cas of
 *     small values, many timeouts, a crashed client coming back as a new process), like
 *     Jepsen's etcd tests; Porcupine: 1.04 s for its 102 etcd + 6 kv histories;
 *   - c50-bad: a kv history of 50 clients (get/put/append over a few keys) with one stale
 *     read, so not linearizable; Porcupine: 0.04 s on its c50 bad history;
 *   - wide: 100k operations over 100 keys, 10 clients; Porcupine: 0.21 s.
 * `toJsonl` writes one as the JSONL `faultline check` reads (profiling, whole-process timing).
 */
import { Prng } from '../algorithms/common/prng';
import type { HistoryOp } from '../check/history';
import { simulateRegisterHistory } from '../check/simulate-register';

/** Porcupine's published times (same 2-core machines), in milliseconds. */
export const PORCUPINE_MS = { etcd: 1040, c50Bad: 40, wide: 210 } as const;

export interface NamedHistory {
  name: string;
  history: HistoryOp[];
  /** The verdict the history has by construction. */
  valid: boolean;
  /** Where it was made wrong: the index of the completion that was changed. */
  brokenAt?: number;
}

const ETCD_SEED = 0xe7cd;
const ETCD_HISTORIES = 100;

/** About a hundred single-key histories with crashes, as Jepsen's etcd register test writes. */
export function etcdSet(count = ETCD_HISTORIES): NamedHistory[] {
  const rng = new Prng(ETCD_SEED);
  const set: NamedHistory[] = [];
  for (let i = 0; i < count; i++) {
    const history = simulateRegisterHistory({
      seed: ETCD_SEED + i,
      ops: rng.between(200, 1200),
      clients: rng.between(5, 10),
      keys: 1,
      valueRange: 5,
      infoRate: 0.04 + rng.next() * 0.06,
      failRate: 0.05,
      newProcessAfterCrash: true,
    });
    set.push({ name: `etcd-${String(i).padStart(3, '0')}`, history, valid: true });
  }
  return set;
}

const C50_SEED = 0xc50;

/**
 * 50 clients of a kv store (half reads, a tenth puts, the rest appends of unique strings, over
 * 10 keys, no crashes: the mix of Porcupine's kv histories), linearizable by
 * construction, then one late read on the busiest key made to return a value that key held
 * long before: a stale read only a search (or the stale-read proof) can find.
 */
export function c50BadHistory(): NamedHistory {
  const history = simulateRegisterHistory({ seed: C50_SEED, ops: 4_000, clients: 50, keys: 10, valueRange: 1_000_000, appends: true, writeShare: 0.1, infoRate: 0, failRate: 0 });
  const counts = new Map<string, number>();
  for (const op of history) if (op.key !== undefined) counts.set(op.key, (counts.get(op.key) ?? 0) + 1);
  const busiest = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  // Reads of the busiest key that completed ok: an early non-null value, a late read to corrupt.
  const reads = history.filter((op) => op.key === busiest && op.f === 'read' && op.type === 'ok');
  const late = reads[reads.length - Math.max(1, Math.floor(reads.length / 10))];
  const early = reads.find((op) => op.value !== null && op.value !== late?.value && typeof op.value === 'string' && op.value.length > 0);
  if (late === undefined || early === undefined) throw new Error('c50 history: no reads to make stale (the seed changed?)');
  history[late.index] = { ...late, value: early.value };
  return { name: 'c50-bad', history, valid: false, brokenAt: late.index };
}

/** The 100k-operation / 100-key / 10-client history (the bench's long-standing seed). */
export function wideHistory(): NamedHistory {
  return { name: 'wide-100k', history: simulateRegisterHistory({ seed: 42, ops: 100_000, clients: 10, keys: 100, valueRange: 5 }), valid: true };
}

/** One history as the JSONL text `faultline check` reads. */
export function toJsonl(history: readonly HistoryOp[]): string {
  return history.map(({ index: _index, ...op }) => JSON.stringify(op)).join('\n') + '\n';
}
