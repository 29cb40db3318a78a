/**
 * The real cluster on real processes: leader failover under kill -9, restart from disk,
 * a torn log tail repaired on restart, and bad input refused without harm.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import WebSocket from 'ws';
import { Cluster } from '../../core/supervisor/cluster';
import { ClusterClient } from '../../core/supervisor/cluster-client';
import { waitFor } from '../support/wait';
import { startTestCluster, stopTestCluster, type TestCluster } from '../support/test-cluster';

let cluster: Cluster;
let t: TestCluster | undefined;
let dataDir: string;
let client: ClusterClient;

type PaxosView = { role?: string; chosenUpTo?: number };
const paxosOf = (id: string): PaxosView => (cluster.view(id).status?.['paxos'] ?? {}) as PaxosView;
const leader = (): string | undefined => cluster.ids.find((id) => cluster.view(id).lifecycle === 'up' && paxosOf(id).role === 'leader');

async function write(key: string, value: unknown): Promise<void> {
  const r = await waitFor(`write ${key}=${JSON.stringify(value)}`, async () => {
    const { reply } = await client.call({ type: 'kv', op: { f: 'write', key, value } });
    return reply.ok ? reply : undefined;
  }, 20_000, 100);
  expect(r.ok).toBe(true);
}

async function read(key: string): Promise<unknown> {
  const r = await waitFor(`read ${key}`, async () => {
    const { reply } = await client.call({ type: 'kv', op: { f: 'read', key } });
    return reply.ok ? reply : undefined;
  }, 20_000, 100);
  return (r.result as { value: unknown }).value;
}

/** Opens a raw client socket to a node and returns what it answers to `frames`. */
async function rawExchange(port: number, frames: (string | Buffer)[], opts: { origin?: string } = {}): Promise<{ replies: unknown[]; closeCode: number | undefined; closeReason?: string; httpStatus: number | undefined }> {
  return new Promise((resolve) => {
    const replies: unknown[] = [];
    let closeCode: number | undefined;
    let closeReason: string | undefined;
    const ws = new WebSocket(`ws://127.0.0.1:${port}/client`, opts.origin ? { origin: opts.origin } : {});
    const finish = (httpStatus?: number): void => resolve({ replies, closeCode, httpStatus, ...(closeReason === undefined ? {} : { closeReason }) });
    ws.on('unexpected-response', (_req, res) => finish(res.statusCode));
    ws.on('error', () => {});
    ws.on('open', () => {
      for (const f of frames) ws.send(f);
      setTimeout(() => { ws.close(); }, 500);
    });
    ws.on('message', (d) => replies.push(JSON.parse(d.toString())));
    ws.on('close', (code, reason) => { closeCode = code; closeReason = reason.toString(); finish(); });
  });
}

beforeAll(async () => {
  t = await startTestCluster('it', { nodes: 3, nodeArgs: ['--mode', 'paxos'] });
  ({ cluster, dataDir } = t);
  client = new ClusterClient({ endpoints: () => cluster.endpoints(), token: cluster.token, client: 'it', timeoutMs: 1_500 });
  await waitFor('a leader', leader, 20_000);
}, 60_000);

afterAll(async () => {
  client?.close();
  await stopTestCluster(t);
});

