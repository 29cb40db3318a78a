/**
 * Balancing on real node processes (issue 13), bounded (3-4 nodes, a few seconds each):
 *  - `faultline run --policy weighted --weights n2=2`: the weight-2 node gets about twice
 *    the requests of each other node, and verdict.json carries load per node;
 *  - a cluster started with weights: every node's membership (the ring's placement) has
 *    them, and with one node slowed, least-outstanding sends it less than its 1/N;
 *  - a reweight through the log reaches every node, and every write acknowledged before
 *    it reads back after the keys moved; the panel's reweight command does the same and
 *    the ring detail shows the keys moving onto the heavier node.
 * Every cluster is stopped (the CLI in its own finally, the other in afterAll).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run as runCommand } from '../../core/cli/commands/run';
import type { NodeLoadSummary } from '../../core/supervisor/node-load';
import { RegisterWorkload } from '../../core/supervisor/workload/register';
import { runWorkload } from '../../core/supervisor/workload/run-workload';
import { withSlowNode } from '../../core/supervisor/workload/slow-node';
import { ringStatusOf } from '../../core/supervisor/membership-ops';
import { ClusterClient } from '../../core/supervisor/cluster-client';
import { HashRing } from '../../core/algorithms/ring';
import { Lab } from '../../core/supervisor/lab';
import { PanelApi } from '../../core/supervisor/panel-api';
import { panelCommandSchema, workloadSettingsSchema } from '../../core/protocol/panel';
import { waitFor } from '../support/wait';
import { startTestCluster, stopTestCluster, type TestCluster } from '../support/test-cluster';

describe('faultline run --policy weighted (CLI)', () => {
  let out: string;
  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'faultline-balance-it-'));
  });
  afterAll(async () => {
    await rm(out, { recursive: true, force: true });
  });

  it('sends the weight-2 node about twice the requests of each weight-1 node', async () => {
    const code = await runCommand(['--workload', 'register', '--policy', 'weighted', '--weights', 'n2=2', '--time', '4', '--nodes', '3', '--clients', '4', '--rate', '80', '--seed', '13', '--out', out]);
    expect(code).toBe(0);
    const verdict = JSON.parse(await readFile(join(out, 'verdict.json'), 'utf8')) as {
      load: { policy: string; perNode: Record<string, NodeLoadSummary>; weights: Record<string, number> };
    };
    expect(verdict.load.policy).toBe('weighted');
    expect(verdict.load.weights).toEqual({ n1: 1, n2: 2, n3: 1 });
    const { n1, n2, n3 } = verdict.load.perNode as Record<'n1' | 'n2' | 'n3', NodeLoadSummary>;
    // Smooth weighted round robin gives the ratio exactly whatever the count (the machine may be slow).
    expect(Math.min(n1.sent, n3.sent)).toBeGreaterThanOrEqual(10);
    for (const other of [n1, n3]) {
      expect(n2.sent / other.sent).toBeGreaterThan(1.7);
      expect(n2.sent / other.sent).toBeLessThan(2.3);
    }
    expect(n2.ok).toBeGreaterThan(0);
    expect(n2.p50Ms).not.toBeNull();
    const report = await readFile(join(out, 'report.txt'), 'utf8');
    expect(report).toContain('load per node (policy weighted');
    expect(report).toMatch(/\n {2}n2 +2 +\d+/);
  }, 120_000);
});

describe('a weighted cluster and a slow node (real cluster)', () => {
  let t: TestCluster | undefined;
  beforeAll(async () => {
    t = await startTestCluster('balance-it', { nodes: 4, nodeArgs: ['--mode', 'quorum'], weights: { n3: 3 } });
  }, 90_000);
  afterAll(() => stopTestCluster(t), 60_000);

  it('every node places keys with the weights it was started with', async () => {
    const { cluster } = t as TestCluster;
    expect(cluster.endpoints().map((e) => [e.id, e.weight])).toEqual([['n1', 1], ['n2', 1], ['n3', 3], ['n4', 1]]);
    const deadline = Date.now() + 20_000;
    let rings = cluster.ids.map((id) => ringStatusOf(cluster.view(id).status));
    while (rings.some((r) => r === undefined) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      rings = cluster.ids.map((id) => ringStatusOf(cluster.view(id).status));
    }
    for (const ring of rings) expect(ring?.members).toEqual([{ id: 'n1', weight: 1 }, { id: 'n2', weight: 1 }, { id: 'n3', weight: 3 }, { id: 'n4', weight: 1 }]);
  }, 60_000);

  it('least-outstanding sends a slowed node less than its 1/N of the requests, one at a time', async () => {
    const { cluster } = t as TestCluster;
    const result = await runWorkload(withSlowNode(cluster, { node: 'n2', delayMs: 800 }), {
      workload: new RegisterWorkload({ keyPrefix: 'lo-' }),
      clients: 4,
      rate: 80,
      durationMs: 5_000,
      seed: 17,
      faults: [],
      policy: 'least-outstanding',
    });
    cluster.heal();
    expect(result.verdict.valid).toBe(true);
    const sent = Object.values(result.load.perNode).reduce((s, l) => s + l.sent, 0);
    const n2 = result.load.perNode.n2?.sent ?? 0;
    expect(sent).toBeGreaterThanOrEqual(20);
    // Round robin sends n2 exactly a quarter. Every request n2 coordinates waits 800 ms or
    // more (until the replicas' 1 s timeout), and with 4 clients on 4 nodes, one request in
    // flight there makes n2 the busiest node whenever a client chooses: it gets at most
    // one at a time, so a handful in 5 s, however fast or slow the machine runs the others.
    expect(n2).toBeLessThanOrEqual(10);
    expect(n2 / sent).toBeLessThan(0.25);
  }, 90_000);

  it('a reweight reaches every node, and writes acknowledged before it read back after the move', async () => {
    const { cluster } = t as TestCluster;
    const client = new ClusterClient({ endpoints: () => cluster.endpoints(), token: cluster.token, client: 'reweight-it', policy: 'round-robin' });
    try {
      const keys = Array.from({ length: 40 }, (_, i) => `rw-${i}`);
      // The same placement the nodes compute (3 replicas of 4 nodes): some of these keys
      // change replica set with the reweight, so the read-back crosses a real move.
      const ringWith = (w1: number): HashRing => {
        const ring = new HashRing();
        for (const [id, w] of [['n1', w1], ['n2', 1], ['n3', 3], ['n4', 1]] as const) ring.add(id, w);
        return ring;
      };
      const moved = keys.filter((k) => ringWith(1).preferenceList(k, 3).sort().join() !== ringWith(4).preferenceList(k, 3).sort().join());
      expect(moved.length).toBeGreaterThan(0);
      for (const [i, key] of keys.entries()) {
        const { reply } = await client.call({ type: 'kv', op: { f: 'write', key, value: i } }, key);
        expect(reply.ok).toBe(true);
      }
      await cluster.reweight('n1', 4);
      expect(cluster.endpoints().find((e) => e.id === 'n1')?.weight).toBe(4);
      for (const id of cluster.ids) expect(ringStatusOf(cluster.view(id).status)?.members).toContainEqual({ id: 'n1', weight: 4 });
      for (const [i, key] of keys.entries()) {
        const { reply } = await client.call({ type: 'kv', op: { f: 'read', key } }, key);
        expect(reply.ok && (reply.result as { value?: unknown }).value).toBe(i);
      }
    } finally {
      client.close();
    }
  }, 90_000);

  it('the panel command reweight does the same, says so on the timeline, and the ring detail shows keys moving onto the heavier node', async () => {
    const { cluster } = t as TestCluster;
    const lab = Lab.attach(cluster);
    const panel = new PanelApi(lab, { instructorToken: 'instructor-token', allowedOrigins: [] });
    try {
      // The panel must have seen the ring before the change to tell which keys moved.
      await waitFor('the ring in the panel, n2 at weight 1', () => (panel.state().ring?.members.some((m) => m.id === 'n2' && m.weight === 1) ? true : undefined), 20_000);
      expect(await panel.execute({ kind: 'reweight', node: 'n2', weight: 3 })).toEqual({ node: 'n2' });
      const ring = await waitFor('n2 at weight 3 in the ring detail, with moved keys', () => {
        const r = panel.state().ring;
        return r?.moved && r.members.some((m) => m.id === 'n2' && m.weight === 3) ? r : undefined;
      }, 20_000);
      expect(ring.moved!.keys.length).toBeGreaterThan(0);
      // More weight only adds n2's virtual nodes: every key that moved moved onto n2.
      expect(ring.moved!.keys.every((k) => k.to === 'n2' && k.from !== 'n2')).toBe(true);
      expect(cluster.weightOf('n2')).toBe(3);
      const texts = panel.state().timeline.filter((e) => e.kind === 'membership').map((e) => e.text);
      expect(texts).toContain('n2 now weighs 3; keys rebalanced');
      // The log accepts weights in (0, 100]; the panel's schema refuses others before they get there.
      for (const weight of [0, -1, 101]) expect(panelCommandSchema.safeParse({ kind: 'reweight', node: 'n2', weight }).success).toBe(false);
      // A panel workload runs with the policy it was given, and its verdict carries load per node.
      lab.workload.start(workloadSettingsSchema.parse({ workload: 'register', rate: 40, clients: 4, durationS: 2, seed: 5, policy: 'round-robin' }));
      const state = await waitFor('the panel workload verdict', () => (lab.workload.state.phase === 'done' ? lab.workload.state : undefined), 30_000);
      expect(state.verdict?.load?.policy).toBe('round-robin');
      const sent = Object.values(state.verdict?.load?.perNode ?? {}).map((l) => l.sent);
      expect(sent.length).toBe(4);
      // Round robin over the run's shared balancer: the counts differ by one at most.
      expect(Math.max(...sent) - Math.min(...sent)).toBeLessThanOrEqual(1);
    } finally {
      panel.close();
      await lab.close();
    }
  }, 90_000);
});
