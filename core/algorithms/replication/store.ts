/**
 * A replica's durable state: the values it stores as a home replica, the hints it keeps
 * for suspected owners, and the member list. Every change is a ReplRecord, and the same
 * `apply` serves the live node and the restart, so what survives a crash is exactly what
 * was persisted.
 */
import type { NodeId } from '../common/types';
import { unreachable } from '../common/unreachable';
import type { RangeTable } from '../placement/range-map';
import type { ReplRecord, RingWeights, Version, Versioned } from './types';
import { compareStored, compareVersions } from './version';

export interface Hint extends Versioned {
  readonly key: string;
  readonly owner: NodeId;
}

export class ReplicaStore {
  private readonly values = new Map<string, Versioned>();
  private readonly issuedCounters = new Map<string, number>();
  /** owner -> key -> hint. One hint per (owner, key): a newer one replaces the older. */
  private readonly hintsByOwner = new Map<NodeId, Map<string, Hint>>();
  members: readonly NodeId[];
  /** The members' ring weights where not 1; set with the members. */
  weights: RingWeights;
  /** Range placement: the table last recorded (null: none yet, the node starts from the founding table). */
  ranges: RangeTable | null = null;
  /** Whether a 'members' record set them (else they come from the config on every start). */
  private membersRecorded = false;

  constructor(members: readonly NodeId[], weights: RingWeights = {}) {
    this.members = [...members];
    this.weights = { ...weights };
  }

  get(key: string): Versioned | null {
    return this.values.get(key) ?? null;
  }

  /** What this node can tell about `key`: its own copy or a hint it keeps, the newer. */
  lookup(key: string): Versioned | null {
    let best = this.get(key);
    for (const hints of this.hintsByOwner.values()) {
      const h = hints.get(key);
      if (h && compareStored(h, best) > 0) best = { version: h.version, value: h.value };
    }
    return best;
  }

  /** True when storing `version` for `key` would change what this replica holds. */
  isNewer(key: string, version: Version): boolean {
    const cur = this.values.get(key);
    return !cur || compareVersions(version, cur.version) > 0;
  }

  isNewerHint(owner: NodeId, key: string, version: Version): boolean {
    const cur = this.hintsByOwner.get(owner)?.get(key);
    return !cur || compareVersions(version, cur.version) > 0;
  }

  /** The highest counter this node issued for `key` as a coordinator (0: none). */
  issued(key: string): number {
    return this.issuedCounters.get(key) ?? 0;
  }

  keys(): string[] {
    return [...this.values.keys()];
  }

  hints(): Hint[] {
    const all: Hint[] = [];
    for (const hints of this.hintsByOwner.values()) all.push(...hints.values());
    return all;
  }

  /**
   * The fewest records that rebuild exactly this state through `apply` (log compaction):
   * the members, the stored value per key, the issued counter per key and every open hint.
   * Deleted values and delivered hints have no record; Map orders are kept.
   */
  records(): ReplRecord[] {
    const weighted = Object.keys(this.weights).length > 0;
    const out: ReplRecord[] = this.membersRecorded ? [{ type: 'members', members: [...this.members], ...(weighted ? { weights: { ...this.weights } } : {}) }] : [];
    if (this.ranges !== null) out.push({ type: 'ranges', table: this.ranges });
    for (const [key, v] of this.values) out.push({ type: 'stored', key, version: v.version, value: v.value });
    for (const [key, counter] of this.issuedCounters) out.push({ type: 'issued', key, counter });
    for (const hints of this.hintsByOwner.values()) {
      for (const h of hints.values()) out.push({ type: 'hint', key: h.key, owner: h.owner, version: h.version, value: h.value });
    }
    return out;
  }

  apply(rec: ReplRecord): void {
    switch (rec.type) {
      case 'stored':
        if (this.isNewer(rec.key, rec.version)) this.values.set(rec.key, { version: rec.version, value: rec.value });
        return;
      case 'issued':
        if (rec.counter > this.issued(rec.key)) this.issuedCounters.set(rec.key, rec.counter);
        return;
      case 'hint': {
        let hints = this.hintsByOwner.get(rec.owner);
        if (!hints) this.hintsByOwner.set(rec.owner, (hints = new Map()));
        if (this.isNewerHint(rec.owner, rec.key, rec.version)) {
          hints.set(rec.key, { key: rec.key, owner: rec.owner, version: rec.version, value: rec.value });
        }
        return;
      }
      case 'hint-delivered': {
        const hints = this.hintsByOwner.get(rec.owner);
        const h = hints?.get(rec.key);
        // Only the delivered version goes; a newer hint that arrived meanwhile stays.
        if (hints && h && compareVersions(h.version, rec.version) <= 0) hints.delete(rec.key);
        return;
      }
      case 'dropped':
        this.values.delete(rec.key);
        return;
      case 'members':
        this.members = [...rec.members];
        this.weights = { ...rec.weights };
        this.membersRecorded = true;
        return;
      case 'ranges':
        this.ranges = rec.table;
        return;
      default:
        return unreachable(rec, 'replication record');
    }
  }
}
