/**
 * The dependency graph of committed transactions (Adya's DSG) and the cycle search over
 * it: Tarjan's strongly connected components first (cheap, linear), then a shortest cycle
 * inside a component by breadth-first search, so evidence stays small enough to read.
 */

export type DepType = 'ww' | 'wr' | 'rw';

export interface DepEdge {
  readonly from: number;
  readonly to: number;
  readonly type: DepType;
  readonly key: string;
  /**
   * One sentence for a learner: why `from` must come before `to`. A function, because
   * only the edges of reported cycles are ever explained (10k-transaction graphs are not).
   */
  readonly why: () => string;
}

/** Preference when two transactions are linked by several kinds: the weakest anomaly wins. */
const TYPE_RANK: Record<DepType, number> = { ww: 0, wr: 1, rw: 2 };

export class DepGraph {
  /** from -> to -> the first edge seen of each type. */
  private readonly out = new Map<number, Map<number, DepEdge[]>>();
  edgeCount = 0;

  add(edge: DepEdge): void {
    if (edge.from === edge.to) return;
    let targets = this.out.get(edge.from);
    if (!targets) this.out.set(edge.from, (targets = new Map()));
    let edges = targets.get(edge.to);
    if (!edges) targets.set(edge.to, (edges = []));
    if (edges.some((e) => e.type === edge.type)) return;
    edges.push(edge);
    this.edgeCount++;
  }

  nodes(): number[] {
    const all = new Set<number>();
    for (const [from, targets] of this.out) {
      all.add(from);
      for (const to of targets.keys()) all.add(to);
    }
    return [...all].sort((a, b) => a - b);
  }

  /** The weakest edge from -> to among `allowed` types, if any. */
  edge(from: number, to: number, allowed: ReadonlySet<DepType>): DepEdge | undefined {
    const edges = this.out.get(from)?.get(to);
    if (!edges) return undefined;
    let best: DepEdge | undefined;
    for (const e of edges) {
      if (allowed.has(e.type) && (!best || TYPE_RANK[e.type] < TYPE_RANK[best.type])) best = e;
    }
    return best;
  }

  successors(from: number, allowed: ReadonlySet<DepType>): number[] {
    const targets = this.out.get(from);
    if (!targets) return [];
    const result: number[] = [];
    for (const [to, edges] of targets) if (edges.some((e) => allowed.has(e.type))) result.push(to);
    return result;
  }

  edgesFrom(from: number): DepEdge[] {
    const targets = this.out.get(from);
    return targets ? [...targets.values()].flat() : [];
  }
}

/** Tarjan's algorithm, iterative (histories of 10k+ transactions would overflow recursion). */
export function stronglyConnected(graph: DepGraph, allowed: ReadonlySet<DepType>): number[][] {
  const index = new Map<number, number>();
  const low = new Map<number, number>();
  const onStack = new Set<number>();
  const stack: number[] = [];
  const components: number[][] = [];
  let counter = 0;
  for (const root of graph.nodes()) {
    if (index.has(root)) continue;
    const work: { node: number; next: number[]; i: number }[] = [];
    const open = (node: number): void => {
      index.set(node, counter);
      low.set(node, counter);
      counter++;
      stack.push(node);
      onStack.add(node);
      work.push({ node, next: graph.successors(node, allowed), i: 0 });
    };
    open(root);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      if (frame.i < frame.next.length) {
        const to = frame.next[frame.i++]!;
        if (!index.has(to)) open(to);
        else if (onStack.has(to)) low.set(frame.node, Math.min(low.get(frame.node)!, index.get(to)!));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: number[] = [];
        let n: number;
        do {
          n = stack.pop()!;
          onStack.delete(n);
          component.push(n);
        } while (n !== frame.node);
        if (component.length > 1) components.push(component);
      }
    }
  }
  return components;
}

/** Shortest path from `from` to `to` inside `within`, as the list of nodes (both ends included). */
export function shortestPath(
  graph: DepGraph,
  from: number,
  to: number,
  allowed: ReadonlySet<DepType>,
  within: ReadonlySet<number>,
): number[] | undefined {
  const parent = new Map<number, number>([[from, from]]);
  const queue = [from];
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head]!;
    for (const next of graph.successors(node, allowed)) {
      if (!within.has(next)) continue;
      if (next === to) {
        const path = [to];
        for (let n = node; n !== from; n = parent.get(n)!) path.push(n);
        path.push(from);
        return path.reverse();
      }
      if (parent.has(next)) continue;
      parent.set(next, node);
      queue.push(next);
    }
  }
  return undefined;
}

/** Turns a closed node path [a, b, ..., a] into its edges, weakest kind per hop. */
export function cycleEdges(graph: DepGraph, path: readonly number[], allowed: ReadonlySet<DepType>): DepEdge[] {
  const edges: DepEdge[] = [];
  for (let i = 0; i + 1 < path.length; i++) {
    const e = graph.edge(path[i]!, path[i + 1]!, allowed);
    if (!e) throw new Error(`internal: no ${[...allowed].join('/')} edge T${path[i]} -> T${path[i + 1]} on a found cycle`);
    edges.push(e);
  }
  return edges;
}
