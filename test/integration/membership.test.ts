/**
 * Adding and removing a node on real processes: a 3-node cluster in quorum mode with keys
 * written; the join and the leave go through the Paxos log, every node rebalances its ring
 * replicas at the same log position, only keys whose preference list changed move, and
 * every key still reads back its last value.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HashRing } from '../../core/algorithms/ring';
import { Cluster } from '../../core/supervisor/cluster';
import { ClusterClient } from '../../core/supervisor/cluster-client';
import { ringStatusOf } from '../../core/supervisor/membership-ops';
import { Lab } from '../../core/supervisor/lab';
import { PanelApi } from '../../core/supervisor/panel-api';
import { waitFor } from '../support/wait';
import { startTestCluster, stopTestCluster, type TestCluster } from '../support/test-cluster';

const REPLICAS = 3;
const KEYS = Array.from({ length: 40 }, (_, i) => `key-${i}`);

let cluster: Cluster;
let t: TestCluster | undefined;
let client: ClusterClient;
/** Keys each node reported moving (repl `key-moved` events), since the last reset. */
let moved = new Set<string>();

const leader = (): string | undefined =>
  cluster.ids.find((id) => (cluster.view(id).status?.['paxos'] as { role?: string } | undefined)?.role === 'leader');

async function write(key: string, value: unknown): Promise<void> {
  await waitFor(`write ${key}`, async () => {
    const { reply } = await client.call({ type: 'kv', op: { f: 'write', key, value } });
    return reply.ok ? reply : undefined;
  }, 20_000, 100);
}

async function read(key: string): Promise<unknown> {
  const r = await waitFor(`read ${key}`, async () => {
    const { reply } = await client.call({ type: 'kv', op: { f: 'read', key } });
    return reply.ok ? reply : undefined;
  }, 20_000, 100);
  return (r.result as { value: unknown }).value;
}

function ringOf(members: readonly string[]): HashRing {
  const ring = new HashRing();
  for (const m of members) ring.add(m);
  return ring;
}

/** Keys whose replica set (preference list of REPLICAS) differs between the two member lists. */
function changedKeys(before: readonly string[], after: readonly string[], keys: readonly string[] = KEYS): string[] {
  const a = ringOf(before);
  const b = ringOf(after);
  const n = (m: readonly string[]): number => Math.min(REPLICAS, m.length);
  return keys.filter((k) => {
    const x = new Set(a.preferenceList(k, n(before)));
    const y = b.preferenceList(k, n(after));
    return y.length !== x.size || y.some((m) => !x.has(m));
  });
}

beforeAll(async () => {
  t = await startTestCluster('membership', { nodes: 3, nodeArgs: ['--mode', 'quorum'] });
  ({ cluster } = t);
  cluster.on('events', (_id, events) => {
    for (const e of events) {
      if (e.kind === 'repl.key-moved') moved.add((e.detail as { key: string }).key);
    }
  });
  client = new ClusterClient({ endpoints: () => cluster.endpoints(), token: cluster.token, client: 'membership-it', timeoutMs: 2_000 });
  await waitFor('a leader', leader, 20_000);
  for (const [i, key] of KEYS.entries()) {
    await write(key, `v0-${i}`);
    if (i % 2 === 0) await write(key, `v1-${i}`);
  }
}, 90_000);

afterAll(async () => {
  client?.close();
  await stopTestCluster(t);
});

const lastValue = (i: number): string => (i % 2 === 0 ? `v1-${i}` : `v0-${i}`);

