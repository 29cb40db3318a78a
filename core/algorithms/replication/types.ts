/**
 * The vocabulary of ring replication: versions, the messages between replicas, what a
 * replica writes to disk, client requests and replies, and observations. One key lives on
 * the `replicationFactor` nodes of its preference list on the consistent-hash ring.
 */
import type { NodeId } from '../common/types';
import type { FailureDetector } from '../detector';
import type { PlacementKind } from '../placement/types';
import type { RangeTable } from '../placement/range-map';

/**
 * How a cluster replicates (switchable per cluster, the same on every node):
 * - `quorum`: ABD majority-quorum register with write-back reads; linearizable while a
 *   majority of the key's replicas is up.
 * - `async`: the first live replica acknowledges alone and copies in the background.
 * - `sloppy`: read from R and write to W replicas, no write-back (Dynamo style).
 * - `semi-sync`: MySQL's semi-synchronous replication. The first live replica (the primary)
 *   acknowledges a write once one backup holds it durably; if none does within
 *   `semiSyncTimeoutMs` it falls back to acknowledging alone (async) until a backup has caught
 *   up. Reads take the newest of N-1 home replicas' answers (see semi-sync.ts).
 */
export const REPLICATION_MODES = ['quorum', 'async', 'sloppy', 'semi-sync'] as const;
export type ReplicationMode = (typeof REPLICATION_MODES)[number];

/** Totally ordered: by counter, then by the id of the node that issued it. */
export interface Version {
  readonly counter: number;
  readonly node: NodeId;
}

/** A versioned value as a replica stores it. */
export interface Versioned {
  readonly version: Version;
  readonly value: unknown;
}

/** Why a background copy is sent; the receiver stores it like a put, the ack says which. */
export type CopyReason = 'handoff' | 'transfer' | 'repair' | 'async-copy' | 'semi-sync';

export type ReplMsg =
  /** Phase 1 (version discovery) of writes, the query of reads. `rid` names the phase. */
  | { readonly type: 'get'; readonly rid: string; readonly key: string }
  | { readonly type: 'get-ack'; readonly rid: string; readonly key: string; readonly stored: Versioned | null }
  /**
   * Phase 2 of writes and read write-back. `version` absent: the receiver is the async
   * primary and issues the version itself. `hintFor`: the receiver stands in for that
   * suspected owner and must hand the value over when the owner is back.
   */
  | {
      readonly type: 'put';
      readonly rid: string;
      readonly key: string;
      readonly value: unknown;
      readonly version?: Version;
      readonly hintFor?: NodeId;
    }
  /**
   * Sent only after the put is durable (its record precedes this message in the Ready).
   * `alone`: a semi-sync primary acknowledged without a backup's copy (fallback).
   */
  | { readonly type: 'put-ack'; readonly rid: string; readonly key: string; readonly version: Version; readonly alone?: true }
  | { readonly type: 'copy'; readonly reason: CopyReason; readonly key: string; readonly stored: Versioned }
  /**
   * `version`: the copy's version, except for `semi-sync` copies, whose ack says what the
   * backup durably holds after storing it (the same or newer), so the primary can tell.
   */
  | { readonly type: 'copy-ack'; readonly reason: CopyReason; readonly key: string; readonly version: Version }
  /** Liveness only: feeds the failure detector, which only chooses where to send. */
  | { readonly type: 'heartbeat' }
  /** Range placement: the leaseholder of the range starting at `range` asks for a split at `at` (range-splits.ts). */
  | { readonly type: 'split-wanted'; readonly at: string; readonly range: string; readonly keys: number };

/** What a replica writes to its durable log; a restart replays them (see restoreReplicationNode). */
export type ReplRecord =
  | { readonly type: 'stored'; readonly key: string; readonly version: Version; readonly value: unknown }
  /**
   * A coordinator's issued write version, durable before its puts go out: a restarted
   * coordinator must never issue the same (counter, node) again for a different value.
   */
  | { readonly type: 'issued'; readonly key: string; readonly counter: number }
  | { readonly type: 'hint'; readonly key: string; readonly owner: NodeId; readonly version: Version; readonly value: unknown }
  | { readonly type: 'hint-delivered'; readonly key: string; readonly owner: NodeId; readonly version: Version }
  /** This node no longer owns `key` and every new owner acknowledged its copy. */
  | { readonly type: 'dropped'; readonly key: string }
  /** `weights`: each member's ring weight where it is not 1 (absent: every weight 1). */
  | { readonly type: 'members'; readonly members: readonly NodeId[]; readonly weights?: RingWeights }
  /** Range placement: the range table this node places keys with. */
  | { readonly type: 'ranges'; readonly table: RangeTable };

