/**
 * Hashing and ranges on the same workload, in numbers that do not depend on timing (so
 * they can be recorded in docs/BENCHMARKS.md and replayed from a seed): write the same
 * keys in the same order under both placements, the range table splitting as a range's
 * leaseholder would (more than `splitKeys` keys: split at the median), then count
 *   - keys per node (as owner, and as any of the N replicas) and max/mean,
 *   - where the last writes went (sequential keys keep hitting the last range),
 *   - the keys a join of one more node moves.
 * `faultline sim --mechanism replication --compare-placement N` prints it.
 */
import type { NodeId } from '../algorithms/common/types';
import { HashRing } from '../algorithms/ring';
import {
  RangeMap,
  initialRangeTable,
  placementLoad,
  placementMoves,
  rangeIndex,
  reassignRanges,
  splitPointFor,
  splitRange,
  type Placement,
  type RangeTable,
} from '../algorithms/placement';
import { streamPrng } from './seeds';

export type KeyPattern = 'sequential' | 'uniform';

/** Consecutive writes that make one burst (burstBusiestShare). */
const WINDOW = 20;

export interface PlacementFigures {
  readonly ownerKeys: Readonly<Record<NodeId, number>>;
  readonly ownerMaxOverMean: number;
  readonly replicaMaxOverMean: number;
  /** Owners of the last `recent` writes, per node, and the busiest node's share of them. */
  readonly recentWrites: Readonly<Record<NodeId, number>>;
  readonly recentBusiestShare: number;
  /**
   * Hot spots: over every run of WINDOW consecutive writes, the busiest node's share of
   * its writes, averaged (1: every burst lands on one node; 1/nodes: spread evenly).
   */
  readonly burstBusiestShare: number;
  /** A join of one more node: keys whose replica set changed, and their fraction. */
  readonly movedOnJoin: number;
  readonly movedOnJoinFraction: number;
}

export interface PlacementComparison {
  readonly pattern: KeyPattern;
  readonly keys: number;
  readonly nodes: number;
  readonly replicationFactor: number;
  readonly splitKeys: number;
  readonly recent: number;
  readonly hash: PlacementFigures;
  readonly range: PlacementFigures & { readonly ranges: number; readonly splits: number };
}

/** `count` keys in write order: `key000000, key000001, ...` or uniformly random ones from the seed. */
export function workloadKeys(pattern: KeyPattern, count: number, seed: number): string[] {
  if (pattern === 'sequential') return Array.from({ length: count }, (_, i) => `key${String(i).padStart(6, '0')}`);
  const prng = streamPrng(seed, 'placement-keys');
  const seen = new Set<string>();
  while (seen.size < count) seen.add(`key${String(prng.int(1_000_000)).padStart(6, '0')}`);
  return [...seen];
}

