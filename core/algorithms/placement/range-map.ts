/**
 * A range-partitioned key space (Bigtable tablets, CockroachDB ranges): ordered split
 * points cut the keys (compared as JavaScript strings, the same in every process) into
 * ranges [start, next start); each range is owned by a preference list of
 * `replicationFactor` nodes, its first owner the range's primary (leaseholder).
 *
 * The table is a plain JSON value changed only by the pure functions below, applied in
 * the same order on every node (through the Paxos log in the real cluster, by the
 * simulator's one configuration sequence in `faultline sim`), so every node holds the same
 * table at the same position:
 * - `initialRangeTable` pre-splits the empty key space into one range per member (when
 *   there are more members than N), replica sets rotated, so every member leads and holds.
 * - `splitRange` cuts one range in two. Both halves keep the parent's replica SET (only
 *   the right half's leaseholder rotates), so a split moves no data and cannot make a
 *   quorum read miss a write: it is a metadata change, as a CockroachDB split is.
 * - `reassignRanges` follows a membership change by moving WHOLE ranges: a leaver's
 *   ranges go to the least-loaded remaining members; a newcomer takes ranges from the most
 *   loaded members until it holds its fair share. A join moves ranges only onto the
 *   newcomer, and a leave only the leaver's ranges (the ring's promise, per range).
 * Load is counted in range replicas a node holds, which every node can compute from the
 * table alone.
 */
import type { NodeId } from '../common/types';
import type { Placement } from './types';

export interface KeyRange {
  /** Inclusive lower bound; the range ends where the next one starts. The first range starts at ''. */
  readonly start: string;
  /** The range's replicas, leaseholder first; distinct members. */
  readonly owners: readonly NodeId[];
}

export interface RangeTable {
  /** Sorted by start (strictly increasing); the first starts at '', so every key has a range. */
  readonly ranges: readonly KeyRange[];
  /** Sorted by id. */
  readonly members: readonly NodeId[];
  readonly replicationFactor: number;
  /** +1 for every change (split or reassignment). */
  readonly version: number;
  /** Splits applied since the start. */
  readonly splits: number;
}

/**
 * Characters founding boundaries are spread over: keys are usually written in digits and
 * lowercase letters, so cutting this alphabet evenly spreads them without seeing one.
 */
const BOUNDARY_ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

/**
 * The founding table. When there are no more members than N, one range over the whole key
 * space, on every member. With more members, the key space is pre-split (as HBase and
 * CockroachDB pre-split a new table) into one range per member at boundaries that need no
 * keys (`foundingBoundaries`), so nothing moves, and each range's replicas are a run of N
 * members in id order starting at a different member (`foundingStarts`): every member
 * leads one range and holds N, and neighbouring ranges sit on different nodes (two of them
 * cover every member when 2N >= members). A split keeps its range's replica set, so these
 * are the replica sets every key ever has until a membership change.
 */
export function initialRangeTable(members: readonly NodeId[], replicationFactor: number): RangeTable {
  if (!Number.isInteger(replicationFactor) || replicationFactor < 1) {
    throw new Error(`replicationFactor must be a positive integer, got ${replicationFactor}`);
  }
  const sorted = sortedUnique(members);
  const m = sorted.length;
  if (m <= replicationFactor) return { ranges: [{ start: '', owners: sorted }], members: sorted, replicationFactor, version: 0, splits: 0 };
  const starts = foundingStarts(m, replicationFactor);
  const bounds = ['', ...foundingBoundaries(m)];
  const ranges = bounds.map((start, i) => ({
    start,
    owners: Array.from({ length: replicationFactor }, (_, j) => sorted[((starts[i] as number) + j) % m] as NodeId),
  }));
  return { ranges, members: sorted, replicationFactor, version: 0, splits: 0 };
}

/**
 * `parts - 1` increasing non-empty boundaries cutting BOUNDARY_ALPHABET (as the first
 * characters of a key, more characters when there are more parts than letters) evenly.
 */
export function foundingBoundaries(parts: number): string[] {
  const base = BOUNDARY_ALPHABET.length;
  let digits = 1;
  while (base ** digits < parts) digits++;
  const out: string[] = [];
  for (let i = 1; i < parts; i++) {
    let x = Math.floor((base ** digits * i) / parts);
    let s = '';
    for (let d = 0; d < digits; d++) {
      s = (BOUNDARY_ALPHABET[x % base] as string) + s;
      x = Math.floor(x / base);
    }
    out.push(s.replace(/0+$/, '') || '0');
  }
  return out;
}

