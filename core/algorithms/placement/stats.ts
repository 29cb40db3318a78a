/**
 * Load and movement statistics over any Placement, so hashing and ranges are compared on
 * the same keys with the same arithmetic (`faultline sim --placement-report`, the panel).
 */
import type { NodeId } from '../common/types';
import type { Placement } from './types';

export interface PlacementLoad {
  /** Keys each member holds (as one of the first `replicas` replicas); members with none appear with 0. */
  readonly perNode: Readonly<Record<NodeId, number>>;
  readonly max: number;
  /** keys * replicas / members: the load of a perfectly even placement. */
  readonly mean: number;
  /** max / mean; 1 is perfectly even (1 when there are no keys). */
  readonly maxOverMean: number;
}

/** How many of `keys` each member holds among their first `replicas` replicas (1: owners only). */
export function placementLoad(p: Placement, keys: readonly string[], replicas = 1): PlacementLoad {
  const members = p.nodes();
  const perNode = Object.create(null) as Record<NodeId, number>;
  for (const m of members) perNode[m.id] = 0;
  for (const key of keys) for (const node of p.preferenceList(key, replicas)) perNode[node] = (perNode[node] ?? 0) + 1;
  const max = Math.max(0, ...Object.values(perNode));
  const mean = members.length === 0 ? 0 : (keys.length * Math.min(replicas, members.length)) / members.length;
  return { perNode, max, mean, maxOverMean: mean === 0 ? 1 : max / mean };
}

export interface PlacementMoves {
  readonly moved: number;
  /** moved / keys.length (0 for no keys). */
  readonly fraction: number;
  /** The keys whose replica set changed, in the order given. */
  readonly keys: string[];
  /** Key copies a new replica must receive (a key gaining two replicas counts twice). */
  readonly copies: number;
}

/**
 * The keys whose replica set differs between two placements (the data a join, a leave or
 * a reassignment must copy). Sets are compared, not order: a replica that only changes
 * rank holds the data already.
 */
export function placementMoves(before: Placement, after: Placement, keys: readonly string[], replicas: number): PlacementMoves {
  const moved: string[] = [];
  let copies = 0;
  for (const key of keys) {
    const a = before.preferenceList(key, replicas);
    const b = after.preferenceList(key, replicas);
    const gained = b.filter((node) => !a.includes(node)).length;
    if (gained > 0 || a.length !== b.length) moved.push(key);
    copies += gained;
  }
  return { moved: moved.length, fraction: keys.length === 0 ? 0 : moved.length / keys.length, keys: moved, copies };
}
