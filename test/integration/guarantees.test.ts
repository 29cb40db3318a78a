/**
 * The guarantees of the issue on a 5-node cluster of real processes:
 *  - quorum-mode registers stay linearizable (no acknowledged write lost) under kill -9 of
 *    the leader and partitions of the leader and of a minority;
 *  - transactions (classic 2PC) stay serializable under kill -9 and restarts from disk;
 *  - the negative control: in async mode, a primary killed right after acknowledging a
 *    write loses it, and the register checker catches the lost write with evidence.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HashRing } from '../../core/algorithms/ring';
import { parseHistory } from '../../core/check/history';
import { checkRegister } from '../../core/check/register';
import { Cluster } from '../../core/supervisor/cluster';
import { NodeClient } from '../../core/supervisor/node-client';
import { LeaderTracker } from '../../core/supervisor/leader-tracker';
import { RegisterWorkload } from '../../core/supervisor/workload/register';
import { TxnWorkload } from '../../core/supervisor/workload/txn';
import { runWorkload } from '../../core/supervisor/workload/run-workload';
import { waitFor } from '../support/wait';
import { startTestCluster, stopTestCluster, type TestCluster } from '../support/test-cluster';

const shortPlan = { baselineMs: 1_500, tailMs: 3_000, faultMs: [1_500, 2_500] as [number, number], quietMs: [800, 1_500] as [number, number] };

describe('5 nodes, quorum mode, under faults', () => {
  let t: TestCluster | undefined;
  let cluster: Cluster;
  let tracker: LeaderTracker;
  beforeAll(async () => {
    t = await startTestCluster('guarantees', { nodes: 5, nodeArgs: ['--mode', 'quorum'] });
    ({ cluster, tracker } = t);
  }, 90_000);
  afterAll(() => stopTestCluster(t), 60_000);

  it('registers stay linearizable under kill -9 of the leader and partitions of the leader and a minority', async () => {
    const result = await runWorkload(cluster, {
      workload: new RegisterWorkload(),
      clients: 5,
      rate: 80,
      durationMs: 14_000,
      seed: 31,
      faults: ['kill-leader', 'kill', 'partition'],
      plan: { ...shortPlan, shapes: ['isolate-leader', 'halves', 'isolate'] },
      leader: () => tracker.leader(),
    });
    expect(result.verdict.valid).toBe(true);
    expect(result.counts.ok).toBeGreaterThan(50);
    expect(result.timeline.filter((e) => e.phase === 'fault').length).toBeGreaterThan(1);
    // Every killed node came back from its own disk.
    await waitFor('all nodes up', () => (cluster.views().every((v) => v.lifecycle === 'up') ? true : undefined), 20_000);
  }, 150_000);

  it('transactions stay serializable under kill -9 and restarts', async () => {
    const result = await runWorkload(cluster, {
      workload: new TxnWorkload(),
      clients: 4,
      rate: 60,
      durationMs: 12_000,
      seed: 32,
      faults: ['kill'],
      plan: shortPlan,
      leader: () => tracker.leader(),
    });
    expect(result.verdict.valid).toBe(true);
    expect(result.counts.ok).toBeGreaterThan(20);
  }, 150_000);
});

describe('5 nodes, async mode: the negative control', () => {
  let t: TestCluster | undefined;
  let cluster: Cluster;
  beforeAll(async () => {
    t = await startTestCluster('async', { nodes: 5, nodeArgs: ['--mode', 'async', '--async-copy-delay-ms', '2000'] });
    ({ cluster } = t);
  }, 90_000);
  afterAll(() => stopTestCluster(t), 60_000);

  it('a primary killed right after acknowledging loses the write, and the checker says so', async () => {
    const key = 'precious';
    // The key's first replica on the ring is the async primary (the nodes build the same ring).
    const ring = new HashRing();
    for (const id of cluster.ids) ring.add(id);
    const [primary] = ring.preferenceList(key, 3);
    const other = cluster.ids.find((id) => !ring.preferenceList(key, 3).includes(id))!;
    const port = (id: string): number => cluster.endpoints().find((e) => e.id === id)!.port;
    const lines: object[] = [];
    const t = (): number => Math.round(performance.now() * 1e6);

    const writer = await NodeClient.connect(`ws://127.0.0.1:${port(primary!)}/client`, cluster.token, 'writer');
    lines.push({ process: 0, type: 'invoke', f: 'write', key, value: 'v1', time: t() });
    const w = await writer.request({ type: 'kv', op: { f: 'write', key, value: 'v1' } }, 2_000);
    expect(w.ok).toBe(true);
    lines.push({ process: 0, type: 'ok', f: 'write', key, value: 'v1', time: t() });
    await cluster.kill(primary!); // before its background copies go out
    writer.close();

    const reader = await NodeClient.connect(`ws://127.0.0.1:${port(other)}/client`, cluster.token, 'reader');
    const read = await waitFor('a read answered by the surviving replicas', async () => {
      const at = t();
      const r = await reader.request({ type: 'kv', op: { f: 'read', key } }, 2_000);
      return r.ok ? { at, value: (r.result as { value: unknown }).value } : undefined;
    }, 20_000, 200);
    reader.close();
    lines.push({ process: 1, type: 'invoke', f: 'read', key, value: null, time: read.at });
    lines.push({ process: 1, type: 'ok', f: 'read', key, value: read.value, time: t() });

    expect(read.value).toBeNull(); // the acknowledged write is gone
    const verdict = checkRegister(parseHistory(lines.map((l) => JSON.stringify(l)).join('\n')));
    expect(verdict.valid).toBe(false);
    expect(JSON.stringify(verdict.evidence)).toContain('v1');
  }, 90_000);
});