export function comparePlacements(opts: {
  readonly pattern: KeyPattern;
  readonly keys: number;
  readonly nodes: readonly NodeId[];
  readonly newcomer: NodeId;
  readonly replicationFactor: number;
  readonly splitKeys: number;
  readonly seed: number;
}): PlacementComparison {
  const keys = workloadKeys(opts.pattern, opts.keys, opts.seed);
  const rf = opts.replicationFactor;
  const recent = Math.max(1, Math.floor(keys.length / 10));

  const ring = new HashRing();
  for (const n of opts.nodes) ring.add(n);
  const ringAfter = ring.clone();
  ringAfter.add(opts.newcomer);

  // The range table grows with the writes: after each write, the range it landed in splits
  // once its keys pass the threshold (what the leaseholder asks for, and the log applies).
  let table: RangeTable = initialRangeTable(opts.nodes, rf);
  const inRange = new Map<string, string[]>([['', []]]);
  const recentRange = new Map<NodeId, number>();
  const recentHash = new Map<NodeId, number>();
  const ownersInOrder = { hash: [] as NodeId[], range: [] as NodeId[] };
  keys.forEach((key, i) => {
    ownersInOrder.range.push(new RangeMap(table).owner(key));
    ownersInOrder.hash.push(ring.owner(key));
    const start = table.ranges[rangeIndex(table, key)]?.start ?? '';
    const held = inRange.get(start) ?? [];
    held.push(key);
    inRange.set(start, held);
    if (i >= keys.length - recent) {
      const rangeOwner = new RangeMap(table).owner(key);
      recentRange.set(rangeOwner, (recentRange.get(rangeOwner) ?? 0) + 1);
      const hashOwner = ring.owner(key);
      recentHash.set(hashOwner, (recentHash.get(hashOwner) ?? 0) + 1);
    }
    const at = splitPointFor(start, held, opts.splitKeys);
    if (at !== undefined) {
      table = splitRange(table, at);
      inRange.set(start, held.filter((k) => k < at));
      inRange.set(at, held.filter((k) => k >= at));
    }
  });
  const ranges = new RangeMap(table);
  const rangesAfter = new RangeMap(reassignRanges(table, [...opts.nodes, opts.newcomer]));

  const figures = (p: Placement, after: Placement, recentWrites: Map<NodeId, number>, inOrder: readonly NodeId[]): PlacementFigures => {
    const owners = placementLoad(p, keys, 1);
    const replicas = placementLoad(p, keys, rf);
    const moved = placementMoves(p, after, keys, rf);
    const recentPer: Record<NodeId, number> = {};
    for (const n of opts.nodes) recentPer[n] = recentWrites.get(n) ?? 0;
    return {
      ownerKeys: owners.perNode,
      ownerMaxOverMean: round(owners.maxOverMean),
      replicaMaxOverMean: round(replicas.maxOverMean),
      recentWrites: recentPer,
      recentBusiestShare: round(Math.max(...Object.values(recentPer)) / recent),
      burstBusiestShare: round(burstShare(inOrder)),
      movedOnJoin: moved.moved,
      movedOnJoinFraction: round(moved.fraction),
    };
  };
  return {
    pattern: opts.pattern,
    keys: keys.length,
    nodes: opts.nodes.length,
    replicationFactor: rf,
    splitKeys: opts.splitKeys,
    recent,
    hash: figures(ring, ringAfter, recentHash, ownersInOrder.hash),
    range: { ...figures(ranges, rangesAfter, recentRange, ownersInOrder.range), ranges: table.ranges.length, splits: table.splits },
  };
}

/** The comparison as report lines. */
export function formatComparison(c: PlacementComparison): string[] {
  const perNode = (r: Readonly<Record<string, number>>): string => Object.entries(r).map(([n, k]) => `${n}=${k}`).join(' ');
  const line = (name: string, f: PlacementFigures): string =>
    `  ${name.padEnd(5)} owner keys ${perNode(f.ownerKeys)} (max/mean ${f.ownerMaxOverMean}, replicas ${f.replicaMaxOverMean}); ` +
    `last ${c.recent} writes ${perNode(f.recentWrites)} (busiest ${Math.round(f.recentBusiestShare * 100)}%); ` +
    `busiest node per ${WINDOW} consecutive writes ${Math.round(f.burstBusiestShare * 100)}%; ` +
    `a join moves ${f.movedOnJoin} keys (${Math.round(f.movedOnJoinFraction * 1000) / 10}%)`;
  return [
    `placement comparison: ${c.keys} ${c.pattern} keys on ${c.nodes} nodes, N=${c.replicationFactor}, ranges split past ${c.splitKeys} keys (${c.range.splits} splits, ${c.range.ranges} ranges)`,
    line('hash', c.hash),
    line('range', c.range),
  ];
}

function burstShare(owners: readonly NodeId[]): number {
  let sum = 0;
  let windows = 0;
  for (let i = 0; i + WINDOW <= owners.length; i += WINDOW) {
    const counts = new Map<NodeId, number>();
    for (const o of owners.slice(i, i + WINDOW)) counts.set(o, (counts.get(o) ?? 0) + 1);
    sum += Math.max(...counts.values()) / WINDOW;
    windows++;
  }
  return windows === 0 ? 0 : sum / windows;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
