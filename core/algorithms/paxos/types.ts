/**
 * The vocabulary of the Multi-Paxos replicated log: ballots, log values, messages between
 * replicas, durable records, client requests and replies, and observations. Hosts
 * (core/sim, core/node) and checkers code against these types; core/protocol validates
 * them on the wire.
 */
import type { NodeId } from '../common/types';

/** Ballots are unique per node and totally ordered: by round, then by node id. */
export interface Ballot {
  readonly round: number;
  readonly node: NodeId;
}

/** A command from a client. (client, seq) identifies it: it is applied at most once. */
export interface ClientCommand<Cmd> {
  /** Absent for commands a leader generates itself (lease expiry), which are idempotent. */
  readonly client?: string;
  readonly seq?: number;
  readonly op: Cmd;
}

/** What a log slot holds: a client command, or a no-op a new leader used to fill a hole. */
export type LogValue<Cmd> =
  | { readonly kind: 'noop' }
  | { readonly kind: 'cmd'; readonly command: ClientCommand<Cmd> };

export interface AcceptedEntry<Cmd> {
  readonly slot: number;
  readonly ballot: Ballot;
  readonly value: LogValue<Cmd>;
}

/** Messages between replicas. Slots are 1-based. */
export type PaxosMsg<Cmd> =
  /** Phase 1a, once per leadership, for every slot >= fromSlot. */
  | { readonly type: 'prepare'; readonly ballot: Ballot; readonly fromSlot: number }
  /** Phase 1b: the acceptor promised `ballot`, and reports what it accepted at >= fromSlot. */
  | { readonly type: 'promise'; readonly ballot: Ballot; readonly accepted: AcceptedEntry<Cmd>[]; readonly chosenUpTo: number }
  /** Phase 2a, per slot, pipelined. `chosenUpTo`: every slot <= it is chosen (piggybacked commit). */
  | { readonly type: 'accept'; readonly ballot: Ballot; readonly slot: number; readonly value: LogValue<Cmd>; readonly chosenUpTo: number }
  /** Phase 2b. */
  | { readonly type: 'accepted'; readonly ballot: Ballot; readonly slot: number }
  /** The receiver saw a higher ballot: the sender should step down (and back off). */
  | { readonly type: 'nack'; readonly ballot: Ballot; readonly promised: Ballot }
  /** Leader -> all: learn notification for chosen slots. */
  | { readonly type: 'chosen'; readonly entries: { slot: number; value: LogValue<Cmd> }[] }
  /** Leader liveness + commit point, so followers know whom to follow and what to fetch. */
  | { readonly type: 'heartbeat'; readonly ballot: Ballot; readonly chosenUpTo: number }
  /** A lagging or restarted replica asks for chosen values from `fromSlot` on. */
  | { readonly type: 'catchup'; readonly fromSlot: number }
  | {
      readonly type: 'catchup-reply';
      readonly entries: { slot: number; value: LogValue<Cmd> }[];
      readonly chosenUpTo: number;
      /** In answers to a learner (a non-member): who the answering member thinks leads. */
      readonly leader?: NodeId;
    }
  /**
   * Answer to a catch-up from below the sender's snapshot floor: one chunk of the JSON text
   * of a PaxosSnapshotState taken at `upTo` (chunks keep every frame bounded). The receiver
   * asks for the next chunk with snapshot-fetch and installs the state once it has `totalChars`.
   */
  | {
      readonly type: 'snapshot';
      readonly upTo: number;
      readonly chosenUpTo: number;
      readonly offset: number;
      readonly totalChars: number;
      readonly data: string;
    }
  /** The next chunk of the snapshot at `upTo`, from character `offset`. */
  | { readonly type: 'snapshot-fetch'; readonly upTo: number; readonly offset: number };

/** One client's session entry in a snapshot: its floor and its cached recent results. */
export interface SessionSnapshotEntry {
  readonly client: string;
  readonly floor: number;
  /** In apply order (eviction order is kept). */
  readonly recent: { readonly seq: number; readonly slot: number; readonly result: unknown }[];
}

/** The replicated state behind the log at a slot: the service's snapshot and the session table. */
export interface PaxosSnapshotState {
  readonly service: unknown;
  readonly sessions: SessionSnapshotEntry[];
}

/**
 * What a replica writes to its durable log. The host fsyncs these before sending the
 * messages of the same Ready batch (promise after `promised`, accepted after `accepted`).
 */
export type PaxosRecord<Cmd> =
  /** The acceptor's promise: it will accept nothing below this ballot, ever, across restarts. */
  | { readonly type: 'promised'; readonly ballot: Ballot }
  | { readonly type: 'accepted'; readonly slot: number; readonly ballot: Ballot; readonly value: LogValue<Cmd> }
  /** Learned (chosen) values: not needed for safety, but they let a restart re-apply its prefix. */
  | { readonly type: 'chosen'; readonly slot: number; readonly value: LogValue<Cmd> }
  /**
   * Every slot <= upTo is chosen and applied, and `state` is the replicated state after it.
   * Restore starts from the latest one and ignores accepted/chosen records at or below it.
   */
  | { readonly type: 'snapshot'; readonly upTo: number; readonly state: PaxosSnapshotState };

