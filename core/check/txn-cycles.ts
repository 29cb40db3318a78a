/**
 * The cycle search of the list-append checker: which cycles the dependency graph holds,
 * named as Elle names them. A cycle's name comes from its edges:
 *   G0             ww only
 *   G1c            ww and wr, at least one wr
 *   G-single       exactly one rw (read skew, lost update)
 *   G-nonadjacent  several rw, no two next to each other (snapshot isolation forbids it)
 *   G2-item        several rw, two of them next to each other (write skew)
 * with "-realtime" when the cycle needs a real-time edge, "-process" when it needs a
 * process edge (and no real-time one). Orders are never data: a cycle always has at least
 * one ww, wr or rw edge.
 *
 * Only the classes the model asked for forbids are searched, weakest first, one cycle per
 * strongly connected component and class. A search that runs out of its step budget
 * leaves a record of what it had proven: a strongly connected component of N
 * transactions over the edge types searched (which is itself a cycle over those types).
 */
import {
  adjacentRw,
  BudgetExhausted,
  cycleEdges,
  nonadjacentWalk,
  shortestPath,
  simpleNonadjacent,
  stronglyConnected,
  type DepEdge,
  type DepGraph,
  type DepType,
  type SearchBudget,
} from './txn-graph';

export type CycleClass = 'G0' | 'G1c' | 'G-single' | 'G-nonadjacent' | 'G2-item';
export type OrderKind = 'realtime' | 'process';

/** What a search could not finish: a component known to hold a cycle of these edge types. */
export interface IncompleteSearch {
  readonly cycleClass: CycleClass;
  /** '' for data edges only, else the order the search added. */
  readonly order: OrderKind | '';
  readonly size: number;
  readonly edgeTypes: DepType[];
  /** Transaction ids of the component, first few. */
  readonly sample: number[];
}

export interface CycleSearchResult {
  readonly cycles: { name: string; edges: DepEdge[] }[];
  readonly incomplete: IncompleteSearch[];
  /** Transactions in the largest strongly connected component searched (0: no cycle anywhere). */
  readonly largestComponent: number;
}

/** Steps one (component, class) search may take before it is recorded as incomplete. */
const SEARCH_SLICE = 2_000_000;

/** The name of a cycle from its edges. */
export function cycleName(edges: readonly DepEdge[]): string {
  const rw = edges.filter((e) => e.type === 'rw').length;
  const wr = edges.some((e) => e.type === 'wr');
  const base = rw === 0 ? (wr ? 'G1c' : 'G0') : rw === 1 ? 'G-single' : adjacentRw(edges) ? 'G2-item' : 'G-nonadjacent';
  const suffix = edges.some((e) => e.type === 'realtime') ? '-realtime' : edges.some((e) => e.type === 'process') ? '-process' : '';
  return base + suffix;
}

function signature(edges: readonly DepEdge[]): string {
  return edges
    .map((e) => `${e.from}>${e.to}:${e.type}`)
    .sort()
    .join(' ');
}

/**
 * Searches `graph` for the classes `wanted(className)` says the model forbids (names with
 * their "-realtime"/"-process" suffix), first over data edges, then with each order in
 * `orders` added.
 */
