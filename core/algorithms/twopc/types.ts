/**
 * The vocabulary of two-phase commit over list-append transactions (the same micro-ops
 * as the txn history model, so a client records exactly what it sent and got back).
 *
 * A transaction runs in two rounds, so that every lock is held before any is released
 * (two-phase locking across nodes; read-only participants may then let go early):
 *   execute  coordinator -> each participant: lock the keys (no-wait), do the reads,
 *            buffer the appends, answer with the reads;            state "working"
 *   prepare  coordinator -> each participant: persist PREPARED, vote yes (or read-only);
 *            after a yes the participant never decides alone;      state "prepared"
 *   decision coordinator (classic: after persisting COMMIT; paxos: after the log chose
 *            it) -> each yes voter: apply or drop, release locks, ack.
 * Three-phase commit (`3pc`) puts one round between the votes and the decision:
 *   pre-commit coordinator -> each yes voter: persist PRE-COMMITTED, ack; only once every
 *            yes voter acked does the coordinator log COMMIT and send the decision.
 * so a participant that lost its coordinator can decide with its peers (threepc-termination.ts).
 */
import type { NodeId } from '../common/types';

/**
 * How a transaction's outcome is decided (the same on every node of a cluster):
 * - `classic`: two-phase commit, the coordinator decides alone (blocks if it dies after the votes);
 * - `paxos`: the decision is a value in a Paxos log every node runs (does not block);
 * - `3pc`: three-phase commit: participants decide without the coordinator by timeouts and
 *   a termination protocol among themselves (does not block on a crash; a partition can
 *   make the two sides decide differently);
 * - `sharded`: 2PC over Paxos-replicated shards (Spanner, CockroachDB): each participant is a
 *   shard's Paxos group of 3 nodes, the decision is in a shard's log (does not block, and
 *   losing one node stops no participant: sharded-node.ts).
 */
export const TWOPC_MODES = ['classic', 'paxos', '3pc', 'sharded'] as const;
export type TwoPcMode = (typeof TWOPC_MODES)[number];

/** What a participant does on a lock conflict (lock-table.ts says how each one works). */
export const LOCK_POLICIES = ['no-wait', 'wait-die', 'wound-wait'] as const;
export type LockPolicy = (typeof LOCK_POLICIES)[number];

export type TxnId = string;

/** Elle's micro-operations: reads carry null in a request and the list seen in a reply. */
export type TxnMicroOp = readonly ['append', string, unknown] | readonly ['r', string, readonly unknown[] | null];

export type Outcome = 'commit' | 'abort';

/**
 * A participant's view of one transaction, as the panel shows it. `pre-committed`: 3PC
 * only, every yes voter is known to have voted yes (`prepared` is 3PC's "uncertain").
 */
export type ParticipantState = 'working' | 'prepared' | 'pre-committed' | 'in-doubt' | 'committed' | 'aborted';

/** What a 3PC participant reports to a peer running the termination protocol. */
export type TerminationState = 'uncertain' | 'pre-committed' | 'committed' | 'aborted' | 'unknown';

export type Vote = 'yes' | 'no' | 'read-only';

/** One micro-op routed to a participant, with its position in the transaction. */
export interface RoutedOp {
  readonly at: number;
  readonly op: TxnMicroOp;
}

export type TwoPcMsg =
  /** `ts`: the transaction's start timestamp, its age for wait-die and wound-wait (LockPolicy). */
  | { readonly type: 'execute'; readonly txn: TxnId; readonly participants: readonly NodeId[]; readonly ops: readonly RoutedOp[]; readonly ts?: number }
  /**
   * `reads`: position in the transaction -> list seen; absent when refused. `known`: the
   * refusal is because this participant already committed this transaction id (a
   * duplicated or re-sent request): the client must not be told it failed.
   */
  | { readonly type: 'executed'; readonly txn: TxnId; readonly ok: boolean; readonly reads?: readonly (readonly [number, readonly unknown[]])[]; readonly known?: 'commit' }
  | { readonly type: 'prepare'; readonly txn: TxnId }
  /** `cause` with a no vote: wounded by an older transaction (conflict), or the transaction was lost here (failure). */
  | { readonly type: 'vote'; readonly txn: TxnId; readonly vote: Vote; readonly cause?: AbortCause }
  | { readonly type: 'decision'; readonly txn: TxnId; readonly outcome: Outcome }
  | { readonly type: 'ack'; readonly txn: TxnId }
  /** Cooperative termination: an in-doubt participant asks what the receiver knows. */
  | { readonly type: 'query'; readonly txn: TxnId; readonly coordinator: NodeId }
  /** `unknown`: the receiver voted yes too and has not learned the outcome. */
  | { readonly type: 'answer'; readonly txn: TxnId; readonly outcome: Outcome | 'unknown' }
  /** 3PC: the coordinator (or a participant terminating for it) -> a yes voter. */
  | { readonly type: 'pre-commit'; readonly txn: TxnId }
  /** 3PC: `ok` false: the sender already aborted (it terminated without the coordinator). */
  | { readonly type: 'pre-commit-ack'; readonly txn: TxnId; readonly ok: boolean }
  /** 3PC termination protocol: a participant that lost its coordinator polls its peers. */
  | { readonly type: 'state-request'; readonly txn: TxnId }
  | { readonly type: 'state-report'; readonly txn: TxnId; readonly state: TerminationState };

