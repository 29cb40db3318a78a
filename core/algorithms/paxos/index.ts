/**
 * Multi-Paxos replicated log.
 *
 * Hosting a replica (core/sim, core/node):
 *   const r = new PaxosReplica(config, service, durableRecords);   // [] on first boot
 *   const ready = r.step({ kind: 'tick', nowMs });                 // every few ms
 *   ready = r.step({ kind: 'message', from, msg, nowMs }) / { kind: 'request', request, nowMs }
 *   then: append ready.persist durably, and only then send ready.send and deliver ready.replies.
 * Restart = a new PaxosReplica with a FRESH service and every record persisted so far; its
 * first step re-applies the chosen prefix silently (no events, no replies), so the
 * 'applied' events of one node, across restarts, form one gap-free sequence.
 * Messages from non-members are ignored. Followers answer heartbeats with `catchup`.
 *
 * Compaction (when the service implements snapshotState/restoreSnapshot): every
 * `snapshotEverySlots` applied slots the replica persists a `snapshot` record (service +
 * session table at appliedUpTo) and forgets the log below it; restore starts from the latest
 * snapshot record. `durableSnapshot()` gives the minimal records to replace a node's whole
 * history (promise + snapshot + entries above it). A peer asking `catchup` below the floor
 * gets the snapshot in bounded `snapshot` chunks; the slots it covers are then never
 * reported 'applied' on the receiver (the one gap in its 'applied' sequence).
 */
export * from './types';
export {
  PaxosReplica,
  restorePaxosReplica,
  DEFAULT_MAX_IN_FLIGHT,
  CATCHUP_BATCH,
  LOG_VIEW_LIMIT,
  DEFAULT_SNAPSHOT_EVERY_SLOTS,
  SNAPSHOT_CHUNK_CHARS,
  MAX_SNAPSHOT_CHARS,
} from './replica';
export { ballotEquals, maxBallot, nextBallot, formatBallot } from './ballot';
export { restoreDurable, type RestoredState } from './restore';
export { SessionTable, DEFAULT_SESSION_WINDOW, type SessionLookup, type SessionHit } from './sessions';
export { SessionedStateMachine, type ApplyOutcome } from './state-machine';
export { validateConfig } from './config';
