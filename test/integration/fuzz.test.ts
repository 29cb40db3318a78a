/**
 * Fuzzing every endpoint of a real running cluster (issue 7): a node's /client and /peer,
 * the supervisor's /node and the real panel API's /panel each get generated connections (fast-check, fixed
 * seed, bounded in runs and time): random bytes, bad UTF-8, binary, fragmented, unmasked,
 * bad opcodes, huge announced frames, JSON of wrong shapes, and valid-looking hellos with
 * wrong credentials, before and after a real hello. Meanwhile a client keeps writing.
 * Afterwards: no process died or restarted, the cluster serves, and every write that was
 * acknowledged, before and during the fuzzing, reads back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { randomSecret } from '../../core/node/credentials';
import { ClusterClient } from '../../core/supervisor/cluster-client';
import { Lab } from '../../core/supervisor/lab';
import { PanelApi } from '../../core/supervisor/panel-api';
import type { Cluster } from '../../core/supervisor/cluster';
import { waitFor } from '../support/wait';
import { startTestCluster, stopTestCluster, type TestCluster } from '../support/test-cluster';
import { exchange, frame, frameHeader, OPCODES, rawUpgrade } from '../support/raw-ws';

const SEED = 20261126;
const RUNS = 300;
const TIME_LIMIT_MS = 35_000;
const PANEL_TOKEN = 'fuzz-viewer-token';

let t: TestCluster | undefined;
let cluster: Cluster;
let client: ClusterClient;
let lab: Lab | undefined;
let panel: PanelApi | undefined;

beforeAll(async () => {
  t = await startTestCluster('fuzz', { nodes: 3, nodeArgs: ['--mode', 'paxos'] });
  cluster = t.cluster;
  // The real panel API on the supervisor's own server (a Lab around this cluster), with a
  // viewer token: the fuzz may say anything, but a viewer changes nothing.
  lab = Lab.attach(cluster);
  panel = new PanelApi(lab, { instructorToken: randomSecret(), viewerToken: PANEL_TOKEN, allowedOrigins: [] });
  client = new ClusterClient({ endpoints: () => cluster.endpoints(), token: cluster.token, client: 'fuzz-writer', timeoutMs: 2_000 });
});

afterAll(async () => {
  client?.close();
  panel?.close();
  await lab?.close();
  await stopTestCluster(t);
});

type Target = 'client' | 'peer' | 'node' | 'panel';

/** What a frame of the fuzz is made of, before it becomes bytes. */
const jsonText = fc.json({ maxDepth: 3 });
const wrongShape = fc
  .record({
    type: fc.constantFrom('hello', 'kv', 'lock', 'txn', 'status', 'register', 'events', 'challenge', 'welcome', 'msg', 'command', 'resync'),
    id: fc.oneof(fc.string({ maxLength: 80 }), fc.integer(), fc.constant(null)),
    token: fc.oneof(fc.string({ maxLength: 300 }), fc.constant(undefined)),
    node: fc.oneof(fc.constantFrom('n1', 'n2', 'n3', 'n9', ''), fc.string({ maxLength: 40 })),
    to: fc.constantFrom('n1', 'n2', 'n3'),
    version: fc.oneof(fc.constantFrom(1, 2), fc.integer()),
    nonce: fc.stringMatching(/^[0-9a-f]{32}$/),
    proof: fc.stringMatching(/^[0-9a-f]{64}$/),
    op: fc.anything({ maxDepth: 2 }),
    part: fc.constantFrom('paxos', 'repl', 'twopc', 'nope'),
    body: fc.anything({ maxDepth: 2 }),
  }, { requiredKeys: ['type'] })
  .map((o) => JSON.stringify(o));

const oneFrame: fc.Arbitrary<Buffer[]> = fc.oneof(
  jsonText.map((s) => [frame(OPCODES.text, s)]),
  wrongShape.map((s) => [frame(OPCODES.text, s)]),
  fc.string({ unit: 'binary', maxLength: 200 }).map((s) => [frame(OPCODES.text, s)]),
  fc.uint8Array({ maxLength: 300 }).map((b) => [frame(OPCODES.binary, Buffer.from(b))]),
  fc.uint8Array({ minLength: 1, maxLength: 64 }).map((b) => [frame(OPCODES.text, Buffer.concat([Buffer.from(b), Buffer.from([0xc3, 0x28])]))]),
  fc.uint8Array({ minLength: 1, maxLength: 200 }).map((b) => [Buffer.from(b)]), // not a frame at all
  wrongShape.map((s) => [frame(OPCODES.text, s, { mask: false })]),
  fc.tuple(fc.constantFrom(3, 4, 5, 6, 7, 11, 12, 13, 14, 15), fc.uint8Array({ maxLength: 20 })).map(([op, b]) => [frame(op, Buffer.from(b))]),
  fc.tuple(wrongShape, fc.integer({ min: 1, max: 30 })).map(([s, cut]) => {
    const at = Math.min(cut, Math.max(1, s.length - 1));
    return [frame(OPCODES.text, s.slice(0, at), { fin: false }), frame(OPCODES.continuation, s.slice(at))];
  }),
  fc.tuple(fc.integer({ min: 64 * 1024, max: 64 << 20 }), fc.integer({ min: 0, max: 256 * 1024 })).map(([announced, sent]) => [
    frameHeader(OPCODES.text, announced),
    Buffer.alloc(Math.min(sent, announced), 0x7b),
  ]),
  fc.integer({ min: 5 * 1024, max: 200 * 1024 }).map((n) => [frame(OPCODES.text, JSON.stringify({ type: 'hello', token: 'x'.repeat(n) }))]),
  fc.uint8Array({ maxLength: 125 }).map((b) => [frame(OPCODES.ping, Buffer.from(b))]),
  fc.tuple(fc.integer({ min: 0, max: 65535 }), fc.string({ maxLength: 100 })).map(([code, reason]) => {
    const p = Buffer.alloc(2);
    p.writeUInt16BE(code);
    return [frame(OPCODES.close, Buffer.concat([p, Buffer.from(reason)]))];
  }),
);

