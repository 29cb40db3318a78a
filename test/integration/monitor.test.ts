/**
 * The monitor on real processes: CPU, memory and the bytes of each node's data folder
 * (its durable log), which grow as writes are made durable and stay known while it is down.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClusterClient } from '../../core/supervisor/cluster-client';
import { diskUsage } from '../../core/supervisor/disk-usage';
import { Monitor } from '../../core/supervisor/monitor';
import type { NodeMetrics } from '../../core/protocol/panel';
import { waitFor } from '../support/wait';
import { startTestCluster, stopTestCluster, type TestCluster } from '../support/test-cluster';

let t: TestCluster | undefined;

beforeAll(async () => {
  t = await startTestCluster('monitor', { nodes: 3, nodeArgs: ['--mode', 'paxos'] });
});

afterAll(async () => {
  await stopTestCluster(t);
});

describe('diskUsage', () => {
  it('adds up every file under a folder, nested ones too, and says 0 for a missing folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'faultline-du-'));
    try {
      await writeFile(join(dir, 'log'), Buffer.alloc(1000));
      await mkdir(join(dir, 'snap'));
      await writeFile(join(dir, 'snap', 's1'), Buffer.alloc(234));
      expect(await diskUsage(dir)).toBe(1234);
      expect(await diskUsage(join(dir, 'nope'))).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('Monitor', () => {
  it('reports the bytes of each node data folder beside CPU and memory; they grow with writes and stay known while a node is down', async () => {
    const { cluster } = t!;
    const seen = new Map<string, NodeMetrics>();
    const monitor = new Monitor(cluster, (id, m) => seen.set(id, m));
    const client = new ClusterClient({ endpoints: () => cluster.endpoints(), token: cluster.token, client: 'monitor-test' });
    try {
      await monitor.sample();
      for (const id of cluster.ids) {
        const m = seen.get(id)!;
        expect(m.rssBytes).toBeGreaterThan(0);
        // Measured (a fresh node's log may still be empty); growth is checked below.
        expect(typeof m.diskBytes).toBe('number');
      }
      const before = seen.get('n1')!.diskBytes!;
      for (let i = 0; i < 40; i++) {
        const r = await waitFor(`write ${i}`, async () => {
          const { reply } = await client.call({ type: 'kv', op: { f: 'write', key: `k${i}`, value: 'x'.repeat(200) } });
          return reply.ok ? reply : undefined;
        }, 20_000, 100);
        expect(r.ok).toBe(true);
      }
      await waitFor('n1 data grows', async () => {
        await monitor.sample();
        return seen.get('n1')!.diskBytes! > before + 40 * 200 ? true : undefined;
      }, 15_000, 200);
      await cluster.kill('n3');
      await monitor.sample();
      expect(seen.get('n3')!.diskBytes).toBe(await diskUsage(cluster.dataDirOf('n3')));
      expect(seen.get('n3')!.diskBytes).toBeGreaterThan(0);
      await cluster.restart('n3');
    } finally {
      client.close();
      monitor.stop();
    }
  });
});