/** What a node writes to its durable log (fsynced before the sends of the same step). */
export type TwoPcRecord =
  /** Participant, BEFORE voting yes: everything needed to commit after a crash. */
  | {
      readonly type: 'prepared';
      readonly txn: TxnId;
      readonly coordinator: NodeId;
      readonly participants: readonly NodeId[];
      readonly keys: readonly string[];
      readonly appends: readonly (readonly [string, unknown])[];
    }
  /** Participant: the outcome it applied (commit re-applies the prepared appends on restore). */
  | { readonly type: 'outcome'; readonly txn: TxnId; readonly outcome: Outcome }
  /** Participant: it aborted without voting yes (timeout, or told a terminating peer so). */
  | { readonly type: 'refused'; readonly txn: TxnId }
  /**
   * Participant, BEFORE a read-only vote. Without it a participant that restarts has
   * forgotten the vote, and a late copy of the execute or prepare starts or refuses the
   * transaction anew: an in-doubt peer asking then hears "abort" for a transaction its
   * coordinator may have committed (test/unit/twopc-read-only-copies.test.ts).
   */
  | { readonly type: 'read-only'; readonly txn: TxnId }
  /** 3PC participant, BEFORE acking a pre-commit: after a crash it is still committable. */
  | { readonly type: 'pre-committed'; readonly txn: TxnId }
  /** Coordinator, BEFORE the first commit message: the decision and whom to tell. */
  | { readonly type: 'commit'; readonly txn: TxnId; readonly participants: readonly NodeId[] }
  /**
   * Coordinator, before the first execute: this id has run here. A duplicated request
   * must never run it again (the first run may have aborted while the client was told so).
   */
  | { readonly type: 'begin'; readonly txn: TxnId }
  /** Coordinator, after every yes voter acked: the transaction can be forgotten. */
  | { readonly type: 'end'; readonly txn: TxnId }
  /**
   * Log compaction (TwoPcNode.durableSnapshot): what every FINISHED transaction left behind,
   * folded into one record: the committed data per key, the participant's outcomes and
   * refusals, and the ids the coordinator began and logged a commit for. Unfinished ones
   * (prepared without an outcome, committed without an end) keep their own records after it.
   */
  | {
      readonly type: 'compacted';
      readonly store: readonly (readonly [string, readonly unknown[]])[];
      readonly finished: readonly (readonly [TxnId, Outcome])[];
      readonly refused: readonly TxnId[];
      /** Read-only votes given (absent in logs compacted before read-only votes were recorded). */
      readonly readOnly?: readonly TxnId[];
      readonly begun: readonly TxnId[];
      readonly committed: readonly TxnId[];
    };

/** `ts`: the start timestamp the client gives (kept across its retries); the coordinator's clock by default. */
export type TwoPcRequest = { readonly kind: 'txn'; readonly id: TxnId; readonly ops: readonly TxnMicroOp[]; readonly ts?: number };

export type TwoPcError =
  /** Certainly no effect: a lock conflict, a no vote, a timeout before any decision. */
  | 'ABORTED'
  /** Malformed request (an empty transaction, an unknown micro-op). */
  | 'BAD_REQUEST'
  /**
   * This transaction id already ran (a duplicated request, or one re-sent after a crash
   * lost the first reply) and may have committed: it is not run twice, and this reply
   * cannot say what it read. The client records the outcome as unknown.
   */
  | 'DUPLICATE';

/**
 * Why a transaction aborted, which the availability figures need (the reason is words for
 * people): `conflict`, the concurrency control said no (a lock held, a wound, a read that
 * changed): the protocol refusing by design; `failure`, some node did not answer in time or
 * lost the transaction in a restart: the cluster could not do it; `refused`, the request
 * itself (a transaction id that already ran).
 */
