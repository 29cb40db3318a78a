/**
 * semi-sync-loss on real nodes: the cluster split in halves twice (n1 n2 | n3 n4 n5). A
 * key's primary on the small side with both backups on the other gets no backup ack, falls
 * back after its timeout and acknowledges the writes it receives alone. To the other
 * side, which holds the key's two backups, that primary is gone as if it had died with
 * its unsent copies: it suspects it and serves the key from the backups, and a read there
 * misses writes already acknowledged. The register checker finds the stale read.
 * (The simulator's demonstration crashes the primary outright; a partition is the same
 * loss from the readers' side, and what the shared real-process plan can do.)
 */
import { HALVES_ARGS, HALVES_PLAN } from './partition-halves';
import type { RealDemonstration } from './types';

export const semiSyncLossReal: RealDemonstration = {
  name: 'semi-sync-loss',
  summary: 'semi-sync mode, the cluster split in halves twice: a primary cut off from its backups falls back, acknowledges writes alone, and reads on the backups\' side miss them',
  args: [...HALVES_ARGS, '--mode', 'semi-sync'],
  plan: HALVES_PLAN,
  expectedModel: 'register',
};
