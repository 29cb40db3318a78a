import type { NodeId } from '../common/types';
import { RingError } from './errors';
import type { HashRing } from './ring';

export interface RingLoad {
  /** Keys owned by each member (members owning none appear with 0). */
  perNode: Record<NodeId, number>;
  max: number;
  /** keys / members: the load of a perfectly even ring with equal weights. */
  mean: number;
  /** max / mean; 1 is perfectly even. 1 when there are no keys (nothing is overloaded). */
  maxOverMean: number;
}

/** How many of `keys` each member owns (first node of the preference list). */
export function ringLoad(ring: HashRing, keys: readonly string[]): RingLoad {
  const members = ring.nodes();
  if (members.length === 0) throw new RingError('EMPTY_RING', 'ringLoad needs a ring with at least one member');
  // No prototype, so a node named "__proto__" or "constructor" is counted like any other.
  const perNode = Object.create(null) as Record<NodeId, number>;
  for (const m of members) perNode[m.id] = 0;
  for (const key of keys) {
    const owner = ring.owner(key);
    perNode[owner] = (perNode[owner] ?? 0) + 1;
  }
  const max = Math.max(...Object.values(perNode));
  const mean = keys.length / members.length;
  return { perNode, max, mean, maxOverMean: mean === 0 ? 1 : max / mean };
}

export interface MovedKeys {
  moved: number;
  /** moved / keys.length (0 for no keys). */
  fraction: number;
  /** The keys that moved, in the order given. */
  keys: string[];
}

/**
 * The keys whose replica set differs between two rings (the data that must be copied
 * after a join or a leave). With `replicas` > 1 the sets are compared, not their order:
 * a replica that only changes rank holds the data already.
 */
export function movedKeys(before: HashRing, after: HashRing, keys: readonly string[], replicas = 1): MovedKeys {
  const moved: string[] = [];
  for (const key of keys) {
    const a = before.preferenceList(key, replicas);
    const b = after.preferenceList(key, replicas);
    if (a.length !== b.length || a.some((node) => !b.includes(node))) moved.push(key);
  }
  return { moved: moved.length, fraction: keys.length === 0 ? 0 : moved.length / keys.length, keys: moved };
}
