/**
 * From the replicated membership to a consistent-hash ring: every node that applied the
 * same log prefix builds the same ring, because the ring's tokens depend only on the
 * (id, weight) pairs, not on the order they were added.
 */
import { HashRing, type HashRingOptions } from '../ring';
import type { MembershipView } from './types';

export function ringFromMembership(view: MembershipView, opts?: HashRingOptions): HashRing {
  const ring = new HashRing(opts);
  for (const m of view.members) ring.add(m.id, m.weight);
  return ring;
}
