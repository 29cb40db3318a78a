/**
 * The one list of every cluster-wide choice a user can make: how nodes serve key-value
 * requests, how transactions decide, how clients spread requests and how keys are placed.
 * The CLI (`run`, `up`, `serve`, node `--mode`), the panel protocol and the panel's cluster
 * bar all read these lists, so a new mode is added in one place (its algorithm's own list).
 */
import { REPLICATION_MODES } from '../algorithms/replication/types';
import { TWOPC_MODES, type TwoPcMode } from '../algorithms/twopc/types';
import { PLACEMENT_KINDS, type PlacementKind } from '../algorithms/placement/types';

/** `paxos`: key-value requests go through the consensus log; the others through ring replicas. */
export const KV_MODES = ['paxos', ...REPLICATION_MODES] as const;
export type KvMode = (typeof KV_MODES)[number];
/** KV modes that promise linearizable registers (the others trade it away on purpose). */
export const LINEARIZABLE_KV_MODES: readonly KvMode[] = ['paxos', 'quorum'];

/** How a transaction's outcome is decided (`faultline sim --mechanism twopc`, `run --workload txn`). */
export const TXN_MODES = TWOPC_MODES;
export type TxnMode = TwoPcMode;

/** What a 2PC participant does on a lock conflict (`run --lock-policy`, node --lock-policy, the panel). */
export { LOCK_POLICIES, type LockPolicy } from '../algorithms/twopc/lock-table';

/**
 * Client load balancing (`run --policy`, `sim --mechanism replication --policy`;
 * core/algorithms/balance/balancer.ts): `weighted` is smooth weighted round robin by node
 * weight, `least-outstanding` picks the node with the fewest of the run's requests in
 * flight, `ring` the key's owner.
 */
export { BALANCE_POLICIES, type BalancePolicy } from '../algorithms/balance/types';

/** How keys are placed on nodes (`--placement`): consistent hashing on the ring, or ordered ranges that split. */
export const PLACEMENTS = PLACEMENT_KINDS;
export type Placement = PlacementKind;

/** Narrows user text to one of `list`, or undefined. */
export function oneOf<T extends string>(list: readonly T[], text: string | undefined): T | undefined {
  return list.find((x) => x === text);
}
