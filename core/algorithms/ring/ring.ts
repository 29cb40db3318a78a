import type { NodeId } from '../common/types';
import { RingError } from './errors';
import { stableHash } from './hash';

export interface HashRingOptions {
  /** Virtual nodes per unit of weight (a node of weight w gets round(w * this), at least 1). */
  vnodesPerWeight?: number;
}

export interface RingMember {
  readonly id: NodeId;
  readonly weight: number;
}

/** One virtual node: a point on the 32-bit ring owned by a physical node. */
export interface RingToken {
  readonly position: number;
  readonly node: NodeId;
}

export const DEFAULT_VNODES_PER_WEIGHT = 128;

/**
 * A consistent-hash ring with virtual nodes (Karger et al.; Dynamo's preference lists).
 *
 * Each physical node places its virtual nodes at stableHash(`${id}#${i}`), so a node's
 * tokens depend only on its own id and weight: membership changes move only the keys
 * whose nearest token changed, and any two processes with the same membership agree on
 * every key, whatever order they learned the members in.
 *
 * Lookups binary-search the sorted token positions: O(log V) for V virtual nodes. The
 * sorted table is rebuilt lazily on the first lookup after a membership change.
 */
export class HashRing {
  readonly vnodesPerWeight: number;
  private readonly members = new Map<NodeId, number>();
  // The sorted token table, or null when membership changed since it was built.
  private table: { positions: Uint32Array; owners: NodeId[] } | null = null;

  constructor(opts: HashRingOptions = {}) {
    const v = opts.vnodesPerWeight ?? DEFAULT_VNODES_PER_WEIGHT;
    if (!Number.isInteger(v) || v < 1) {
      throw new RingError('BAD_VNODES', `vnodesPerWeight must be a positive integer, got ${v}`);
    }
    this.vnodesPerWeight = v;
  }

  /** Adds a node, or changes the weight of one already present. */
  add(id: NodeId, weight = 1): void {
    if (!Number.isFinite(weight) || weight <= 0) {
      throw new RingError('BAD_WEIGHT', `weight of node ${JSON.stringify(id)} must be a positive finite number, got ${weight}`);
    }
    if (this.members.get(id) === weight) return;
    if (!this.members.has(id) && this.members.size >= RANK_LIMIT) {
      throw new RingError('TOO_MANY_NODES', `a ring holds at most ${RANK_LIMIT} nodes; cannot add ${JSON.stringify(id)}`);
    }
    this.members.set(id, weight);
    this.table = null;
  }

  /** Removes a node; removing an absent node does nothing (membership commands may replay). Returns whether it was present. */
  remove(id: NodeId): boolean {
    const had = this.members.delete(id);
    if (had) this.table = null;
    return had;
  }

  has(id: NodeId): boolean {
    return this.members.has(id);
  }

  /** The members, sorted by id. */
  nodes(): readonly RingMember[] {
    return [...this.members]
      .map(([id, weight]) => ({ id, weight }))
      .sort((a, b) => compareIds(a.id, b.id));
  }

  get size(): number {
    return this.members.size;
  }

  /** How many virtual nodes a member of this weight gets. */
  vnodeCount(weight: number): number {
    return Math.max(1, Math.round(weight * this.vnodesPerWeight));
  }

  /** Every virtual node in ring order (for drawing the ring in the panel). */
  tokens(): readonly RingToken[] {
    const { positions, owners } = this.built();
    return owners.map((node, i) => ({ position: positions[i] as number, node }));
  }

  /** The first physical node clockwise from the key's position. Throws EMPTY_RING on an empty ring. */
  owner(key: string): NodeId {
    const { owners } = this.built();
    if (owners.length === 0) throw new RingError('EMPTY_RING', `no node owns key ${JSON.stringify(key)}: the ring has no members`);
    return owners[this.firstTokenAtOrAfter(stableHash(key))] as NodeId;
  }

  /**
   * The first `n` distinct physical nodes clockwise from the key's position (the key's
   * replicas, owner first); fewer when the ring has fewer than `n` members.
   */
  preferenceList(key: string, n: number): NodeId[] {
    if (!Number.isInteger(n) || n < 0) {
      throw new RingError('BAD_REPLICA_COUNT', `preference list length must be a non-negative integer, got ${n}`);
    }
    const { owners } = this.built();
    const want = Math.min(n, this.members.size);
    const result: NodeId[] = [];
    if (want === 0) return result;
    const start = this.firstTokenAtOrAfter(stableHash(key));
    // Walks at most once around the ring; stops as soon as `want` distinct nodes are seen.
    for (let step = 0; step < owners.length && result.length < want; step++) {
      const node = owners[(start + step) % owners.length] as NodeId;
      if (!result.includes(node)) result.push(node);
    }
    return result;
  }

  clone(): HashRing {
    const copy = new HashRing({ vnodesPerWeight: this.vnodesPerWeight });
    for (const [id, weight] of this.members) copy.members.set(id, weight);
    // The table is never mutated after it is built, so sharing it is safe.
    copy.table = this.table;
    return copy;
  }

  /** Index of the first token at or clockwise after `position` (wrapping to 0). */
  private firstTokenAtOrAfter(position: number): number {
    const { positions } = this.built();
    let lo = 0;
    let hi = positions.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((positions[mid] as number) < position) lo = mid + 1;
      else hi = mid;
    }
    return lo === positions.length ? 0 : lo;
  }

  private built(): { positions: Uint32Array; owners: NodeId[] } {
    if (this.table !== null) return this.table;
    // Members in id order; each token is packed as position * 2^20 + member rank into one
    // exact double, so a numeric typed-array sort orders tokens by position and breaks the
    // (rare) ties between equal positions by node id: the table does not depend on the
    // order members were added. 2^32 * 2^20 = 2^52 stays below 2^53.
    const ids = [...this.members.keys()].sort(compareIds);
    let total = 0;
    for (const id of ids) total += this.vnodeCount(this.members.get(id) as number);
    const packed = new Float64Array(total);
    let n = 0;
    ids.forEach((id, rank) => {
      const count = this.vnodeCount(this.members.get(id) as number);
      for (let i = 0; i < count; i++) packed[n++] = stableHash(`${id}#${i}`) * RANK_LIMIT + rank;
    });
    packed.sort();
    const positions = new Uint32Array(total);
    const owners: NodeId[] = new Array<NodeId>(total);
    for (let i = 0; i < total; i++) {
      const token = packed[i] as number;
      const rank = token % RANK_LIMIT;
      positions[i] = (token - rank) / RANK_LIMIT;
      owners[i] = ids[rank] as NodeId;
    }
    this.table = { positions, owners };
    return this.table;
  }
}

const RANK_LIMIT = 2 ** 20;

function compareIds(a: NodeId, b: NodeId): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