/**
 * Where each founding range's run of N replicas starts, a permutation of 0..m-1 (so every
 * member leads once and holds N ranges): consecutive ranges start N apart, and when that
 * cycle closes early (N and m share a factor g) the next cycle starts one further on.
 */
function foundingStarts(m: number, n: number): number[] {
  const cycle = m / gcd(m, n);
  return Array.from({ length: m }, (_, i) => (i * n + Math.floor(i / cycle)) % m);
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** Index of the range holding `key` (binary search over the starts). */
export function rangeIndex(table: RangeTable, key: string): number {
  const { ranges } = table;
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if ((ranges[mid] as KeyRange).start <= key) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * The table with the range holding `at` cut at `at`. The same table (unchanged) when `at`
 * already starts a range: proposals of one split may arrive twice. The right half keeps
 * the parent's owners (no key changes replica set, so no data moves), rotated to start at
 * the one leading the fewest ranges (ties: the next after the parent's leaseholder), so
 * leases spread over the replicas. A pure function of the table: the same on every node.
 */
export function splitRange(table: RangeTable, at: string): RangeTable {
  if (typeof at !== 'string' || at === '') throw new Error(`a split point must be a non-empty string, got ${JSON.stringify(at)}`);
  const i = rangeIndex(table, at);
  const parent = table.ranges[i] as KeyRange;
  if (parent.start === at) return table;
  const leases = new Map<NodeId, number>();
  for (const r of table.ranges) if (r.owners[0] !== undefined) leases.set(r.owners[0], (leases.get(r.owners[0]) ?? 0) + 1);
  const p = parent.owners;
  let first = p.length > 1 ? 1 : 0;
  for (let k = 1; k <= p.length; k++) {
    const j = k % p.length;
    if ((leases.get(p[j] as NodeId) ?? 0) < (leases.get(p[first] as NodeId) ?? 0)) first = j;
  }
  const owners = [...p.slice(first), ...p.slice(0, first)];
  const ranges = [...table.ranges.slice(0, i + 1), { start: at, owners }, ...table.ranges.slice(i + 1)];
  return { ...table, ranges, version: table.version + 1, splits: table.splits + 1 };
}

/** Range replicas each member holds (members holding none appear with 0). */
export function rangeLoad(table: RangeTable): Map<NodeId, number> {
  const load = new Map<NodeId, number>(table.members.map((m) => [m, 0]));
  for (const r of table.ranges) for (const o of r.owners) load.set(o, (load.get(o) ?? 0) + 1);
  return load;
}

/**
 * The table after the members became `members`: whole ranges move, and only as far as
 * the change needs (see the file comment). Leaves first, then joins in id order.
 * Unchanged (the same table) when the member set is the same.
 */
export function reassignRanges(table: RangeTable, members: readonly NodeId[]): RangeTable {
  const next = sortedUnique(members);
  if (next.length === 0) throw new Error('a range table needs at least one member');
  if (next.length === table.members.length && next.every((m, i) => m === table.members[i])) return table;
  const ranges = table.ranges.map((r) => [...r.owners]);
  const load = new Map<NodeId, number>();
  const count = (m: NodeId): number => load.get(m) ?? 0;
  const leaving = table.members.filter((m) => !next.includes(m));
  const joining = next.filter((m) => !table.members.includes(m));
  let current = table.members.filter((m) => !leaving.includes(m));
  const recount = (): void => {
    load.clear();
    for (const m of current) load.set(m, 0);
    for (const owners of ranges) for (const o of owners) load.set(o, count(o) + 1);
  };
  const want = (): number => Math.min(table.replicationFactor, current.length);

  // Leaves: each of the leaver's range replicas goes to the least-loaded member not already there.
  for (const owners of ranges) {
    for (const gone of leaving) {
      const at = owners.indexOf(gone);
      if (at >= 0) owners.splice(at, 1);
    }
  }
  recount();
  fillShortRanges(ranges, current, want(), load);

  // Joins: the newcomer first fills ranges that have fewer than N replicas, then takes
  // ranges from the most-loaded members until it holds its fair share.
  for (const node of joining) {
    current = sortedUnique([...current, node]);
    recount();
    fillShortRanges(ranges, current, want(), load);
    const fair = Math.floor((ranges.length * want()) / current.length);
    while (count(node) < fair) {
      const donor = current
        .filter((m) => m !== node)
        .sort((a, b) => count(b) - count(a) || (a < b ? -1 : a > b ? 1 : 0))
        .find((m) => ranges.some((owners) => owners.includes(m) && !owners.includes(node)));
      if (donor === undefined || count(donor) <= count(node) + 1) break;
      const owners = ranges.find((o) => o.includes(donor) && !o.includes(node)) as NodeId[];
      owners[owners.indexOf(donor)] = node;
      load.set(donor, count(donor) - 1);
      load.set(node, count(node) + 1);
    }
  }
  return {
    ...table,
    members: next,
    ranges: table.ranges.map((r, i) => ({ start: r.start, owners: ranges[i] as NodeId[] })),
    version: table.version + 1,
  };
}

/** Gives every range with fewer than `want` owners the least-loaded members it lacks (ties by id). */
function fillShortRanges(ranges: NodeId[][], members: readonly NodeId[], want: number, load: Map<NodeId, number>): void {
  for (const owners of ranges) {
    while (owners.length < want) {
      const pick = members
        .filter((m) => !owners.includes(m))
        .sort((a, b) => (load.get(a) ?? 0) - (load.get(b) ?? 0) || (a < b ? -1 : a > b ? 1 : 0))[0];
      if (pick === undefined) break;
      owners.push(pick);
      load.set(pick, (load.get(pick) ?? 0) + 1);
    }
  }
}

/**
 * Where to split a range that holds `keys` (the keys its leaseholder stores in it), or
 * undefined when it holds no more than `threshold`. The median key, so both halves get
 * about half; never the range's own start (that would be no split).
 */
export function splitPointFor(rangeStart: string, keys: readonly string[], threshold: number): string | undefined {
  if (keys.length <= threshold) return undefined;
  const sorted = [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const median = sorted[Math.floor(sorted.length / 2)] as string;
  if (median !== rangeStart) return median;
  return sorted.find((k) => k > rangeStart);
}

/** A range as the panel and reports show it: its bounds and owners. */
export interface RangeView extends KeyRange {
  /** Exclusive upper bound; null for the last range (it runs to the end of the key space). */
  readonly end: string | null;
}

/** A RangeTable as a Placement. Immutable: a new table makes a new map. */
export class RangeMap implements Placement {
  constructor(readonly table: RangeTable) {
    if (table.ranges.length === 0 || (table.ranges[0] as KeyRange).start !== '') {
      throw new Error('a range table must start with a range at "" so that every key has one');
    }
  }

  nodes(): readonly { readonly id: NodeId; readonly weight: number }[] {
    return this.table.members.map((id) => ({ id, weight: 1 }));
  }

  rangeOf(key: string): RangeView {
    const i = rangeIndex(this.table, key);
    const r = this.table.ranges[i] as KeyRange;
    return { start: r.start, owners: r.owners, end: this.table.ranges[i + 1]?.start ?? null };
  }

  ranges(): RangeView[] {
    return this.table.ranges.map((r, i) => ({ start: r.start, owners: r.owners, end: this.table.ranges[i + 1]?.start ?? null }));
  }

  owner(key: string): NodeId {
    const owner = this.rangeOf(key).owners[0];
    if (owner === undefined) throw new Error(`no node owns key ${JSON.stringify(key)}: its range has no owners`);
    return owner;
  }

  preferenceList(key: string, n: number): NodeId[] {
    if (!Number.isInteger(n) || n < 0) throw new Error(`preference list length must be a non-negative integer, got ${n}`);
    const home = this.rangeOf(key).owners;
    const list = home.slice(0, n);
    // Stand-ins past the home replicas: the other members in id order, the same on every node.
    for (const m of this.table.members) {
      if (list.length >= n) break;
      if (!home.includes(m)) list.push(m);
    }
    return list;
  }
}

function sortedUnique(ids: readonly NodeId[]): NodeId[] {
  return [...new Set(ids)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