describe('a 3-node cluster on real processes', () => {
  it('replicates writes and survives kill -9 of the leader', async () => {
    await write('k', 'before');
    const old = leader()!;
    await cluster.kill(old);
    await write('k', 'after');
    const next = await waitFor('a new leader', () => { const l = leader(); return l !== old ? l : undefined; });
    expect(next).not.toBe(old);
    expect(await read('k')).toBe('after');
    // The killed node restarts from its disk and catches up with the log.
    await cluster.restart(old);
    const target = paxosOf(next).chosenUpTo ?? 0;
    await waitFor(`${old} to catch up to slot ${target}`, () => ((paxosOf(old).chosenUpTo ?? 0) >= target ? true : undefined), 20_000);
  });

  it('an acquire with wait: true waits in line on the node and is answered when the lock is handed over', async () => {
    const lockCall = (op: Record<string, unknown>, wait = false) => client.call({ type: 'lock', op, ...(wait ? { wait: true } : {}) } as never);
    const a = await waitFor('A holds the lock', async () => {
      const { reply } = await lockCall({ type: 'acquire', lock: 'line', owner: 'A', ttlMs: 30_000 });
      return reply.ok ? (reply.result as { kind: string; token: number }) : undefined;
    });
    expect(a.kind).toBe('granted');
    // B uses its own session: a client waits for one request at a time.
    const other = new ClusterClient({ endpoints: () => cluster.endpoints(), token: cluster.token, client: 'it-b', timeoutMs: 10_000 });
    let answered = false;
    const b = other.call({ type: 'lock', op: { type: 'acquire', lock: 'line', owner: 'B', ttlMs: 30_000 }, wait: true } as never).then((r) => {
      answered = true;
      return r.reply;
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(answered).toBe(false); // B waits in line while A holds the lock
    const rel = await lockCall({ type: 'release', lock: 'line', owner: 'A', token: a.token });
    expect(rel.reply.ok).toBe(true);
    const granted = await b;
    other.close();
    expect(granted).toMatchObject({ ok: true, result: { kind: 'granted', owner: 'B' } });
    expect((granted as { result: { token: number } }).result.token).toBeGreaterThan(a.token);
  });

  it('refuses bad frames with clear errors and changes nothing', async () => {
    await write('guarded', 1);
    const port = cluster.endpoints()[0]!.port;
    const token = cluster.token;
    const hello = JSON.stringify({ type: 'hello', token, client: 'bad' });
    const { replies } = await rawExchange(port, [
      hello,
      '{not json',
      JSON.stringify({ type: 'kv', id: 'x1', op: { f: 'write', key: 42, value: 2 } }),
      JSON.stringify({ type: 'launch-missiles', id: 'x2' }),
    ]);
    const codes = replies.map((r) => (r as { code?: string; type: string }).code ?? (r as { type: string }).type);
    expect(codes).toEqual(['welcome', 'MALFORMED_JSON', 'INVALID_MESSAGE', 'UNKNOWN_KIND']);
    expect(await read('guarded')).toBe(1);

    // Beyond the frame limit: the WebSocket layer refuses it from its header, before
    // buffering it (close 1009, with the limit in the reason); the node keeps serving.
    for (const size of [1536 * 1024, 3 * 1024 * 1024]) {
      const huge = await rawExchange(port, [hello, JSON.stringify({ type: 'kv', id: 'x4', op: { f: 'write', key: 'guarded', value: 'z'.repeat(size) } })]);
      expect(huge.closeCode).toBe(1009);
      expect(huge.closeReason).toMatch(/FRAME_TOO_LARGE: frames on \/client are limited to/);
    }

    const noToken = await rawExchange(port, [JSON.stringify({ type: 'kv', id: 'y', op: { f: 'write', key: 'guarded', value: 3 } })]);
    expect(noToken.replies).toEqual([expect.objectContaining({ type: 'error', code: 'UNAUTHORIZED' })]);
    expect(noToken.closeCode).toBe(4401);
    const wrongToken = await rawExchange(port, [JSON.stringify({ type: 'hello', token: 'nope' })]);
    expect(wrongToken.closeCode).toBe(4401);
    const browser = await rawExchange(port, [hello], { origin: 'http://evil.example' });
    expect(browser.httpStatus).toBe(403);
    expect(await read('guarded')).toBe(1);
  });

  it('repairs a torn log tail on restart and reports it', async () => {
    const victim = cluster.ids.find((id) => id !== leader())!;
    await cluster.kill(victim);
    const logPath = join(dataDir, victim, 'node.log');
    const intact = await readFile(logPath);
    // A crash in the middle of a write: a header promising 100 bytes, then only 10 of them.
    const torn = Buffer.alloc(18);
    torn.writeUInt32LE(100, 0);
    await appendFile(logPath, torn);
    const repaired = new Promise<Record<string, unknown>>((resolve) => {
      cluster.members.get(victim)!.proc.once('line', (l) => { if (l.event === 'ready') resolve(l as Record<string, unknown>); });
    });
    await cluster.restart(victim);
    const ready = await repaired;
    expect(ready['repair']).toMatchObject({ reason: 'TORN_PAYLOAD', offset: intact.length, droppedBytes: 18 });
    expect((await readFile(logPath)).length).toBeGreaterThanOrEqual(intact.length);
    await write('k', 'after-repair');
    expect(await read('k')).toBe('after-repair');
  });

  it('detects a corrupted record at the tail (bad checksum)', async () => {
    const victim = cluster.ids.find((id) => id !== leader())!;
    await cluster.kill(victim);
    const logPath = join(dataDir, victim, 'node.log');
    const bytes = await readFile(logPath);
    bytes[bytes.length - 2] = bytes[bytes.length - 2]! ^ 0xff; // flip bits inside the last record's payload
    await writeFile(logPath, bytes);
    const repaired = new Promise<Record<string, unknown>>((resolve) => {
      cluster.members.get(victim)!.proc.once('line', (l) => { if (l.event === 'ready') resolve(l as Record<string, unknown>); });
    });
    await cluster.restart(victim);
    expect((await repaired)['repair']).toMatchObject({ reason: expect.stringMatching(/BAD_CHECKSUM|BAD_JSON/) });
    await write('k', 'still-works');
  });
});
