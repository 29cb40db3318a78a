/**
 * Range placement and a join on real processes (issue 13, part 3): a 3-node quorum
 * cluster placing keys by range, with keys written until ranges split through the Paxos
 * log; then a fourth node joins. The join reassigns WHOLE ranges, only onto the newcomer:
 * exactly the keys of the ranges that gained it move, every node ends with the same
 * table, and every key reads back its value. The panel (attached before any key is
 * written) lists the ranges and puts each split it sees on the timeline.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeRangesStatus } from '../../core/protocol/panel';
import { Cluster } from '../../core/supervisor/cluster';
import { ClusterClient } from '../../core/supervisor/cluster-client';
import { Lab } from '../../core/supervisor/lab';
import { PanelApi } from '../../core/supervisor/panel-api';
import { waitFor } from '../support/wait';
import { startTestCluster, stopTestCluster, type TestCluster } from '../support/test-cluster';

const KEYS = Array.from({ length: 24 }, (_, i) => `key-${String(i).padStart(2, '0')}`);

let cluster: Cluster;
let t: TestCluster | undefined;
let client: ClusterClient;
let moved = new Set<string>();
let lab: Lab | undefined;
let panel: PanelApi | undefined;

const rangesOf = (id: string): NodeRangesStatus | undefined => (cluster.view(id).status?.['ring'] as { ranges?: NodeRangesStatus } | undefined)?.ranges;
const leader = (): string | undefined =>
  cluster.ids.find((id) => (cluster.view(id).status?.['paxos'] as { role?: string } | undefined)?.role === 'leader');

/** The owners of `key`'s range in `table`, as a sorted list. */
function ownersOf(table: NodeRangesStatus, key: string): string {
  let owners: readonly string[] = [];
  for (const r of table.ranges) if (r.start <= key) owners = r.owners;
  return [...owners].sort().join(',');
}

async function call(op: { f: 'read'; key: string } | { f: 'write'; key: string; value: unknown }): Promise<unknown> {
  const r = await waitFor(`${op.f} ${op.key}`, async () => {
    const { reply } = await client.call({ type: 'kv', op });
    return reply.ok ? reply : undefined;
  }, 20_000, 100);
  return (r.result as { value?: unknown }).value;
}

beforeAll(async () => {
  t = await startTestCluster('range-membership', { nodes: 3, nodeArgs: ['--mode', 'quorum', '--placement', 'range', '--split-keys', '4'] });
  ({ cluster } = t);
  cluster.on('events', (_id, events) => {
    for (const e of events) if (e.kind === 'repl.key-moved') moved.add((e.detail as { key: string }).key);
  });
  client = new ClusterClient({ endpoints: () => cluster.endpoints(), token: cluster.token, client: 'range-it', timeoutMs: 2_000 });
  await waitFor('a leader', leader, 20_000);
  lab = Lab.attach(cluster);
  panel = new PanelApi(lab, { instructorToken: 'instructor-token', allowedOrigins: [] });
  for (const key of KEYS) await call({ f: 'write', key, value: `v-${key}` });
}, 90_000);

afterAll(async () => {
  panel?.close();
  await lab?.close();
  client?.close();
  await stopTestCluster(t);
});

describe('range placement on real processes', () => {
  it('ranges split through the log as keys are written (at least 3 splits for 24 keys), the same table on every node', async () => {
    const settled = await waitFor('ranges split and agreed', () => {
      const tables = cluster.ids.map(rangesOf);
      const first = tables[0];
      if (!first || first.splits < 3) return undefined;
      return tables.every((x) => x?.version === first.version) ? first : undefined;
    }, 20_000, 100);
    expect(settled.ranges.length).toBe(settled.splits + 1);
    for (const r of settled.ranges) expect([...r.owners].sort()).toEqual(['n1', 'n2', 'n3']);
  }, 30_000);

  it('the panel lists the ranges with their owners and keys, and puts splits on the timeline', async () => {
    const ring = await waitFor('ranges in the panel', () => {
      const r = panel!.state().ring;
      return r?.ranges && r.ranges.splits >= 3 ? r : undefined;
    }, 10_000, 100);
    const ranges = ring.ranges!;
    expect(ranges.ranges[0]?.start).toBe('');
    expect(ranges.ranges.at(-1)?.end).toBeNull();
    expect(ranges.ranges.reduce((n, r) => n + r.keys, 0)).toBe(ring.keys.length);
    const lines = panel!.state().timeline.filter((e) => e.code === 'placement.split');
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.length).toBeLessThanOrEqual(ranges.splits);
    expect(lines[0]?.text).toMatch(/split at "key-\d\d"/);
  }, 30_000);

  it('a join moves whole ranges onto the newcomer only, and every key reads back', async () => {
    // Let any split still asked for land first, so the table before the join is the last one.
    await new Promise((r) => setTimeout(r, 1_500));
    const before = rangesOf('n1')!;
    moved = new Set();
    expect(await cluster.addNode()).toBe('n4');
    const after = await waitFor('every node has n4 in its table', () => {
      const tables = cluster.ids.map(rangesOf);
      const t0 = tables[0];
      return t0 && tables.every((x) => x?.version === t0.version) && t0.ranges.some((r) => r.owners.includes('n4')) ? t0 : undefined;
    }, 20_000, 100);
    // Same boundaries (a join splits nothing), and a range's owners change only by n4 coming in.
    expect(after.ranges.map((r) => r.start)).toEqual(before.ranges.map((r) => r.start));
    after.ranges.forEach((r, i) => {
      const was = before.ranges[i]!.owners;
      expect(r.owners.filter((o) => !was.includes(o)).every((o) => o === 'n4')).toBe(true);
    });
    const expected = KEYS.filter((k) => ownersOf(before, k) !== ownersOf(after, k));
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(KEYS.length);
    await waitFor('key-moved events', () => (expected.every((k) => moved.has(k)) ? true : undefined), 10_000);
    expect([...moved].sort()).toEqual(expected);
    for (const key of KEYS) expect(await call({ f: 'read', key })).toBe(`v-${key}`);
  }, 90_000);
});