/**
 * Ring weights by node id, for the members whose weight is not 1 (a node of weight w gets
 * w times the virtual nodes, so about w times the keys). Every node gets the same weights
 * from the membership on the Paxos log, so every node places a key the same way.
 */
export type RingWeights = Readonly<Record<NodeId, number>>;

export type ReplRequest =
  | { readonly kind: 'read'; readonly id: string; readonly key: string }
  | { readonly kind: 'write'; readonly id: string; readonly key: string; readonly value: unknown }
  /** Join or leave: the new member list, the same on every node. Keys that change owner move. */
  | {
      readonly kind: 'membership';
      readonly id: string;
      readonly members: readonly NodeId[];
      readonly weights?: RingWeights;
      /** Range placement: the new range table (after a split or a reassignment), the same on every node. */
      readonly ranges?: RangeTable;
    };

export type ReplErrorCode =
  /** No quorum answered in time. `outcome` says whether the write may still take effect. */
  | 'TIMEOUT'
  | 'BAD_REQUEST';

export type ReplReply =
  | {
      readonly id: string;
      readonly ok: true;
      readonly value?: unknown;
      readonly version?: Version;
      /** semi-sync write: the primary acknowledged it alone (fallback), no backup had it yet. */
      readonly alone?: true;
    }
  | {
      readonly id: string;
      readonly ok: false;
      /** `fail`: certainly no effect. `unknown`: it may take effect (history `info`). */
      readonly outcome: 'fail' | 'unknown';
      readonly code: ReplErrorCode;
      readonly message: string;
    };

/** Observations for tests, the panel and the simulator; they carry no obligation. */
export type ReplEvent =
  | { readonly type: 'stored'; readonly key: string; readonly version: Version; readonly hintFor?: NodeId }
  | { readonly type: 'read-repair'; readonly key: string; readonly to: NodeId; readonly version: Version }
  | { readonly type: 'hint-handed-off'; readonly key: string; readonly owner: NodeId; readonly version: Version }
  | { readonly type: 'key-moved'; readonly key: string; readonly to: readonly NodeId[] }
  | { readonly type: 'key-dropped'; readonly key: string }
  /** Range placement: a leaseholder asked for a split (`from`), seen by this node. */
  | { readonly type: 'split-wanted'; readonly at: string; readonly range: string; readonly keys: number; readonly from: NodeId }
  /** Range placement: this node now places keys with a table where the range from `range` is cut at `at`. */
  | { readonly type: 'range-split'; readonly at: string; readonly range: string; readonly owners: readonly NodeId[]; readonly version: number }
  /**
   * semi-sync primary: no backup acknowledged `key`@`version` within the timeout, so this
   * node acknowledges alone from now on (MySQL: "Semi-sync replication switched OFF").
   */
  | { readonly type: 'semi-sync-off'; readonly key: string; readonly version: Version; readonly waitedMs: number }
  /** semi-sync primary: a backup holds every write acknowledged alone; acks wait for a backup again. */
  | { readonly type: 'semi-sync-on'; readonly caughtUp: NodeId };

export interface ReplicationConfig {
  readonly id: NodeId;
  /** Initial members; a durable `members` record or a membership request replaces it. */
  readonly members: readonly NodeId[];
  /** How keys are placed: `hash` (the ring, default) or `range` (ordered ranges that split; placement/range-map.ts). */
  readonly placement?: PlacementKind;
  /** Range placement: a range whose leaseholder stores more keys than this asks for a split. Default 64. */
  readonly splitKeys?: number;
  /** Initial ring weights of those members (absent: 1); replaced with the members. */
  readonly weights?: RingWeights;
  readonly mode: ReplicationMode;
  /** N: replicas per key. Default 3 (capped at the member count). */
  readonly replicationFactor?: number;
  /** sloppy mode: R, replies a read waits for. Default majority(N). */
  readonly readQuorum?: number;
  /** sloppy mode: W, acks a write waits for. Default majority(N). */
  readonly writeQuorum?: number;
  /** A client request with no quorum by then is answered TIMEOUT. Default 1000. */
  readonly opTimeoutMs?: number;
  /** Unanswered gets/puts/copies are re-sent this often (messages get lost). Default 100. */
  readonly retryMs?: number;
  readonly heartbeatMs?: number;
  /** async mode: the primary copies to the other replicas this long after acknowledging. Default 0. */
  readonly asyncCopyDelayMs?: number;
  /**
   * semi-sync mode: how long the primary waits for a backup's durable ack before it falls
   * back to acknowledging alone. Keep it below opTimeoutMs (the coordinator's). Default 300.
   */
  readonly semiSyncTimeoutMs?: number;
  readonly vnodesPerWeight?: number;
  /** One detector per node; default a TimeoutDetector. Suspicion only picks targets. */
  readonly makeDetector?: () => FailureDetector;
}
