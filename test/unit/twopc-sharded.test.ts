/**
 * ShardedTxnNode driven step by step (three nodes, every message delivered at once, in
 * order): transactions commit across shards, every replica of a shard applies the same
 * data, a restart rebuilds the shards from the groups' records alone, and node-level
 * compaction (durableSnapshot) rebuilds the same state from fewer records.
 */
import { describe, expect, it } from 'vitest';
import type { Tagged } from '../../core/algorithms/common/compose';
import { ShardedTxnNode, type ShardedMsg, type TwoPcReply } from '../../core/algorithms/twopc';

const IDS = ['n1', 'n2', 'n3'];
const TIMING = { decideTimeoutMs: 1_000, retryMs: 100, inDoubtAfterMs: 300, workingTimeoutMs: 2_000 };
const config = (id: string) => ({ twopc: { id, ...TIMING }, members: IDS, seed: 7 });

class Net {
  readonly nodes = new Map<string, ShardedTxnNode>();
  readonly disks = new Map<string, Tagged[]>();
  readonly replies: TwoPcReply[] = [];
  nowMs = 0;
  private queue: { from: string; to: string; msg: ShardedMsg }[] = [];

  constructor() {
    for (const id of IDS) {
      this.nodes.set(id, new ShardedTxnNode(config(id)));
      this.disks.set(id, []);
    }
  }

  private take(id: string, r: ReturnType<ShardedTxnNode['step']>): void {
    this.disks.get(id)!.push(...r.persist);
    for (const e of r.send) this.queue.push({ from: id, to: e.to, msg: e.msg });
    this.replies.push(...r.replies);
  }

  private pump(): void {
    for (let n = 0; this.queue.length > 0; n++) {
      if (n > 100_000) throw new Error('message storm');
      const { from, to, msg } = this.queue.shift()!;
      const node = this.nodes.get(to);
      if (node) this.take(to, node.step({ kind: 'message', from, msg, nowMs: this.nowMs }));
    }
  }

  run(ms: number): void {
    for (const end = this.nowMs + ms; this.nowMs < end; ) {
      this.nowMs += 10;
      for (const [id, node] of this.nodes) this.take(id, node.step({ kind: 'tick', nowMs: this.nowMs }));
      this.pump();
    }
  }

  txn(at: string, id: string, ops: [string, string, unknown][]): void {
    this.take(at, this.nodes.get(at)!.step({ kind: 'request', request: { kind: 'txn', id, ops: ops as never }, nowMs: this.nowMs }));
    this.pump();
  }
}

/** Every shard's data as one node's replicas applied it. */
function dataOf(node: ShardedTxnNode, keys: readonly string[]): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const k of keys) {
    const s = node.shard(node.map.shardOf(k));
    if (s) out[k] = [...s.data(k)];
  }
  return out;
}

describe('ShardedTxnNode, step by step', () => {
  const keys = Array.from({ length: 12 }, (_, i) => `k${i}`);

  it('commits across shards; replicas agree; a restart and a compaction rebuild the same shards', () => {
    const net = new Net();
    net.run(2_000); // every group elects a leader
    for (let i = 0; i < 30; i++) {
      net.txn(IDS[i % 3]!, `t${i}`, [['append', keys[i % 12]!, i], ['append', keys[(i * 5 + 1) % 12]!, i], ['r', keys[(i + 3) % 12]!, null]]);
      net.run(200);
    }
    net.run(1_000);
    const ok = net.replies.filter((r) => r.ok).length;
    expect(ok).toBeGreaterThan(20);
    // With 3 nodes every node replicates every shard: all must hold the same data.
    const want = dataOf(net.nodes.get('n1')!, keys);
    expect(Object.values(want).flat().length).toBeGreaterThan(0);
    for (const id of IDS) expect(dataOf(net.nodes.get(id)!, keys)).toEqual(want);

    // A restart: the groups' records alone rebuild every shard (re-applied on the first step).
    const restarted = new ShardedTxnNode(config('n2'), net.disks.get('n2')!);
    restarted.step({ kind: 'tick', nowMs: net.nowMs + 10 });
    expect(dataOf(restarted, keys)).toEqual(want);

    // Compaction: fewer records, the same shards.
    const compacted = net.nodes.get('n2')!.durableSnapshot();
    expect(compacted).toBeDefined();
    expect(compacted!.length).toBeLessThan(net.disks.get('n2')!.length);
    const fromSnapshot = new ShardedTxnNode(config('n2'), compacted!);
    fromSnapshot.step({ kind: 'tick', nowMs: net.nowMs + 10 });
    expect(dataOf(fromSnapshot, keys)).toEqual(want);
    for (const [shard] of fromSnapshot.groups.entries()) {
      expect(fromSnapshot.shard(shard)!.outcomeEntries()).toEqual(net.nodes.get('n2')!.shard(shard)!.outcomeEntries());
      expect(fromSnapshot.shard(shard)!.decisionEntries()).toEqual(net.nodes.get('n2')!.shard(shard)!.decisionEntries());
    }
  });
});
