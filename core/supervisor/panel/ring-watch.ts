/**
 * The consistent-hash ring as the panel draws it: every virtual node's position, which
 * node owns which share of the ring and the requests it serves, the keys the workload touched placed on it, and, on
 * a membership change, which of those keys moved from which owner to which.
 */
import { HashRing, movedKeys, stableHash } from '../../algorithms/ring';
import type { NodeStatus, RingDetail } from '../../protocol/panel';

const MAX_KEYS = 256;
/** Shown when no workload has touched any key yet, so a membership change still shows movement. */
const SAMPLE_KEYS = Array.from({ length: 64 }, (_, i) => `k${i}`);

export class RingWatch {
  private ring: HashRing | undefined;
  private epoch = -1;
  private members = '';
  private moved: RingDetail['moved'] = null;
  private readonly keys = new Set<string>();
  private keysChanged = false;

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
    if (this.ring) {
      const keys = this.keyList();
      const moved = movedKeys(this.ring, next, keys);
      const before = this.ring;
      this.moved = { atMs: nowMs, fromEpoch: this.epoch, toEpoch: newest.epoch, keys: moved.keys.map((key) => ({ key, from: before.owner(key), to: next.owner(key) })) };
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
    let pendingTransfers = 0;
    for (const s of statuses.values()) pendingTransfers += s.ring.pendingTransfers;
    return {
      epoch: this.epoch,
      members: ring.nodes().map((m) => ({ id: m.id, weight: m.weight })),
      vnodes: tokens.map((t) => ({ position: t.position, node: t.node })),
      ownership,
      load: Object.fromEntries(ring.nodes().map((m) => [m.id, statuses.get(m.id)?.metrics?.requestsPerSec ?? 0])),
      keys: keys.map((key) => ({ key, position: stableHash(key), owner: ring.owner(key) })),
      moved: this.moved,
      pendingTransfers,
    };
  }

  clear(): void {
    this.ring = undefined;
    this.epoch = -1;
    this.members = '';
    this.moved = null;
    this.keys.clear();
  }
}
