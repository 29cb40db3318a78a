/**
 * Ring weights in one normal form: only members, only weights that are not 1. Two nodes
 * that were told the same members and weights then hold equal objects, a replica's
 * `members` record stays as it was for an unweighted cluster, and "did the weights
 * change?" is a plain comparison.
 */
import type { NodeId } from '../common/types';
import type { RingWeights } from './types';

/** The weights of `members` that are not 1; or the message naming a weight that is not a positive finite number. */
export function normalRingWeights(members: readonly NodeId[], weights: RingWeights | undefined): RingWeights | string {
  const out: Record<NodeId, number> = {};
  for (const m of members) {
    const w = weights !== undefined && Object.hasOwn(weights, m) ? weights[m] : 1;
    if (typeof w !== 'number' || !Number.isFinite(w) || w <= 0) return `weight of ${JSON.stringify(m)} must be a positive finite number, got ${JSON.stringify(w)}`;
    if (w !== 1) out[m] = w;
  }
  return out;
}

/** Equal as normal forms (the same nodes with the same weights other than 1). */
export function sameRingWeights(a: RingWeights, b: RingWeights): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && b[k] === a[k]);
}
