/**
 * Semi-synchronous replication on real processes (3 nodes, mode semi-sync, one key whose
 * primary is n1 and whose backups are n2, n3): a write acknowledged while a backup answers
 * survives the primary's death; cut off from its backups, the primary falls back (the node
 * reports semi-sync-off), still answers, and switches back (semi-sync-on) once a backup
 * caught up; and the known failure: a write it acknowledged alone is lost when it dies
 * before its copies got through.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HashRing } from '../../core/algorithms/ring';
import type { Link } from '../../core/algorithms/common/partitions';
import type { Cluster } from '../../core/supervisor/cluster';
import { ClusterClient } from '../../core/supervisor/cluster-client';
import { waitFor } from '../support/wait';
import { startTestCluster, stopTestCluster, type TestCluster } from '../support/test-cluster';

const NODES = ['n1', 'n2', 'n3'];
const KEY = ((): string => {
  const ring = new HashRing();
  for (const n of NODES) ring.add(n);
  for (let i = 0; ; i++) if (ring.preferenceList(`semi-${i}`, 3)[0] === 'n1') return `semi-${i}`;
})();
/** n1 cut off from both backups, both ways (the control links to the supervisor stay). */
const PRIMARY_CUT: Link[] = ['n2', 'n3'].flatMap((b) => [{ from: 'n1', to: b }, { from: b, to: 'n1' }]);

let t: TestCluster | undefined;
let cluster: Cluster;
const clients = new Map<string, ClusterClient>();
/** semi-sync-off / semi-sync-on events by node, in arrival order. */
const switches: { node: string; kind: string; detail: unknown }[] = [];

/** A client that talks to one node only, so that node coordinates. */
function via(id: string): ClusterClient {
  let c = clients.get(id);
  if (!c) {
    c = new ClusterClient({ endpoints: () => cluster.endpoints().filter((e) => e.id === id), token: cluster.token, client: `semi-sync-it-${id}`, timeoutMs: 3_000 });
    clients.set(id, c);
  }
  return c;
}

/** Writes through `at`; true when the reply says the primary acknowledged it alone (fallback). */
async function write(at: string, value: string): Promise<boolean> {
  const { reply } = await via(at).call({ type: 'kv', op: { f: 'write', key: KEY, value } });
  expect(reply.ok, `write ${value} via ${at}: ${JSON.stringify(reply)}`).toBe(true);
  return reply.ok && (reply.result as { alone?: unknown }).alone === true;
}

async function read(at: string): Promise<unknown> {
  const r = await waitFor(`read via ${at}`, async () => {
    const { reply } = await via(at).call({ type: 'kv', op: { f: 'read', key: KEY } });
    return reply.ok ? reply : undefined;
  }, 15_000, 100);
  return (r.result as { value: unknown }).value;
}

const switched = (kind: string, after: number): boolean => switches.slice(after).some((s) => s.node === 'n1' && s.kind === kind);

beforeAll(async () => {
  t = await startTestCluster('semi-sync', { nodes: 3, nodeArgs: ['--mode', 'semi-sync'] });
  ({ cluster } = t);
  cluster.on('events', (id, events) => {
    for (const e of events) if (e.kind === 'repl.semi-sync-off' || e.kind === 'repl.semi-sync-on') switches.push({ node: id, kind: e.kind, detail: e.detail });
  });
  await waitFor('a first write', async () => {
    const { reply } = await via('n1').call({ type: 'kv', op: { f: 'write', key: KEY, value: 'start' } });
    return reply.ok ? reply : undefined;
  }, 20_000, 200);
}, 60_000);

afterAll(async () => {
  for (const c of clients.values()) c.close();
  await stopTestCluster(t);
});

describe('semi-sync on real nodes', () => {
  it('a write acknowledged with a backup survives the primary dying: the backups serve it', async () => {
    const before = switches.length;
    expect(await write('n1', 'sync-1'), 'a backup confirmed it: not acknowledged alone').toBe(false);
    expect(switched('repl.semi-sync-off', before)).toBe(false);
    await cluster.kill('n1');
    expect(await read('n2')).toBe('sync-1');
    await cluster.restart('n1');
  }, 60_000);

  it('cut off from its backups the primary falls back and answers alone, then switches back once they caught up', async () => {
    const before = switches.length;
    cluster.cutLinks(PRIMARY_CUT);
    // The client is told: the workload counts these (the writes a failover can lose).
    expect(await write('n1', 'alone-1'), 'acknowledged alone after the fallback timeout').toBe(true);
    await waitFor('n1 reports semi-sync off', () => switched('repl.semi-sync-off', before) || undefined, 10_000);
    expect(switches.find((s, i) => i >= before && s.kind === 'repl.semi-sync-off')?.detail).toMatchObject({ key: KEY });
    cluster.heal();
    await waitFor('n1 reports semi-sync on', () => switched('repl.semi-sync-on', before) || undefined, 10_000);
    expect(await read('n3')).toBe('alone-1');
  }, 60_000);

  it('a write the primary acknowledged alone is lost when it dies before its copies got through', async () => {
    await write('n1', 'kept');
    const before = switches.length;
    cluster.cutLinks(PRIMARY_CUT);
    await write('n1', 'lost');
    // It was acknowledged alone: the cut held, and the primary switched off over it.
    await waitFor('n1 reports semi-sync off', () => switched('repl.semi-sync-off', before) || undefined, 10_000);
    await cluster.kill('n1');
    cluster.heal();
    expect(await read('n2')).toBe('kept');
    await cluster.restart('n1');
  }, 60_000);
});
