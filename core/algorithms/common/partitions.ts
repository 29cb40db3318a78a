/**
 * Named network partitions as in Jepsen's nemeses, computed as the set of DIRECTED links
 * to cut. Pure, so the simulator and the real supervisor cut exactly the same links.
 * A link "a->b" cut means messages from a to b are lost; "b->a" may still flow (one-way).
 */
import type { NodeId } from './types';
import { majority } from './quorum';

export interface Link {
  readonly from: NodeId;
  readonly to: NodeId;
}

export const PARTITION_SHAPES = ['isolate', 'isolate-leader', 'halves', 'majorities-ring', 'bridge', 'one-way'] as const;
export type PartitionShape = (typeof PARTITION_SHAPES)[number];

export interface PartitionRequest {
  readonly shape: PartitionShape;
  /** The node to isolate (isolate, one-way) or the leader (isolate-leader). */
  readonly node?: NodeId;
}

/** Cuts every link, both directions, between nodes of different groups. */
export function cutsBetweenGroups(groups: readonly (readonly NodeId[])[]): Link[] {
  const groupOf = new Map<NodeId, number>();
  groups.forEach((g, i) => g.forEach((n) => groupOf.set(n, i)));
  const all = [...groupOf.keys()];
  const cuts: Link[] = [];
  for (const from of all) {
    for (const to of all) {
      if (from !== to && groupOf.get(from) !== groupOf.get(to)) cuts.push({ from, to });
    }
  }
  return cuts;
}

/** Cuts every link, both directions, between nodes that `connected` says may not talk. */
function cutsWhere(nodes: readonly NodeId[], connected: (i: number, j: number) => boolean): Link[] {
  const cuts: Link[] = [];
  nodes.forEach((from, i) =>
    nodes.forEach((to, j) => {
      if (i !== j && !connected(i, j)) cuts.push({ from, to });
    }),
  );
  return cuts;
}

/**
 * The links to cut for a named partition. `nodes` is the membership in a stable order
 * (a ring order for majorities-ring and bridge).
 */
export function partitionCuts(nodes: readonly NodeId[], request: PartitionRequest): Link[] {
  const need = (what: string): NodeId => {
    const n = request.node;
    if (n === undefined || !nodes.includes(n)) {
      throw new Error(`partition "${request.shape}" needs ${what} among [${nodes.join(', ')}], got ${String(n)}`);
    }
    return n;
  };
  switch (request.shape) {
    case 'isolate':
    case 'isolate-leader': {
      const lone = need(request.shape === 'isolate' ? 'a node' : 'the leader');
      return cutsBetweenGroups([[lone], nodes.filter((n) => n !== lone)]);
    }
    case 'one-way': {
      // The node can still send but hears nothing: it keeps believing it leads while
      // nobody's answers reach it — the asymmetric case a naive detector gets wrong.
      const deaf = need('a node');
      return nodes.filter((n) => n !== deaf).map((from) => ({ from, to: deaf }));
    }
    case 'halves': {
      const cut = Math.floor(nodes.length / 2);
      return cutsBetweenGroups([nodes.slice(0, cut), nodes.slice(cut)]);
    }
    case 'majorities-ring': {
      // Each node sees a majority (itself and its nearest neighbours on the ring), but no
      // two nodes see the same majority: every node can win votes, no one can keep them.
      const n = nodes.length;
      const reach = Math.floor(majority(n) / 2);
      return cutsWhere(nodes, (i, j) => {
        const d = Math.abs(i - j);
        return Math.min(d, n - d) <= reach;
      });
    }
    case 'bridge': {
      // Two halves that cannot talk, joined only through the middle node.
      const mid = Math.floor(nodes.length / 2);
      return cutsWhere(nodes, (i, j) => i === mid || j === mid || i < mid === j < mid);
    }
    default: {
      const never: never = request.shape;
      throw new Error(`unknown partition shape ${String(never)}; known: ${PARTITION_SHAPES.join(', ')}`);
    }
  }
}

/** True when `from` can reach `to` directly. */
export function linkOpen(cuts: readonly Link[], from: NodeId, to: NodeId): boolean {
  return !cuts.some((c) => c.from === from && c.to === to);
}
