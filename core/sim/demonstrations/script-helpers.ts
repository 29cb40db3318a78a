/** Small pieces the demonstration scripts share. */
import type { NodeId } from '../../algorithms/common/types';
import { HashRing } from '../../algorithms/ring';
import type { NemesisTarget } from '../nemesis';

/** A record's or message's `type` field, if it has one. */
export function typeOf(x: unknown): unknown {
  return typeof x === 'object' && x !== null ? (x as { type?: unknown }).type : undefined;
}

/** A key's replicas as every replication node places them (the same ring over the same members). */
export function replicasOf(nodes: readonly NodeId[], key: string, n: number): NodeId[] {
  const ring = new HashRing();
  for (const id of nodes) ring.add(id);
  return ring.preferenceList(key, n);
}

/** Cuts every link between `group` and the other nodes, both ways. */
export function isolate(world: NemesisTarget, group: readonly NodeId[]): void {
  for (const a of group) {
    for (const b of world.nodeIds) {
      if (group.includes(b)) continue;
      world.network.cut(a, b);
      world.network.cut(b, a);
    }
  }
}