export const ABORT_CAUSES = ['conflict', 'failure', 'refused'] as const;
export type AbortCause = (typeof ABORT_CAUSES)[number];

export type TwoPcReply =
  | { readonly id: TxnId; readonly ok: true; readonly ops: TxnMicroOp[] }
  | { readonly id: TxnId; readonly ok: false; readonly error: TwoPcError; readonly reason: string; readonly cause?: AbortCause };

export type TwoPcEvent =
  /** A participant applied an outcome (what the atomicity checker compares). */
  | { readonly kind: 'outcome'; readonly txn: TxnId; readonly node: NodeId; readonly outcome: Outcome }
  /** The coordinator (or the log) decided. */
  | { readonly kind: 'decided'; readonly txn: TxnId; readonly node: NodeId; readonly outcome: Outcome }
  /** An in-doubt participant asked everyone and nobody knew: it must wait. */
  | { readonly kind: 'blocked'; readonly txn: TxnId; readonly node: NodeId; readonly waitingFor: NodeId; readonly message: string }
  /** 3PC: a participant decided without its coordinator (termination protocol or timeout). */
  | { readonly kind: 'terminated'; readonly txn: TxnId; readonly node: NodeId; readonly outcome: Outcome; readonly message: string }
  /** The participant moved from one state to another (for the panel's timeline). */
  | { readonly kind: 'participant-state'; readonly txn: TxnId; readonly node: NodeId; readonly state: ParticipantState };

/** The decision step, injected: classic 2PC decides locally, the paxos mode through a log. */
export interface DecisionPort {
  /** Asks for `outcome` to be decided for `txn`; the first decision for a txn wins. */
  propose(txn: TxnId, outcome: Outcome): void;
}

export interface TwoPcConfig {
  readonly id: NodeId;
  /** Which node is home to a key (e.g. the ring owner). Same answer on every node. */
  readonly home: (key: string) => NodeId;
  /** Coordinator: abort a transaction that has not been decided by then. */
  readonly decideTimeoutMs: number;
  /** Re-send interval for unanswered messages (execute, prepare, decision, query). */
  readonly retryMs: number;
  /** Participant: a yes voter with no outcome after this long is in doubt and starts asking. */
  readonly inDoubtAfterMs: number;
  /** Participant: a working transaction (locks held, no prepare yet) is dropped after this long. */
  readonly workingTimeoutMs: number;
  /**
   * Absent: classic 2PC (the coordinator decides and logs). Present: decisions go through
   * this port (a Paxos log); the node then learns outcomes through `learn`.
   */
  readonly decisions?: DecisionPort;
  /** What a participant does on a lock conflict (default no-wait); see lock-table.ts. */
  readonly lockPolicy?: LockPolicy;
  /**
   * Deliberate bugs for negative controls and teaching; never set outside them. The
   * atomicity and transaction checkers must catch each under some fault schedule.
   */
  readonly bugs?: {
    /** An in-doubt participant gives up after this long and aborts on its own (what 2PC forbids). */
    readonly decideAloneAfterMs?: number;
    /** Vote yes without persisting PREPARED first: a restart forgets the vote and the writes. */
    readonly voteBeforePersist?: boolean;
  };
}

export const DEFAULT_TWOPC_TIMING = {
  decideTimeoutMs: 1_000,
  retryMs: 100,
  inDoubtAfterMs: 300,
  workingTimeoutMs: 2_000,
} as const;

export interface TxnParticipantView {
  readonly node: NodeId;
  readonly state: ParticipantState | 'unknown';
  readonly locks: readonly string[];
  /** When blocked: whom it waits for. */
  readonly blockedOn?: NodeId;
}

/** One node's view of the transactions it coordinates or takes part in, for the panel. */
export interface TwoPcStatus {
  readonly id: NodeId;
  readonly mode: TwoPcMode;
  readonly coordinating: readonly {
    readonly txn: TxnId;
    readonly phase: 'executing' | 'preparing' | 'deciding' | 'pre-committing' | 'committing' | 'aborting';
    readonly participants: readonly NodeId[];
    readonly votes: Readonly<Record<NodeId, Vote>>;
  }[];
  /** Open transactions, and the last few finished here (committed/aborted, no locks). */
  readonly participating: readonly {
    readonly txn: TxnId;
    readonly coordinator: NodeId;
    readonly state: ParticipantState;
    readonly locks: readonly string[];
    readonly blockedOn?: NodeId;
    /** Queued for these keys by the lock policy (state working, no lock held yet). */
    readonly waitingFor?: readonly string[];
  }[];
  /** key -> txn holding its lock. */
  readonly locks: Readonly<Record<string, TxnId>>;
}