/** Requests from clients (or the panel) to one replica. */
export type PaxosRequest<Cmd> =
  /** Replicate `command` through the log and reply with the service's result once applied. */
  | { readonly kind: 'propose'; readonly id: string; readonly command: ClientCommand<Cmd> }
  /** Answer from local state without the log (possibly stale; see ReplicatedService.queryLocal). */
  | { readonly kind: 'query-local'; readonly id: string; readonly op: Cmd };

export type PaxosError =
  /** This replica is not the leader; `leader` is its best guess at who is. */
  | 'NOT_LEADER'
  /** The leader lost its leadership before the command was chosen: outcome unknown. */
  | 'LEADERSHIP_LOST'
  | 'UNSUPPORTED'
  /**
   * A duplicate (client, seq) so old that its cached result was evicted from the session
   * table: it was NOT applied again, but its result can no longer be returned.
   */
  | 'SESSION_EXPIRED';

export type PaxosReply<Res> =
  | { readonly id: string; readonly ok: true; readonly result: Res; readonly slot: number }
  | { readonly id: string; readonly ok: false; readonly error: PaxosError; readonly leader?: NodeId };

export type PaxosRole = 'follower' | 'candidate' | 'leader';

/** Observations for checkers and the panel. */
export type PaxosEvent<Cmd> =
  | { readonly kind: 'learned'; readonly slot: number; readonly value: LogValue<Cmd> }
  | { readonly kind: 'applied'; readonly slot: number; readonly value: LogValue<Cmd> }
  | { readonly kind: 'role'; readonly role: PaxosRole; readonly ballot: Ballot };

export interface PaxosStatus {
  readonly id: NodeId;
  readonly role: PaxosRole;
  /** The ballot this replica leads or follows. */
  readonly ballot: Ballot;
  readonly promised: Ballot;
  readonly leader: NodeId | undefined;
  /** Every slot <= chosenUpTo is known chosen here. */
  readonly chosenUpTo: number;
  readonly appliedUpTo: number;
  /** Highest slot with any accepted value here. */
  readonly lastAcceptedSlot: number;
}

/** One slot as the panel shows it (PaxosReplica.logEntries). */
export interface PaxosLogEntryView<Cmd> {
  readonly slot: number;
  /** accepted: this acceptor holds a value; chosen: known chosen; applied: applied to the service. */
  readonly state: 'accepted' | 'chosen' | 'applied';
  /** The ballot of the accepted value here; absent when the value was learned without accepting it. */
  readonly ballot?: Ballot;
  readonly value: LogValue<Cmd>;
}

export interface PaxosConfig {
  readonly id: NodeId;
  /**
   * Every acceptor, self included (for a learner: the acceptors it learns from, self NOT
   * included). The acceptor set is fixed; ring membership changes go through the log.
   */
  readonly members: readonly NodeId[];
  /**
   * A learner never votes and never campaigns: it keeps up by sending `catchup` to a member
   * every learnerCatchupMs and applying what it learns, and answers a propose NOT_LEADER
   * with the leader the members told it of. Members serve its catch-ups but never count it.
   */
  readonly learner?: boolean;
  /** A learner's catch-up period (default 2 × heartbeatMs). */
  readonly learnerCatchupMs?: number;
  readonly heartbeatMs: number;
  /** A follower that hears no leader for a random time in [min, max] starts phase 1. */
  readonly electionTimeoutMinMs: number;
  readonly electionTimeoutMaxMs: number;
  /** Seeds the replica's own PRNG (randomized back-off); keeps runs replayable. */
  readonly seed: number;
  /**
   * Compaction: once appliedUpTo is this many slots past the last snapshot, the replica
   * snapshots its service and session table and drops the log entries it covers (default
   * DEFAULT_SNAPSHOT_EVERY_SLOTS; 0 turns automatic snapshots off).
   */
  readonly snapshotEverySlots?: number;
  /** Upper bound on slots in flight (accepted but not yet chosen) at the leader. */
  readonly maxInFlight?: number;
  /**
   * Invariant assertions (default on, and on in every real node). Only a negative control
   * that must show a CHECKER catching one of `bugs` turns them off: the assertion would
   * stop the run at the faulty step before the checker ever saw the damage.
   */
  readonly checkInvariants?: boolean;
  /**
   * Deliberate bugs for negative controls and teaching. Never set outside them: each one
   * breaks agreement under some fault schedule, and the checkers must notice.
   */
  readonly bugs?: {
    /** On restart, ignore the durable promise (an acceptor that forgets). */
    readonly forgetPromiseOnRestart?: boolean;
    /** A new leader re-proposes the FIRST accepted value it hears of, not the highest-ballot one. */
    readonly pickAnyAcceptedValue?: boolean;
  };
}

export const DEFAULT_PAXOS_TIMING = {
  heartbeatMs: 50,
  electionTimeoutMinMs: 300,
  electionTimeoutMaxMs: 600,
} as const;

export function compareBallots(a: Ballot, b: Ballot): number {
  if (a.round !== b.round) return a.round - b.round;
  return a.node < b.node ? -1 : a.node > b.node ? 1 : 0;
}

export const ZERO_BALLOT: Ballot = { round: 0, node: '' };
