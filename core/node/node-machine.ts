/**
 * What one node runs: the Multi-Paxos log (serving locks, the consensus key-value store,
 * raw proposals and membership through one ServiceMux) and the ring-replicated register
 * store, as one ComposedMachine. The simulator and the node process build it the same way.
 *
 * Membership: the `membership` service is applied from the log like any other; after every
 * step, a changed member list is fed to the `repl` part (MembershipSyncedMachine), so every
 * node rebalances the ring at the same log position. The Paxos acceptors stay the founding
 * members; a node that joins later runs Paxos as a learner (PaxosConfig.learner).
 */
import { ComposedMachine, ServiceMux, recordsByPart, type NodeId, type ReplicatedService, type Tagged } from '../algorithms/common';
import { KvService } from '../algorithms/kv';
import { LockService } from '../algorithms/locks';
import { DEFAULT_PAXOS_TIMING, PaxosReplica, type PaxosRecord, type PaxosConfig } from '../algorithms/paxos';
import { restoreReplicationNode, type ReplicationConfig, type ReplicationMode, type ReplicationNode, type ReplRecord } from '../algorithms/replication';
import type { ServiceCommand } from '../algorithms/common/compose';
import { MembershipService } from '../algorithms/membership';
import { HashRing } from '../algorithms/ring';
import { MembershipSyncedMachine } from './membership-sync';
import { PLACEMENT_SERVICE, RangePlacementService, type PlacementKind } from '../algorithms/placement';
import { REPLICATION_DEFAULTS } from '../algorithms/replication';
import { DEFAULT_TWOPC_TIMING, DecisionService, restoreThreePcNode, restoreTwoPcNode, ShardedTxnNode, type TwoPcConfig, type TwoPcNode, type TwoPcRecord, type TwoPcStatus } from '../algorithms/twopc';
import { unreachable } from '../algorithms/common/unreachable';
import { DECISION_SERVICE, DecidingMachine, DecisionQueue } from './txn-decisions';
import type { LockPolicy } from '../algorithms/twopc/lock-table';
import type { TxnMode } from '../protocol/modes';

export { KV_MODES, type KvMode } from '../protocol/modes';
import type { KvMode } from '../protocol/modes';

/** Raw proposals (agreement demonstrations): the log just records them. */
const rawLog: ReplicatedService<unknown, { index: number }> = {
  apply: (_value, index) => ({ index }),
  // Stateless: results depend only on the index, so its snapshot is empty.
  snapshotState: () => null,
  restoreSnapshot: () => {},
};

export interface NodeMachineConfig {
  readonly id: NodeId;
  /**
   * The FOUNDING members: the Paxos acceptors, the initial ring and the 2PC homes, the same
   * on every node for the cluster's life. A node that joined later is not among them.
   */
  readonly members: readonly NodeId[];
  /**
   * Ring weights of the founding members (absent: 1), the same on every node: the initial
   * membership on the log, so the ring replicas place keys by weight (reweights and later
   * joins carry theirs through the log).
   */
  readonly weights?: Readonly<Record<NodeId, number>>;
  /** This node joined after the start: a Paxos learner (it never votes) and a ring member once its join is applied. */
  readonly learner?: boolean;
  readonly mode: KvMode;
  /** How the ring replicas place keys (node --placement; default hash): the same on every node. */
  readonly placement?: PlacementKind;
  /** Range placement: a range splits once its leaseholder stores more keys than this (node --split-keys). */
  readonly splitKeys?: number;
  /** How transactions decide (node --txn-mode; default classic): the same on every node. */
  readonly txnMode?: TxnMode;
  /** What a 2PC participant does on a lock conflict (node --lock-policy; default no-wait). */
  readonly lockPolicy?: LockPolicy;
  readonly seed: number;
  readonly paxosTiming?: Partial<Pick<PaxosConfig, 'heartbeatMs' | 'electionTimeoutMinMs' | 'electionTimeoutMaxMs'>>;
  /** 2PC timeouts (default DEFAULT_TWOPC_TIMING); the lab's time scale multiplies them. */
  readonly twopcTiming?: Partial<Pick<TwoPcConfig, 'decideTimeoutMs' | 'retryMs' | 'inDoubtAfterMs' | 'workingTimeoutMs'>>;
  /** PaxosConfig.snapshotEverySlots (default DEFAULT_SNAPSHOT_EVERY_SLOTS). */
  readonly snapshotEverySlots?: number;
  /**
   * async mode: how long the primary waits before copying to the other replicas. The lab
   * default leaves a visible window in which a killed primary loses acknowledged writes.
   */
  readonly asyncCopyDelayMs?: number;
  /** Replication timeouts (default the algorithm's); the lab's time scale multiplies semi-sync's. */
  readonly replicationTiming?: ReplicationTiming;
}

export const LAB_ASYNC_COPY_DELAY_MS = 500;

/** Replication timeouts a slowed lab stretches (semi-sync: the fallback timeout and, above it, the request's). */
export type ReplicationTiming = Partial<Pick<ReplicationConfig, 'semiSyncTimeoutMs' | 'opTimeoutMs'>>;

export interface NodeMachine {
  readonly machine: ComposedMachine;
  readonly membership: MembershipService;
  /** Range placement: the range table on the log (absent under hashing). */
  readonly placement?: RangePlacementService;
  readonly repl: ReplicationNode;
  readonly paxos: PaxosReplica<ServiceCommand, unknown>;
  readonly services: ServiceMux;
  readonly locks: LockService;
  readonly kv: KvService;
  /** Classic, paxos and 3pc modes' transaction machine (throws in sharded mode: see txns). */
  readonly twopc: TwoPcNode;
  /** The part that runs transactions, whichever the txn mode. */
  readonly txns: { status(): TwoPcStatus };
}

