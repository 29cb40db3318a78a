/**
 * Txn mode sharded on real node processes (5 nodes, time x10): the node coordinating a
 * transaction is killed after two shards prepared it, and stays down. Its shards do not
 * block: the in-doubt shard leaders ask the deciding shard's log, which holds one decision,
 * and both shards apply it (and release their locks) while the coordinator is still down.
 * How the moment is made: every message the coordinator sends is delayed 2 s, so its
 * commit proposal is still in its outbound queue when it is killed, right after both
 * shards voted yes (their votes are not delayed).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ShardMap } from '../../core/algorithms/twopc/shard-map';
import type { NodeTxnStatus } from '../../core/protocol/panel';
import { NodeClient } from '../../core/supervisor/node-client';
import { waitFor } from '../support/wait';
import { startTestCluster, stopTestCluster, type TestCluster } from '../support/test-cluster';

type Participation = NodeTxnStatus['participating'][number];
type ShardStatus = { shard: string; leader?: string };

describe('txn mode sharded: the coordinator killed after the shards prepared', () => {
  let t: TestCluster | undefined;
  afterEach(() => stopTestCluster(t), 60_000);

  it('does not block: both shards apply the deciding log\u2019s outcome while the coordinator is down', async () => {
    t = await startTestCluster('txn-kill-sharded', { nodes: 5, nodeArgs: ['--mode', 'quorum', '--txn-mode', 'sharded'], timeScale: 10 });
    const { cluster } = t;
    const txns = (id: string): (NodeTxnStatus & { shards?: ShardStatus[] }) | undefined => cluster.view(id).status?.['txns'] as (NodeTxnStatus & { shards?: ShardStatus[] }) | undefined;
    const leaderOf = (shard: string): string | undefined => {
      for (const id of cluster.ids) {
        const s = txns(id)?.shards?.find((x) => x.shard === shard);
        if (s?.leader === id) return id;
      }
      return undefined;
    };
    const map = new ShardMap(cluster.ids);
    // Two keys on two shards whose leaders are elected and are not the coordinator.
    const coordinator = cluster.ids[0]!;
    const [keyA, keyB, shardA, shardB] = await waitFor('two shards led by other nodes', () => {
      const picked: [string, string][] = [];
      for (let i = 0; i < 500 && picked.length < 2; i++) {
        const key = `ck${i}`;
        const shard = map.shardOf(key);
        const leader = leaderOf(shard);
        if (leader !== undefined && leader !== coordinator && !picked.some(([, s]) => s === shard)) picked.push([key, shard]);
      }
      return picked.length === 2 ? [picked[0]![0], picked[1]![0], picked[0]![1], picked[1]![1]] : undefined;
    }, 60_000, 200);
    const entry = (shard: string, txn?: string): Participation | undefined => {
      const leader = leaderOf(shard);
      return leader === undefined ? undefined : txns(leader)?.participating.find((p) => p.shard === shard && (txn === undefined || p.txn === txn));
    };

    for (const peer of cluster.ids.filter((id) => id !== coordinator)) cluster.setLinkFault(coordinator, peer, { delayMs: 2_000 });
    const port = cluster.endpoints().find((e) => e.id === coordinator)!.port;
    const client = await NodeClient.connect(`ws://127.0.0.1:${port}/client`, cluster.token, 'txn-kill-sharded');
    const reply = client.request({ type: 'txn', ops: [['append', keyA, 1], ['append', keyB, 2]] }, 60_000).catch(() => undefined);

    const txn = await waitFor('both shards prepared', () => {
      const pa = entry(shardA);
      const pb = entry(shardB);
      return pa?.state === 'prepared' && pb?.state === 'prepared' && pa.txn === pb.txn ? pa.txn : undefined;
    }, 40_000, 50);
    await new Promise((r) => setTimeout(r, 300));
    await cluster.kill(coordinator);
    client.close();
    await reply;
    cluster.heal();

    const outcomes = await waitFor('both shards finished without the coordinator', () => {
      const sa = entry(shardA, txn)?.state;
      const sb = entry(shardB, txn)?.state;
      return (sa === 'committed' || sa === 'aborted') && (sb === 'committed' || sb === 'aborted') ? [sa, sb] : undefined;
    }, 40_000, 100);
    expect(cluster.view(coordinator).lifecycle).not.toBe('up');
    expect(outcomes[0]).toBe(outcomes[1]);
    for (const shard of [shardA, shardB]) expect(txns(leaderOf(shard)!)?.locks[shard === shardA ? keyA : keyB]).toBeUndefined();
  }, 180_000);
});
