/**
 * Where a key lives: the one interface replication places keys through, whether keys are
 * spread by hashing (ring/HashRing) or kept in ordered ranges (./range-map.ts).
 */
import type { NodeId } from '../common/types';

/**
 * How keys are placed on nodes. `hash`: consistent hashing on the ring (keys spread
 * evenly, neighbours in key order land far apart). `range`: ordered key ranges that split
 * as they grow (a scan of neighbouring keys stays on one range; sequential keys make one
 * range hot). The CLI, the node flag and the panel read this list (core/protocol/modes.ts).
 */
export const PLACEMENT_KINDS = ['hash', 'range'] as const;
export type PlacementKind = (typeof PLACEMENT_KINDS)[number];

/**
 * A key's replicas under one membership. HashRing implements it as it is (structurally);
 * RangeMap implements it over a range table. Load and movement statistics for any
 * placement are in ./stats.ts.
 */
export interface Placement {
  /** The members keys are placed on, sorted by id. */
  nodes(): readonly { readonly id: NodeId; readonly weight: number }[];
  /** The key's first replica (its primary). Throws when there are no members. */
  owner(key: string): NodeId;
  /**
   * The key's first `n` distinct replicas, owner first (fewer when there are fewer
   * members). Past the key's home replicas the list goes on with stand-ins, the same on
   * every node, for hinted hand-off.
   */
  preferenceList(key: string, n: number): NodeId[];
}
