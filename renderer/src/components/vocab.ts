/**
 * The protocol's vocabularies as runtime lists. The renderer imports only TYPES from
 * core/protocol (no zod in the page), so each list is checked here against its type in
 * both directions: a value added to the protocol fails this file's type-check until listed.
 */
import type { BalancePolicy, ClusterInfo, KvMode, NemesisFault, PanelCommand, TimeScale, WorkloadKind } from '../../../core/protocol/panel';

type PartitionShape = Extract<PanelCommand, { kind: 'partition' }>['shape'];

/** Compiles only when `L` lists every member of `T` (and nothing else). */
type Exhaustive<T, L extends readonly T[]> = [T] extends [L[number]] ? L : never;

const modes = ['paxos', 'quorum', 'async', 'sloppy', 'semi-sync'] as const;
export const KV_MODES: Exhaustive<KvMode, typeof modes> = modes;

/** How transactions decide (core/protocol/modes.ts TXN_MODES). */
export type TxnMode = ClusterInfo['txnMode'];
const txnModes = ['classic', 'paxos', '3pc', 'sharded'] as const;
export const TXN_MODES: Exhaustive<TxnMode, typeof txnModes> = txnModes;

/** What a 2PC participant does on a lock conflict (core/protocol/modes.ts LOCK_POLICIES). */
export type LockPolicy = ClusterInfo['lockPolicy'];
const lockPolicies = ['no-wait', 'wait-die', 'wound-wait'] as const;
export const LOCK_POLICIES: Exhaustive<LockPolicy, typeof lockPolicies> = lockPolicies;

/** How the ring replicas place keys (core/protocol/modes.ts PLACEMENTS). */
export type Placement = NonNullable<ClusterInfo['placement']>;
const placements = ['hash', 'range'] as const;
export const PLACEMENTS: Exhaustive<Placement, typeof placements> = placements;

const scales = [1, 3, 10] as const;
export const TIME_SCALES: Exhaustive<TimeScale, typeof scales> = scales;

const workloads = ['register', 'lock', 'txn'] as const;
export const WORKLOAD_KINDS: Exhaustive<WorkloadKind, typeof workloads> = workloads;

const nemesis = ['kill', 'kill-leader', 'pause', 'partition', 'drop', 'delay', 'duplicate', 'skew'] as const;
export const NEMESIS_FAULTS: Exhaustive<NemesisFault, typeof nemesis> = nemesis;

/** How the workload's clients spread requests (core/protocol/modes.ts BALANCE_POLICIES). */
const policies = ['random', 'round-robin', 'weighted', 'least-outstanding', 'ring'] as const;
export const BALANCE_POLICIES: Exhaustive<BalancePolicy, typeof policies> = policies;

const shapes = ['isolate', 'isolate-leader', 'halves', 'majorities-ring', 'bridge', 'one-way'] as const;
export const PARTITION_SHAPES: Exhaustive<PartitionShape, typeof shapes> = shapes;
/** The named partitions that need no node (the cluster's buttons); isolate/one-way are per node. */
export const CLUSTER_PARTITIONS = ['halves', 'majorities-ring', 'bridge'] as const satisfies readonly PartitionShape[];

export const MIN_NODES = 3;
export const MAX_NODES = 9;
export type { BalancePolicy, KvMode, NemesisFault, PartitionShape, TimeScale, WorkloadKind };
