/**
 * The key space of the `sharded` transaction mode: S shards (by hash of the key), each
 * replicated by its own Paxos group of up to 3 nodes placed by the consistent-hash ring
 * (the preference list of the shard's name), so every node hosts several groups and a
 * node's death costs each of its groups one replica, not the group. The same members give
 * the same map on every node.
 */
import type { NodeId } from '../common/types';
import { HashRing, stableHash } from '../ring';

export type ShardId = string;

/** Replicas per shard group: a majority (2 of 3) survives any single node. */
export const SHARD_REPLICAS = 3;
/** Shards per node: enough that every node leads some and hosts several groups. */
export const SHARDS_PER_NODE = 2;

export class ShardMap {
  readonly shards: readonly ShardId[];
  private readonly groups: ReadonlyMap<ShardId, readonly NodeId[]>;

  constructor(members: readonly NodeId[], shardCount = SHARDS_PER_NODE * members.length, replicas = SHARD_REPLICAS) {
    if (members.length === 0) throw new Error('a shard map needs at least one member');
    if (!Number.isInteger(shardCount) || shardCount < 1) throw new Error(`shard count must be an integer >= 1, got ${shardCount}`);
    const ring = new HashRing();
    for (const m of members) ring.add(m);
    this.shards = Array.from({ length: shardCount }, (_, i) => `s${i}`);
    this.groups = new Map(this.shards.map((s) => [s, ring.preferenceList(`shard:${s}`, replicas)]));
  }

  shardOf(key: string): ShardId {
    return this.shards[stableHash(key) % this.shards.length]!;
  }

  /** The nodes replicating `shard` (ring order: the first is the usual first leader guess). */
  members(shard: ShardId): readonly NodeId[] {
    const g = this.groups.get(shard);
    if (!g) throw new Error(`unknown shard "${shard}" (shards: s0..s${this.shards.length - 1})`);
    return g;
  }

  /** The shards whose group `node` is a member of. */
  shardsOf(node: NodeId): ShardId[] {
    return this.shards.filter((s) => this.groups.get(s)!.includes(node));
  }
}