export function buildNodeMachine(config: NodeMachineConfig, durable: readonly Tagged[]): NodeMachine {
  const byPart = recordsByPart(durable);
  const locks = new LockService();
  const kv = new KvService();
  const membership = new MembershipService({ initial: config.members.map((id) => ({ id, weight: config.weights?.[id] ?? 1 })) });
  const txnMode = config.txnMode ?? 'classic';
  const decisionLog = txnDecisionLog(txnMode);
  // Range placement: the table is a service on the log, and membership changes reach it in
  // the same apply (followMembership), so every node reassigns ranges at the same position.
  const placement = config.placement === 'range' ? new RangePlacementService(config.members, REPLICATION_DEFAULTS.replicationFactor) : undefined;
  const services = new ServiceMux({ locks, kv, raw: rawLog, membership: placement ? placement.followMembership(membership) : membership, ...(placement ? { [PLACEMENT_SERVICE]: placement } : {}), ...(decisionLog ? { [DECISION_SERVICE]: decisionLog.service } : {}) });
  const paxos = new PaxosReplica<ServiceCommand, unknown>(
    {
      id: config.id,
      members: config.members,
      ...DEFAULT_PAXOS_TIMING,
      ...config.paxosTiming,
      seed: config.seed,
      ...(config.learner === true ? { learner: true } : {}),
      ...(config.snapshotEverySlots !== undefined ? { snapshotEverySlots: config.snapshotEverySlots } : {}),
    },
    services,
    (byPart.get('paxos') ?? []) as PaxosRecord<ServiceCommand>[],
  );
  const repl = restoreReplicationNode(
    {
      id: config.id,
      members: config.members,
      ...(config.weights !== undefined ? { weights: config.weights } : {}),
      mode: config.mode === 'paxos' ? 'quorum' : config.mode,
      ...(placement ? { placement: 'range' as const, ...(config.splitKeys !== undefined ? { splitKeys: config.splitKeys } : {}) } : {}),
      asyncCopyDelayMs: config.asyncCopyDelayMs ?? LAB_ASYNC_COPY_DELAY_MS,
      ...config.replicationTiming,
    },
    (byPart.get('repl') ?? []) as ReplRecord[],
  );
  // Transactions: each key's home is its owner on the ring of the FOUNDING members, the
  // same on every node; the node a client asks coordinates (classic 2PC, presumed abort).
  // Homes deliberately do not follow joins and leaves: moving a home while a transaction
  // holds locks or is in doubt there would need a hand-off protocol; founders never leave
  // the process set (they are the Paxos acceptors too), so their homes stay reachable.
  const ring = new HashRing();
  for (const m of config.members) ring.add(m);
  // 3pc: the same node with three-phase roles (participants decide without the coordinator).
  // sharded: the twopc part hosts a Paxos group per shard it replicates (sharded-node.ts).
  const sharded = txnMode === 'sharded' ? shardedTxnNode(config, (byPart.get('twopc') ?? []) as Tagged[]) : undefined;
  const twopcNode = sharded
    ? undefined
    : (txnMode === '3pc' ? restoreThreePcNode : restoreTwoPcNode)(
        { id: config.id, home: (key) => ring.owner(key), ...DEFAULT_TWOPC_TIMING, ...config.twopcTiming, ...(decisionLog ? { decisions: decisionLog.queue } : {}), ...(config.lockPolicy ? { lockPolicy: config.lockPolicy } : {}) },
        (byPart.get('twopc') ?? []) as TwoPcRecord[],
      );
  const parts = { paxos, repl, twopc: (sharded ?? twopcNode)! };
  const machine = decisionLog
    ? new DecidingMachine(config.id, parts, membership, repl, paxos as PaxosReplica<unknown, unknown>, decisionLog.queue, decisionLog.service)
    : new MembershipSyncedMachine(config.id, parts, membership, repl, paxos as PaxosReplica<unknown, unknown>);
  if (placement) machine.followRanges(placement);
  return {
    machine,
    membership,
    paxos,
    services,
    locks,
    kv,
    repl,
    txns: (sharded ?? twopcNode)!,
    get twopc(): TwoPcNode {
      if (twopcNode === undefined) throw new Error(`txn mode ${txnMode} runs no TwoPcNode (its transactions part is NodeMachine.txns)`);
      return twopcNode;
    },
    ...(placement ? { placement } : {}),
  };
}

function shardedTxnNode(config: NodeMachineConfig, records: readonly Tagged[]): ShardedTxnNode {
  return new ShardedTxnNode(
    { twopc: { id: config.id, ...DEFAULT_TWOPC_TIMING, ...config.twopcTiming }, members: config.members, seed: config.seed, ...(config.paxosTiming ? { paxosTiming: config.paxosTiming } : {}) },
    records,
  );
}

/**
 * The decision record a txn mode needs on the node's Paxos log, if any: `paxos` puts the
 * outcomes in a DecisionService behind the same ServiceMux (see txn-decisions.ts).
 */
function txnDecisionLog(mode: TxnMode): { service: DecisionService; queue: DecisionQueue } | undefined {
  switch (mode) {
    case 'classic':
    case '3pc':
    case 'sharded':
      return undefined;
    case 'paxos':
      return { service: new DecisionService(), queue: new DecisionQueue() };
    default:
      return unreachable(mode, 'txn mode');
  }
}
