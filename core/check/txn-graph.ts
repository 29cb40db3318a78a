/**
 * The dependency graph of committed transactions (Adya's DSG, plus the real-time and
 * per-process orders the strong models add) and the cycle search over it: Tarjan's
 * strongly connected components first (cheap, linear), then a shortest cycle inside a
 * component by breadth-first search, so evidence stays small enough to read. Searches
 * spend steps from a SearchBudget (one step per node taken off a queue), so a huge
 * component ends the search with "not searched to the end" rather than a silent timeout.
 */

import type { MicroOp } from './txn-history';

/** Data dependencies (ww, wr, rw) and orders (realtime: completed before invoked; process: same client, one after the other). */
export type DepType = 'ww' | 'wr' | 'rw' | 'process' | 'realtime';

export interface DepEdge {
  readonly from: number;
  readonly to: number;
  readonly type: DepType;
  /** The key of a data dependency ('' for realtime and process orders). */
  readonly key: string;
  /** The micro-operations that make a data dependency: one in `from`, one in `to`. */
  readonly mops?: readonly [MicroOp, MicroOp];
  /**
   * One sentence for a learner: why `from` must come before `to`. A function, because
   * only the edges of reported cycles are ever explained (10k-transaction graphs are not).
   */
  readonly why: () => string;
}

/** Preference when two transactions are linked by several kinds: the weakest anomaly wins. */
const TYPE_RANK: Record<DepType, number> = { ww: 0, wr: 1, process: 2, realtime: 3, rw: 4 };

/** Thrown by a search that used up its steps. */
export class BudgetExhausted extends Error {}

/** Steps a search may take: one per node taken off a breadth-first queue. */
export class SearchBudget {
  used = 0;
  constructor(
    public max: number,
    /** Called every 4096 steps (the wall-clock deadline check). */
    private readonly tick: () => void = () => {},
    private readonly parent?: SearchBudget,
  ) {}

  spend(): void {
    this.parent?.spend();
    this.used++;
    if ((this.used & 4095) === 0) this.tick();
    if (this.used > this.max) throw new BudgetExhausted();
  }

  /** A budget for one search, at most `cap` steps, each also charged to this one. */
  slice(cap: number): SearchBudget {
    return new SearchBudget(cap, () => {}, this);
  }

  /** Why the budget ended early, when something ended it (a deadline). */
  exhaustedBy: 'time' | undefined;

  /** Ends the budget now: every later step throws BudgetExhausted. */
  exhaust(why: 'time'): void {
    this.exhaustedBy = why;
    this.max = this.used;
  }
}

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
  budget?: SearchBudget,
): number[] | undefined {
  const parent = new Map<number, number>([[from, from]]);
  const queue = [from];
  for (let head = 0; head < queue.length; head++) {
    budget?.spend();
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

/**
 * A closed walk starting with the rw edge `first` and returning to its source, in which no
 * two rw edges are adjacent (the last edge, which meets `first`, is not rw either): a
 * breadth-first search over (transaction, did the last hop use rw). The walk may pass a
 * transaction twice; `simpleNonadjacent` cuts it to a simple cycle.
 */
export function nonadjacentWalk(
  graph: DepGraph,
  first: DepEdge,
  allowed: ReadonlySet<DepType>,
  within: ReadonlySet<number>,
  budget?: SearchBudget,
): DepEdge[] | undefined {
  const nonRw = new Set([...allowed].filter((t) => t !== 'rw'));
  const stateKey = (node: number, afterRw: boolean): number => node * 2 + (afterRw ? 1 : 0);
  const start = stateKey(first.to, true);
  const parent = new Map<number, { prev: number; edge: DepEdge }>();
  const seen = new Set<number>([start]);
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    budget?.spend();
    const state = queue[head]!;
    const node = state >> 1;
    const afterRw = (state & 1) === 1;
    for (const e of graph.edgesFrom(node)) {
      if (!within.has(e.to) || !allowed.has(e.type)) continue;
      const isRw = e.type === 'rw';
      if (isRw && afterRw) continue;
      if (isRw && e.to === first.from) continue; // would sit next to `first`
      if (!isRw && !nonRw.has(e.type)) continue;
      const next = stateKey(e.to, isRw);
      if (seen.has(next)) continue;
      seen.add(next);
      parent.set(next, { prev: state, edge: e });
      if (e.to === first.from) {
        const edges: DepEdge[] = [];
        for (let s = next; s !== start; s = parent.get(s)!.prev) edges.push(parent.get(s)!.edge);
        return [first, ...edges.reverse()];
      }
      queue.push(next);
    }
  }
  return undefined;
}

/** The rw edges of a closed walk that sit next to another rw edge (wrapping around). */
export function adjacentRw(edges: readonly DepEdge[]): boolean {
  return edges.some((e, i) => e.type === 'rw' && edges[(i + 1) % edges.length]!.type === 'rw');
}

/**
 * Cuts a closed walk at a repeated transaction into two closed walks until it is a simple
 * cycle, keeping a part with an rw edge and no adjacent rw edges. Such a part always
 * exists: where the walk leaves and re-enters a repeated transaction, the hop in and the
 * hop out of the kept remainder are the ones around it in the original walk, which were
 * not both rw.
 */
export function simpleNonadjacent(walk: DepEdge[]): DepEdge[] {
  let edges = walk;
  for (;;) {
    const at = new Map<number, number>();
    let cut: [number, number] | undefined;
    for (let i = 0; i < edges.length; i++) {
      const from = edges[i]!.from;
      const j = at.get(from);
      if (j !== undefined) {
        cut = [j, i];
        break;
      }
      at.set(from, i);
    }
    if (!cut) return edges;
    const [j, i] = cut;
    const loop = edges.slice(j, i);
    const rest = [...edges.slice(0, j), ...edges.slice(i)];
    const good = (part: DepEdge[]): boolean => part.some((e) => e.type === 'rw') && !adjacentRw(part);
    edges = good(rest) ? rest : good(loop) ? loop : rest.length <= loop.length ? rest : loop;
  }
}