describe('membership through the log on real processes', () => {
  it('adds a node: 4 ring members everywhere, only keys whose replicas changed move, every key reads back', async () => {
    moved = new Set();
    const added = await cluster.addNode();
    expect(added).toBe('n4');
    const members = ['n1', 'n2', 'n3', 'n4'];
    for (const id of cluster.ids) {
      const ring = ringStatusOf(cluster.view(id).status);
      expect(ring, `ring status of ${id}`).toBeDefined();
      expect(ring!.members.map((m) => m.id).sort()).toEqual(members);
      expect([...ring!.replMembers].sort()).toEqual(members);
      expect(ring!.pendingTransfers).toBe(0);
    }
    expect(ringStatusOf(cluster.view('n4').status)?.learner).toBe(true);
    // Events reach the supervisor in batches: wait for the flush after the move settled.
    const expected = changedKeys(['n1', 'n2', 'n3'], members);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(KEYS.length);
    await waitFor('key-moved events', () => (expected.every((k) => moved.has(k)) ? true : undefined), 5_000);
    expect([...moved].sort()).toEqual([...expected].sort());
    for (const [i, key] of KEYS.entries()) expect(await read(key)).toBe(lastValue(i));
    // The learner answers proposals with the leader it heard of, and the client follows it.
    await write('after-join', 'x');
    expect(await read('after-join')).toBe('x');
  }, 90_000);

  it('removes the added node: its keys move back, its process stops, every key reads back', async () => {
    moved = new Set();
    const pid = cluster.view('n4').pid!;
    const result = await cluster.removeNode('n4');
    expect(result).toEqual({ stopped: true });
    expect(cluster.ids).toEqual(['n1', 'n2', 'n3']);
    expect(() => process.kill(pid, 0)).toThrow();
    for (const id of cluster.ids) {
      const ring = ringStatusOf(cluster.view(id).status);
      expect([...ring!.replMembers].sort()).toEqual(['n1', 'n2', 'n3']);
    }
    const expected = changedKeys(['n1', 'n2', 'n3', 'n4'], ['n1', 'n2', 'n3'], [...KEYS, 'after-join']);
    await waitFor('key-moved events', () => (expected.every((k) => moved.has(k)) ? true : undefined), 5_000);
    expect([...moved].sort()).toEqual([...expected].sort());
    for (const [i, key] of KEYS.entries()) expect(await read(key)).toBe(lastValue(i));
    expect(await read('after-join')).toBe('x');
  }, 90_000);

  it('a founding member leaves the ring but keeps running (it is a Paxos acceptor), and re-joins', async () => {
    moved = new Set();
    expect(await cluster.removeNode('n3')).toEqual({ stopped: false });
    for (const id of cluster.ids) expect([...ringStatusOf(cluster.view(id).status)!.replMembers].sort()).toEqual(['n1', 'n2']);
    for (const [i, key] of KEYS.entries()) expect(await read(key)).toBe(lastValue(i));
    await write('while-two', 'y');
    const back = await client.call({ type: 'member', op: { type: 'join', node: 'n3' } });
    expect(back.reply.ok).toBe(true);
    await waitFor('n3 back in every ring', () =>
      cluster.ids.every((id) => {
        const ring = ringStatusOf(cluster.view(id).status);
        return ring !== undefined && ring.replMembers.length === 3 && ring.pendingTransfers === 0;
      }) ? true : undefined, 20_000);
    for (const [i, key] of KEYS.entries()) expect(await read(key)).toBe(lastValue(i));
    expect(await read('while-two')).toBe('y');
  }, 90_000);

  it('the panel commands add-node and remove-node do the same, and say so on the timeline', async () => {
    const lab = Lab.attach(cluster);
    const panel = new PanelApi(lab, { instructorToken: 'instructor-token', allowedOrigins: [] });
    try {
      // The reply carries the new node's id.
      expect(await panel.execute({ kind: 'add-node' })).toEqual({ node: 'n5' });
      expect(cluster.ids).toEqual(['n1', 'n2', 'n3', 'n5']); // ids are never reused
      // The ring detail shows the keys that moved, each to the new node.
      const ring = await waitFor('moved keys in the ring detail', () => {
        const r = panel.state().ring;
        return r?.moved && r.members.some((m) => m.id === 'n5') ? r : undefined;
      }, 10_000);
      expect(ring.moved!.keys.length).toBeGreaterThan(0);
      expect(ring.moved!.keys.every((k) => k.to === 'n5' && k.from !== 'n5')).toBe(true);
      expect(ring.vnodes.some((v) => v.node === 'n5')).toBe(true);
      for (const id of cluster.ids) expect(ringStatusOf(cluster.view(id).status)?.replMembers.length).toBe(4);
      expect(await panel.execute({ kind: 'remove-node', node: 'n5' })).toEqual({ node: 'n5', stopped: true });
      expect(cluster.ids).toEqual(['n1', 'n2', 'n3']);
      const texts = panel.state().timeline.filter((e) => e.kind === 'membership').map((e) => e.text);
      expect(texts).toEqual([
        'adding a node (join through the log)',
        'n5 joined the ring; keys rebalanced',
        'n5 leaving the ring (leave through the log)',
        'n5 left the ring; its keys moved and its process stopped',
      ]);
      for (const [i, key] of KEYS.entries()) expect(await read(key)).toBe(lastValue(i));
    } finally {
      panel.close();
      await lab.close();
    }
  }, 90_000);
});