export function searchCycles(graph: DepGraph, orders: readonly OrderKind[], wanted: (name: string) => boolean, budget: SearchBudget): CycleSearchResult {
  const cycles: { name: string; edges: DepEdge[] }[] = [];
  const incomplete: IncompleteSearch[] = [];
  const seen = new Set<string>();
  let largestComponent = 0;
  const emit = (edges: DepEdge[]): void => {
    const sig = signature(edges);
    if (seen.has(sig)) return;
    seen.add(sig);
    cycles.push({ name: cycleName(edges), edges });
  };
  const internal = (within: ReadonlySet<number>, type: DepType): DepEdge[] =>
    [...within].flatMap((from) => graph.edgesFrom(from).filter((e) => e.type === type && within.has(e.to)));
  const close = (edge: DepEdge, allowed: ReadonlySet<DepType>, within: ReadonlySet<number>, b: SearchBudget): DepEdge[] | undefined => {
    const back = shortestPath(graph, edge.to, edge.from, allowed, within, b);
    return back ? [edge, ...cycleEdges(graph, back, allowed)] : undefined;
  };

  for (const order of ['', ...orders] as const) {
    const suffix = order === '' ? '' : `-${order}`;
    const extra: DepType[] = order === '' ? [] : [order];
    const want = (c: CycleClass): boolean => wanted(c + suffix);
    const types = (...t: DepType[]): Set<DepType> => new Set([...t, ...extra]);
    // Unfinished searches of the component at hand; kept only if nothing settles them.
    let unfinished: IncompleteSearch[] = [];
    const attempt = (cycleClass: CycleClass, component: number[], edgeTypes: Set<DepType>, search: (b: SearchBudget) => DepEdge[] | undefined): DepEdge[] | undefined | 'incomplete' => {
      try {
        return search(budget.slice(SEARCH_SLICE));
      } catch (e) {
        if (!(e instanceof BudgetExhausted)) throw e;
        unfinished.push({ cycleClass, order, size: component.length, edgeTypes: [...edgeTypes], sample: component.slice(0, 8) });
        return 'incomplete';
      }
    };

    // G0 and G1c: one closed ww (wr) edge per component.
    const simple: [CycleClass, DepType, Set<DepType>][] = [
      ['G0', 'ww', types('ww')],
      ['G1c', 'wr', types('ww', 'wr')],
    ];
    for (const [cycleClass, start, allowed] of simple) {
      if (!want(cycleClass)) continue;
      for (const component of stronglyConnected(graph, allowed)) {
        largestComponent = Math.max(largestComponent, component.length);
        const within = new Set(component);
        const e = internal(within, start)[0];
        if (!e) continue;
        const found = attempt(cycleClass, component, allowed, (b) => close(e, allowed, within, b));
        if (Array.isArray(found)) emit(found);
        incomplete.push(...unfinished);
        unfinished = [];
      }
    }

    // Cycles with anti-dependencies: the weakest class each component holds. A component
    // is settled for the verdict, even if a search ran out, when a cycle was found in it
    // (an anomaly the model forbids), or when a G-nonadjacent search finished without one
    // and G2-item is not asked for (no G-nonadjacent also means no G-single: a cycle with
    // one rw edge has no two adjacent).
    if (!want('G-single') && !want('G-nonadjacent') && !want('G2-item')) continue;
    const all = types('ww', 'wr', 'rw');
    const noRw = types('ww', 'wr');
    const searchComponent = (component: number[], within: ReadonlySet<number>, rws: DepEdge[]): boolean => {
      if (want('G-single')) {
        const found = attempt('G-single', component, all, (b) => {
          for (const e of rws) {
            const c = close(e, noRw, within, b);
            if (c) return c;
          }
          return undefined;
        });
        if (Array.isArray(found)) {
          emit(found);
          return true;
        }
      }
      if (want('G-nonadjacent')) {
        const found = attempt('G-nonadjacent', component, all, (b) => {
          for (const e of rws) {
            const walk = nonadjacentWalk(graph, e, all, within, b);
            if (walk) return simpleNonadjacent(walk);
          }
          return undefined;
        });
        if (Array.isArray(found)) {
          emit(found);
          return true;
        }
        if (found === undefined && !want('G2-item')) return true;
      }
      if (want('G2-item')) {
        const found = attempt('G2-item', component, all, (b) => close(rws[0]!, all, within, b));
        if (Array.isArray(found)) {
          emit(found);
          return true;
        }
      }
      return false;
    };
    for (const component of stronglyConnected(graph, all)) {
      largestComponent = Math.max(largestComponent, component.length);
      const within = new Set(component);
      const rws = internal(within, 'rw');
      if (rws.length === 0) continue; // no anti-dependency: a G0/G1c component
      if (!searchComponent(component, within, rws)) incomplete.push(...unfinished);
      unfinished = [];
    }
  }
  return { cycles, incomplete, largestComponent };
}