const attack = fc.record({
  target: fc.constantFrom<Target>('client', 'peer', 'node', 'panel'),
  node: fc.constantFrom('n1', 'n2', 'n3'),
  /** Whether to pass the endpoint's real credential first (where the fuzz may hold one). */
  authed: fc.boolean(),
  frames: fc.array(oneFrame, { minLength: 1, maxLength: 6 }),
  /** Sometimes a request target that is not the endpoint's path (or not a path at all). */
  oddPath: fc.option(fc.oneof(fc.constantFrom('//', '//[', 'http://[', '/node/../peer', '*', '/client?token=%'), fc.stringMatching(/^[!-~]{1,40}$/)), { freq: 8 }),
});

function envOf(pid: number, name: string): string {
  const entry = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').find((e) => e.startsWith(`${name}=`));
  if (entry === undefined) throw new Error(`process ${pid} has no ${name}`);
  return entry.slice(name.length + 1);
}

describe('fuzzing every endpoint of a running cluster', () => {
  it('no generated connection harms a process, and every acknowledged write reads back', async () => {
    const pids = new Map(cluster.views().map((v) => [v.id, v.pid!]));
    const n1Secret = envOf(pids.get('n1')!, 'FAULTLINE_NODE_SECRET');
    const acked = new Map<string, string>();
    let writes = 0;
    const writeOne = async (): Promise<void> => {
      const key = `fz-${writes}`;
      const value = `v${writes++}`;
      const { reply } = await client.call({ type: 'kv', op: { f: 'write', key, value } });
      if (reply.ok) acked.set(key, value);
    };
    await waitFor('a first write', async () => {
      await writeOne();
      return acked.size > 0 ? true : undefined;
    }, 20_000, 100);
    for (let i = 0; i < 20; i++) await writeOne();

    let fuzzing = true;
    const writer = (async () => {
      while (fuzzing) await writeOne();
    })();

    const outcomes = new Map<string, number>();
    try {
      await fc.assert(
        fc.asyncProperty(attack, async (a) => {
          const port = a.target === 'node' || a.target === 'panel' ? cluster.supervisorPort : cluster.view(a.node).port!;
          const path = a.oddPath ?? (a.target === 'panel' ? `/panel${a.authed ? `?token=${PANEL_TOKEN}` : '?token=guess'}` : `/${a.target}`);
          const headers: Record<string, string> =
            a.target === 'node'
              ? { authorization: `Bearer ${a.authed ? n1Secret : cluster.token}`, 'x-faultline-node': 'n1' }
              : {};
          const up = await rawUpgrade(port, path, { headers }).catch(() => undefined);
          const status = up?.status ?? 0;
          const first = a.target === 'client' && a.authed ? [frame(OPCODES.text, JSON.stringify({ type: 'hello', token: cluster.token, client: 'fuzz' }))] : [];
          if (up && status === 101) await exchange(up, [...first, ...a.frames.flat()], 120);
          else up?.socket.destroy();
          if (a.oddPath === null) outcomes.set(`${a.target}:${status}`, (outcomes.get(`${a.target}:${status}`) ?? 0) + 1);
          // The process behind the endpoint is still the same one.
          const pid = a.target === 'node' || a.target === 'panel' ? process.pid : pids.get(a.node)!;
          expect(() => process.kill(pid, 0)).not.toThrow();
        }),
        { seed: SEED, numRuns: RUNS, interruptAfterTimeLimit: TIME_LIMIT_MS, markInterruptAsFailure: false },
      );
    } finally {
      fuzzing = false;
      await writer;
    }
    // Every endpoint was reached past its upgrade (and /node and /panel also refused bad credentials).
    for (const target of ['client', 'peer', 'node', 'panel']) expect(outcomes.get(`${target}:101`) ?? 0).toBeGreaterThan(0);
    for (const target of ['node', 'panel']) expect(outcomes.get(`${target}:401`) ?? 0).toBeGreaterThan(0);

    // No node died or restarted, and each is registered with the supervisor.
    for (const v of cluster.views()) {
      expect(v.lifecycle).toBe('up');
      expect(v.pid).toBe(pids.get(v.id));
      expect(v.connected).toBe(true);
    }
    // The cluster serves, and every acknowledged write reads back.
    await writeOne();
    expect(acked.size).toBeGreaterThan(20);
    for (const [key, value] of acked) {
      const r = await waitFor(`read ${key}`, async () => {
        const { reply } = await client.call({ type: 'kv', op: { f: 'read', key } });
        return reply.ok ? reply : undefined;
      }, 20_000, 100);
      expect((r.result as { value: unknown }).value).toBe(value);
    }
  });
});
