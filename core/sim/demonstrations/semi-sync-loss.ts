/**
 * semi-sync-loss: semi-synchronous replication loses a write its primary acknowledged
 * alone. A key's two backups go down; the primary gets no backup ack, falls back after its
 * timeout and acknowledges writes alone; after two of them it crashes, and the backups
 * come back once its in-flight copies are gone: they serve the key without those writes.
 * Clients' writes of the key are held until the scenario's own read through a returning
 * backup has missed an acknowledged write (else new writes overtake the lost versions
 * first). The schedule is the replication mechanism's own (core/sim/mechanisms/semi-sync.ts,
 * SemiSyncLoss): it strikes on the primary's events.
 *
 * Control: the same schedule with a fallback timeout longer than any request: the primary
 * never acknowledges alone (writes wait for a backup, then time out), and nothing is lost.
 */
import { LOST_WRITE_MODEL } from '../mechanisms/semi-sync';
import type { Demonstration } from './types';

export const semiSyncLoss: Demonstration = {
  name: 'semi-sync-loss',
  summary: "semi-sync: a key's backups go down, the primary falls back and acknowledges writes alone, then crashes; the returning backups serve the key without them",
  mechanism: 'replication',
  options: { mode: 'semi-sync', faults: [], ops: 200, keys: 3 },
  expectedModel: LOST_WRITE_MODEL,
  control: {
    summary: 'the same crashes with a fallback timeout longer than any request: the primary never acknowledges alone, no write is lost',
    options: { semiSyncTimeoutMs: 1_000_000 },
  },
};
