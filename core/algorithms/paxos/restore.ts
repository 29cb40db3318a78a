/**
 * Rebuilds a replica's durable state from its records after a crash. The promise is what
 * keeps Paxos safe across restarts: an acceptor that forgets it may accept a value from an
 * old leader after promising a newer one not to, and two values get chosen.
 */
import { invariant, type InvariantCheck } from '../common/invariant';
import { unreachable } from '../common/unreachable';
import { maxBallot } from './ballot';
import { ReplicaLog } from './log';
import { ZERO_BALLOT, type Ballot, type PaxosConfig, type PaxosRecord, type PaxosSnapshotState } from './types';

export interface RestoredState<Cmd> {
  /** The highest ballot promised (or implied by an acceptance). */
  readonly promised: Ballot;
  /** The highest round this node promised or used: its next ballot must exceed it. */
  readonly highestRound: number;
  readonly log: ReplicaLog<Cmd>;
  /** The latest snapshot found: the replica restores its service from it before re-applying. */
  readonly snapshot?: { readonly upTo: number; readonly state: PaxosSnapshotState };
}

export function restoreDurable<Cmd>(
  records: readonly PaxosRecord<Cmd>[],
  bugs: PaxosConfig['bugs'],
  check: InvariantCheck = invariant,
): RestoredState<Cmd> {
  const log = new ReplicaLog<Cmd>(check);
  // The latest snapshot wins wherever it sits: an in-memory compaction appends one after
  // the records it covers, a node-level compaction writes it first. Records at or below
  // its slot are then ignored by the log (except what they imply about promises).
  let snapshot: { upTo: number; state: PaxosSnapshotState } | undefined;
  for (const record of records) {
    if (record.type === 'snapshot' && (snapshot === undefined || record.upTo > snapshot.upTo)) {
      snapshot = { upTo: record.upTo, state: record.state };
    }
  }
  if (snapshot !== undefined) log.installSnapshot(snapshot.upTo);
  let promised = ZERO_BALLOT;
  for (const record of records) {
    switch (record.type) {
      case 'promised':
        // The deliberate bug: the acceptor forgets its promises (so also the rounds it
        // campaigned with) and trusts only what it accepted.
        if (bugs?.forgetPromiseOnRestart === true) break;
        promised = maxBallot(promised, record.ballot);
        break;
      case 'accepted':
        // Accepting a ballot implies having promised it.
        promised = maxBallot(promised, record.ballot);
        log.accept(record.slot, record.ballot, record.value);
        break;
      case 'chosen':
        log.learn(record.slot, record.value);
        break;
      case 'snapshot':
        break;
      default:
        return unreachable(record, 'paxos record');
    }
  }
  const restored = { promised, highestRound: promised.round, log };
  return snapshot === undefined ? restored : { ...restored, snapshot };
}

/**
 * The highest ballot the records promise or accept, read without any of `bugs`: what the
 * replica's invariant compares its restored promise with.
 */
export function highestDurablePromise<Cmd>(records: readonly PaxosRecord<Cmd>[]): Ballot {
  let promised = ZERO_BALLOT;
  for (const record of records) {
    if (record.type === 'promised' || record.type === 'accepted') promised = maxBallot(promised, record.ballot);
  }
  return promised;
}
