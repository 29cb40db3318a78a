/**
 * The consistent-hash ring as the panel draws it: every virtual node's position, which
 * node owns which share of the ring and the requests it serves, the keys the workload touched placed on it, and, on
 * a membership change, which of those keys moved from which owner to which.
 *
 * Under range placement (nodes run `--placement range`) it also follows the newest range
 * table any node reports: each range's bounds and owners, the workload keys in it, and
 * every split as it appears (takeSplits: one timeline line each). Keys are then owned by
 * their range's leaseholder, and a membership change's moved keys are the ranges' keys.
 */
import { RangeMap, type Placement, type RangeTable } from '../../algorithms/placement';
import { HashRing, stableHash } from '../../algorithms/ring';
import type { NodeRangesStatus, NodeStatus, RangeDetail, RingDetail } from '../../protocol/panel';

const MAX_KEYS = 256;
/** Shown when no workload has touched any key yet, so a membership change still shows movement. */
const SAMPLE_KEYS = Array.from({ length: 64 }, (_, i) => `k${i}`);
const SPLIT_LOG = 50;

export interface SplitSeen {
  readonly atMs: number;
  readonly at: string;
  readonly range: string;
  readonly owners: readonly string[];
}

export class RingWatch {
  private ring: HashRing | undefined;
  private epoch = -1;
  private members = '';
  private moved: RingDetail['moved'] = null;
  private readonly keys = new Set<string>();
  private keysChanged = false;
  /** Range placement: the newest table reported, the splits seen, and those not yet taken for the timeline. */
  private ranges: RangeTable | undefined;
  private splitLog: SplitSeen[] = [];
  private newSplits: SplitSeen[] = [];

  /** Splits that appeared since the last call (the panel records one timeline line each). */
  takeSplits(): SplitSeen[] {
    const out = this.newSplits;
    this.newSplits = [];
    return out;
  }

  /** Where keys live for the panel: the range table when nodes place by range, else the ring. */
  private placement(): Placement | undefined {
    return this.ranges ? new RangeMap(this.ranges) : this.ring;
  }

  /** Follows the newest range table any node reports; true when it changed. */
  private updateRanges(statuses: ReadonlyMap<string, NodeStatus>, nowMs: number): boolean {
    let newest: NodeRangesStatus | undefined;
    for (const s of statuses.values()) {
      const r = s.ring.ranges;
      if (r && (!newest || r.version > newest.version)) newest = r;
    }
    if (!newest || (this.ranges && newest.version <= this.ranges.version)) return false;
    const members = [...new Set(newest.ranges.flatMap((r) => r.owners))].sort();
    const next: RangeTable = { ranges: newest.ranges, members, replicationFactor: newest.ranges[0]?.owners.length ?? 1, version: newest.version, splits: newest.splits };
    const had = new Set(this.ranges?.ranges.map((r) => r.start) ?? ['']);
    next.ranges.forEach((r, i) => {
      if (i === 0 || had.has(r.start)) return;
      const split = { atMs: nowMs, at: r.start, range: next.ranges[i - 1]?.start ?? '', owners: [...r.owners] };
      if (this.ranges) this.newSplits.push(split); // the first table seen is history, not news
      this.splitLog.push(split);
    });
    this.splitLog = this.splitLog.slice(-SPLIT_LOG);
    this.ranges = next;
    return true;
  }

  /** Keys a workload touched (the first MAX_KEYS are kept). */
  noteKeys(keys: Iterable<string>): void {
    for (const k of keys) {
      if (this.keys.size >= MAX_KEYS) return;
      if (!this.keys.has(k)) {
        this.keys.add(k);
        this.keysChanged = true;
      }
    }
  }

  private keyList(): string[] {
    return this.keys.size > 0 ? [...this.keys] : SAMPLE_KEYS;
  }

  /**
   * Follows the most advanced ring any node up reports. Returns true when the detail
   * changed (a new epoch or weights, or new keys).
   */
  update(statuses: ReadonlyMap<string, NodeStatus>, nowMs: number): boolean {
    const before = this.placement();
    const rangesChanged = this.updateRanges(statuses, nowMs);
    return this.updateRing(statuses, nowMs, before) || rangesChanged;
  }

  /** `before`: where keys lived before this update (moved keys are those whose owner changed). */
  private updateRing(statuses: ReadonlyMap<string, NodeStatus>, nowMs: number, before: Placement | undefined): boolean {
    let newest: NodeStatus['ring'] | undefined;
    for (const s of statuses.values()) if (!newest || s.ring.epoch > newest.epoch) newest = s.ring;
    if (!newest || newest.members.length === 0) return false;
    const members = JSON.stringify(newest.members);
    if (newest.epoch === this.epoch && members === this.members) {
      const changed = this.keysChanged;
      this.keysChanged = false;
      return changed;
    }
    const next = new HashRing();
    for (const m of newest.members) next.add(m.id, m.weight);
    if (this.ring && before) {
      const after = this.ranges ? new RangeMap(this.ranges) : next;
      const moved = this.keyList().filter((key) => before.owner(key) !== after.owner(key));
      this.moved = { atMs: nowMs, fromEpoch: this.epoch, toEpoch: newest.epoch, keys: moved.map((key) => ({ key, from: before.owner(key), to: after.owner(key) })) };
    }
    this.ring = next;
    this.epoch = newest.epoch;
    this.members = members;
    this.keysChanged = false;
    return true;
  }

  detail(statuses: ReadonlyMap<string, NodeStatus>): RingDetail | null {
    const ring = this.ring;
    if (!ring) return null;
    const tokens = ring.tokens();
    const ownership: Record<string, number> = {};
    for (const m of ring.nodes()) ownership[m.id] = 0;
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i]!;
      const prev = i === 0 ? (tokens.at(-1)!.position - 2 ** 32) : tokens[i - 1]!.position;
      ownership[t.node] = (ownership[t.node] ?? 0) + (t.position - prev) / 2 ** 32;
    }
    const keys = this.keyList();
    const placed = this.placement() ?? ring;
    let pendingTransfers = 0;
    for (const s of statuses.values()) pendingTransfers += s.ring.pendingTransfers;
    return {
      epoch: this.epoch,
      members: ring.nodes().map((m) => ({ id: m.id, weight: m.weight })),
      vnodes: tokens.map((t) => ({ position: t.position, node: t.node })),
      ownership,
      load: Object.fromEntries(ring.nodes().map((m) => [m.id, statuses.get(m.id)?.metrics?.requestsPerSec ?? 0])),
      keys: keys.map((key) => ({ key, position: stableHash(key), owner: placed.owner(key) })),
      moved: this.moved,
      pendingTransfers,
      ...(this.ranges ? { ranges: this.rangeDetail(this.ranges, keys) } : {}),
    };
  }

  private rangeDetail(table: RangeTable, keys: readonly string[]): RangeDetail {
    const map = new RangeMap(table);
    const counts = new Map<string, number>();
    for (const k of keys) {
      const start = map.rangeOf(k).start;
      counts.set(start, (counts.get(start) ?? 0) + 1);
    }
    return {
      version: table.version,
      splits: table.splits,
      ranges: map.ranges().map((r) => ({ start: r.start, end: r.end, owners: r.owners, keys: counts.get(r.start) ?? 0 })),
      splitLog: this.splitLog,
    };
  }

  clear(): void {
    this.ring = undefined;
    this.epoch = -1;
    this.members = '';
    this.moved = null;
    this.keys.clear();
    this.ranges = undefined;
    this.splitLog = [];
    this.newSplits = [];
  }
}
