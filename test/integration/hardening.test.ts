/**
 * The reproductions of issue 7, on a real 3-node cluster: each once took the cluster down
 * or let a client act as a node. Now each gets a refusal with a reason, the processes and
 * every other connection keep working, and nothing stored changes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import WebSocket from 'ws';
import { helloProof } from '../../core/node/credentials';
import type { GuardedSocket } from '../../core/node/guarded-socket';
import { SupervisorHttpServer } from '../../core/supervisor/http-server';
import { ClusterClient } from '../../core/supervisor/cluster-client';
import { Lab } from '../../core/supervisor/lab';
import { PanelApi } from '../../core/supervisor/panel-api';
import { NodeClient } from '../../core/supervisor/node-client';
import type { Cluster } from '../../core/supervisor/cluster';
import { waitFor } from '../support/wait';
import { startTestCluster, stopTestCluster, type TestCluster } from '../support/test-cluster';
import { exchange, frame, frameHeader, FrameReader, OPCODES, rawUpgrade } from '../support/raw-ws';

let t: TestCluster | undefined;
let cluster: Cluster;
let client: ClusterClient;
const INSTRUCTOR = 'instructor-token-for-hardening';

const portOf = (id: string): number => cluster.view(id).port!;

/** What a process started with, as any process of the same user can read it. */
function envOf(pid: number, name: string): string {
  const entry = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').find((e) => e.startsWith(`${name}=`));
  if (entry === undefined) throw new Error(`process ${pid} has no ${name}`);
  return entry.slice(name.length + 1);
}

async function write(key: string, value: unknown): Promise<void> {
  await waitFor(`write ${key}`, async () => ((await client.call({ type: 'kv', op: { f: 'write', key, value } })).reply.ok ? true : undefined), 20_000, 100);
}

async function read(key: string): Promise<unknown> {
  const r = await waitFor(`read ${key}`, async () => {
    const { reply } = await client.call({ type: 'kv', op: { f: 'read', key } });
    return reply.ok ? reply : undefined;
  }, 20_000, 100);
  return (r.result as { value: unknown }).value;
}

/** Every node is up and registered, and a write then a read go through. */
async function stillServes(tag: string): Promise<void> {
  for (const v of cluster.views()) {
    expect(v.lifecycle).toBe('up');
    expect(v.connected).toBe(true);
  }
  await write(`alive-${tag}`, tag);
  expect(await read(`alive-${tag}`)).toBe(tag);
}

/** The node's heap after a full collection (nodes here run with --expose-gc). */
async function heapAfterGc(id: string): Promise<number> {
  const c = await NodeClient.connect(`ws://127.0.0.1:${portOf(id)}/client`, cluster.token, 'memory-probe');
  try {
    let last = 0;
    for (let i = 0; i < 3; i++) {
      const r = await c.request({ type: 'status', gc: true }, 5_000);
      expect(r.ok).toBe(true);
      const memory = (r as { result: { memory: { heapUsedBytes: number; collected: boolean } } }).result.memory;
      expect(memory.collected).toBe(true);
      last = memory.heapUsedBytes;
    }
    return last;
  } finally {
    c.close();
  }
}

beforeAll(async () => {
  // Only the nodes of this file may collect garbage on demand (status with gc: true).
  const before = process.env['NODE_OPTIONS'];
  process.env['NODE_OPTIONS'] = `${before ?? ''} --expose-gc`.trim();
  try {
    t = await startTestCluster('hardening', { nodes: 3, nodeArgs: ['--mode', 'paxos'] });
  } finally {
    if (before === undefined) delete process.env['NODE_OPTIONS'];
    else process.env['NODE_OPTIONS'] = before;
  }
  cluster = t.cluster;
  client = new ClusterClient({ endpoints: () => cluster.endpoints(), token: cluster.token, client: 'hardening', timeoutMs: 1_500 });
  await write('precious', 'original');
});

afterAll(async () => {
  client?.close();
  await stopTestCluster(t);
});

describe('issue 7: no frame takes the supervisor down', () => {
  it('a 2 MiB frame, bad UTF-8, binary and wrong shapes on /node close or answer only that socket', async () => {
    const n1 = cluster.view('n1');
    const secret = envOf(n1.pid!, 'FAULTLINE_NODE_SECRET');
    const port = cluster.supervisorPort;
    const auth = { authorization: `Bearer ${secret}`, 'x-faultline-node': 'n1' };

    const huge = await exchange(await rawUpgrade(port, '/node', { headers: auth }), [frame(OPCODES.text, 'x'.repeat(2 << 20))]);
    expect(huge.reader.close).toMatchObject({ code: 1009, reason: expect.stringMatching(/FRAME_TOO_LARGE: frames on \/node are limited to \d+ bytes/) });

    const badUtf8 = await exchange(await rawUpgrade(port, '/node', { headers: auth }), [frame(OPCODES.text, Buffer.from([0xc3, 0x28]))]);
    expect(badUtf8.reader.close).toMatchObject({ code: 1007, reason: expect.stringMatching(/not valid UTF-8/) });

    const unmasked = await exchange(await rawUpgrade(port, '/node', { headers: auth }), [frame(OPCODES.text, '{}', { mask: false })]);
    expect(unmasked.reader.close?.code).toBe(1002);

    const shapes = await exchange(await rawUpgrade(port, '/node', { headers: auth }), [
      frame(OPCODES.binary, Buffer.from([0, 1, 2, 0xff])),
      frame(OPCODES.text, 'not json'),
      frame(OPCODES.text, JSON.stringify({ type: 'register', id: 'n1', pid: 'many', port: 9 })),
      frame(OPCODES.text, JSON.stringify({ type: 'teleport', id: 'n1' })),
      frame(OPCODES.text, '{"type":"sta', { fin: false }),
      frame(OPCODES.continuation, 'tus","id":"n2","status":{"paxos":{"role":"leader"}}}'),
    ]);
    const codes = shapes.reader.texts().map((s) => (JSON.parse(s) as { code: string }).code);
    expect(codes).toEqual(['MALFORMED_JSON', 'MALFORMED_JSON', 'INVALID_MESSAGE', 'INVALID_MESSAGE', 'WRONG_NODE']);
    expect(cluster.view('n2').status).not.toEqual({ paxos: { role: 'leader' } });
    await stillServes('node-frames');
  });

  it('an upgrade to a path that is no URL, and a hello whose refusal would quote 1 KB of emoji, harm nothing', async () => {
    for (const path of ['//', '//[', 'http://[']) {
      const up = await rawUpgrade(cluster.supervisorPort, path);
      expect(up.status).toBe(400);
      const atNode = await rawUpgrade(portOf('n1'), path);
      expect(atNode.status).toBe(404);
    }
    const up = await rawUpgrade(portOf('n1'), '/peer');
    const out = await exchange(up, [frame(OPCODES.text, JSON.stringify({ type: '\u{1F525}'.repeat(300) }).slice(0, 4000))]);
    expect(out.reader.close).toMatchObject({ code: 4401, reason: expect.stringMatching(/^UNAUTHORIZED: bad hello/) });
    expect(Buffer.byteLength(out.reader.close!.reason)).toBeLessThanOrEqual(123);
    await stillServes('odd-paths');
  });

  it('the client token, or one node\'s secret, registers nothing on /node (n3 at port 9 is refused)', async () => {
    const port = cluster.supervisorPort;
    const before = cluster.view('n3').port;
    const n1Secret = envOf(cluster.view('n1').pid!, 'FAULTLINE_NODE_SECRET');
    const attempts: Record<string, string>[] = [
      { authorization: `Bearer ${cluster.token}`, 'x-faultline-node': 'n3' },
      { authorization: `Bearer ${cluster.token}` },
      { authorization: `Bearer ${n1Secret}`, 'x-faultline-node': 'n3' },
    ];
    for (const headers of attempts) {
      const up = await rawUpgrade(port, '/node', { headers });
      expect(up.status).toBe(401);
      up.socket.destroy();
    }
    // With n1's own secret the socket speaks for n1 only.
    const as1 = await exchange(await rawUpgrade(port, '/node', { headers: { authorization: `Bearer ${n1Secret}`, 'x-faultline-node': 'n1' } }), [
      frame(OPCODES.text, JSON.stringify({ type: 'register', id: 'n3', pid: 1, port: 9 })),
    ]);
    expect(as1.reader.texts().map((s) => JSON.parse(s) as { code: string })).toEqual([expect.objectContaining({ code: 'WRONG_NODE' })]);
    expect(cluster.view('n3').port).toBe(before);
    await stillServes('node-creds');
  });

  it('a 100 KiB frame and bad UTF-8 on a /panel route close that panel only; other panels keep their stream', async () => {
    // The panel's route as the panel server declares it (64 KiB frames), on the same
    // SupervisorHttpServer class; the fix under test (error handlers, reasons) lives there.
    const server = new SupervisorHttpServer();
    const panels = new Set<WebSocket>();
    server.route('/panel', {
      authorize: (token) => (token === INSTRUCTOR ? 'instructor' : undefined),
      maxPayloadBytes: 64 * 1024,
      onConnection: (ws) => {
        panels.add(ws);
        ws.on('close', () => panels.delete(ws));
        ws.on('message', (d) => ws.send(JSON.stringify({ type: 'reply', echo: d.toString().slice(0, 20) })));
      },
    });
    const port = await server.listen();
    const ticker = setInterval(() => {
      for (const ws of panels) ws.send(JSON.stringify({ type: 'changes' }));
    }, 20);
    try {
      const watcher = new WebSocket(`ws://127.0.0.1:${port}/panel?token=${INSTRUCTOR}`);
      const seen: unknown[] = [];
      watcher.on('message', (d) => seen.push(JSON.parse(d.toString())));
      await new Promise<void>((resolve, reject) => {
        watcher.once('open', () => resolve());
        watcher.once('error', reject);
      });
      const path = `/panel?token=${INSTRUCTOR}`;
      const big = await exchange(await rawUpgrade(port, path), [frame(OPCODES.text, 'x'.repeat(100 * 1024))]);
      expect(big.reader.close).toMatchObject({ code: 1009, reason: expect.stringMatching(/FRAME_TOO_LARGE: frames on \/panel are limited to 65536 bytes/) });
      const bad = await exchange(await rawUpgrade(port, path), [frame(OPCODES.text, Buffer.from([0xff, 0xfe]))]);
      expect(bad.reader.close).toMatchObject({ code: 1007, reason: expect.stringMatching(/not valid UTF-8/) });
      const count = seen.length;
      await waitFor('the other panel still streams', async () => (seen.length > count ? true : undefined), 10_000, 20);
      expect(watcher.readyState).toBe(WebSocket.OPEN);
      watcher.close();
    } finally {
      clearInterval(ticker);
      await server.close();
    }
  });
});

describe('issue 7: the real panel API', () => {
  it('a 100 KiB frame and bad UTF-8 on /panel close that panel only; a viewer keeps its stream and cannot command', async () => {
    const lab = Lab.attach(cluster);
    const viewerToken = 'viewer-token-for-hardening';
    const panel = new PanelApi(lab, { instructorToken: INSTRUCTOR, viewerToken, allowedOrigins: [] });
    try {
      const port = cluster.supervisorPort;
      const viewer = new WebSocket(`ws://127.0.0.1:${port}/panel?token=${viewerToken}`);
      const seen: { type: string; code?: string }[] = [];
      viewer.on('message', (d) => seen.push(JSON.parse(d.toString()) as { type: string }));
      await new Promise<void>((resolve, reject) => {
        viewer.once('open', () => resolve());
        viewer.once('error', reject);
      });
      const path = `/panel?token=${INSTRUCTOR}`;
      const big = await exchange(await rawUpgrade(port, path), [frame(OPCODES.text, 'x'.repeat(100 * 1024))]);
      expect(big.reader.close).toMatchObject({ code: 1009, reason: expect.stringMatching(/FRAME_TOO_LARGE: frames on \/panel/) });
      const bad = await exchange(await rawUpgrade(port, path), [frame(OPCODES.text, Buffer.from([0xff, 0xfe]))]);
      expect(bad.reader.close).toMatchObject({ code: 1007 });
      const wrong = await rawUpgrade(port, `/panel?token=${cluster.token}`);
      expect(wrong.status).toBe(401); // the client token is no panel token
      wrong.socket.destroy();
      viewer.send(JSON.stringify({ type: 'command', id: 'k', command: { kind: 'kill', node: 'n1' } }));
      await waitFor('the viewer is refused', async () => (seen.some((m) => m.type === 'reply' && m.code === 'READ_ONLY') ? true : undefined), 10_000, 20);
      const count = seen.length;
      await waitFor('the viewer still streams', async () => (seen.length > count ? true : undefined), 10_000, 20);
      expect(viewer.readyState).toBe(WebSocket.OPEN);
      viewer.close();
      await stillServes('real-panel');
    } finally {
      panel.close();
      await lab.close();
    }
  });
});

describe('issue 7: a client cannot act as a node', () => {
  it('the client token opens no /peer link, so no forged replication copy reaches a node', async () => {
    const up = await rawUpgrade(portOf('n2'), '/peer');
    const reader = new FrameReader();
    reader.push(up.rest);
    up.socket.on('data', (c: Buffer) => reader.push(c));
    await waitFor('challenge', async () => (reader.texts().length > 0 ? true : undefined), 5_000, 10);
    const challenge = JSON.parse(reader.texts()[0]!) as { type: string; node: string; nonce: string };
    expect(challenge).toMatchObject({ type: 'challenge', node: 'n2' });
    // The best a holder of the client token can do: use it as the link key.
    const nonce = 'cd'.repeat(16);
    const proof = helloProof(cluster.token, 'n1', 'n2', challenge.nonce, nonce);
    const forged = { type: 'msg', part: 'paxos', body: { type: 'accept', ballot: { round: 1e9, node: 'n1' }, slot: 1, value: { kind: 'cmd', command: { op: { service: 'kv', cmd: { f: 'write', key: 'precious', value: 'FORGED' } } } } } };
    const out = await exchange({ ...up, rest: Buffer.alloc(0) }, [
      frame(OPCODES.text, JSON.stringify({ type: 'hello', version: 2, node: 'n1', to: 'n2', nonce, proof })),
      frame(OPCODES.text, JSON.stringify(forged)),
    ]);
    expect(out.reader.close).toMatchObject({ code: 4401, reason: expect.stringMatching(/UNAUTHORIZED/) });
    expect(out.reader.texts().filter((s) => s.includes('welcome'))).toEqual([]);
    // The token itself as a v1 hello is not even a hello any more.
    const v1 = await rawUpgrade(portOf('n3'), '/peer');
    const old = await exchange(v1, [frame(OPCODES.text, JSON.stringify({ type: 'hello', version: 1, node: 'n1', to: 'n3', token: cluster.token }))]);
    expect(old.reader.close?.code).toBe(4401);
    expect(await read('precious')).toBe('original');
  });
});

describe('issue 7: memory stays bounded', () => {
  it('32 MiB frames before the hello are refused early, and a 64 KiB one too (hello budget)', async () => {
    const heapBefore = await heapAfterGc('n1');
    const results = await Promise.all(
      Array.from({ length: 12 }, async () => {
        const up = await rawUpgrade(portOf('n1'), '/client');
        // Announce 32 MiB and stream its first 4 MiB: refused from the frame header (1009)
        // or by the hello budget (4413), whichever sees the bytes first; never buffered.
        return exchange(up, [frameHeader(OPCODES.text, 32 << 20), Buffer.alloc(4 << 20, 0x20)], 3_000);
      }),
    );
    for (const r of results) expect([1009, 4413]).toContain(r.reader.close?.code);
    const small = await exchange(await rawUpgrade(portOf('n1'), '/client'), [frame(OPCODES.text, JSON.stringify({ type: 'hello', token: 'x'.repeat(64 * 1024) }))]);
    expect(small.reader.close).toMatchObject({ code: 4413, reason: expect.stringMatching(/HELLO_TOO_LARGE/) });
    const heapAfter = await heapAfterGc('n1');
    expect(heapAfter).toBeLessThan(heapBefore * 1.1);
    await stillServes('pre-hello');
  });

  it('a client that pipelines requests right behind its hello (one 12 KB write) is served, not cut off', async () => {
    const up = await rawUpgrade(portOf('n1'), '/client');
    const hello = frame(OPCODES.text, JSON.stringify({ type: 'hello', token: cluster.token, client: 'eager' }));
    const asks = Array.from({ length: 200 }, (_, i) => frame(OPCODES.text, JSON.stringify({ type: 'kv', id: `r${i}`, op: { f: 'read', key: 'precious' } })));
    const out = await exchange(up, [Buffer.concat([hello, ...asks])], 2_000);
    const replies = out.reader.texts().map((s) => JSON.parse(s) as { type: string; ok?: boolean });
    expect(out.reader.close).toBeUndefined();
    expect(replies[0]).toMatchObject({ type: 'welcome' });
    expect(replies.filter((r) => r.type === 'reply')).toHaveLength(200);
  });

  it('a client that never reads its replies is closed, and the heap comes back', async () => {
    const heapBefore = await heapAfterGc('n2');
    const up = await rawUpgrade(portOf('n2'), '/client');
    up.socket.pause(); // never read a byte
    up.socket.write(frame(OPCODES.text, JSON.stringify({ type: 'hello', token: cluster.token, client: 'sloth' })));
    const ask = frame(OPCODES.text, JSON.stringify({ type: 'status', id: 's' }));
    let closed = false;
    up.socket.on('close', () => (closed = true));
    up.socket.on('error', () => (closed = true));
    // Requests until the node hangs up (writes then fail); each status reply is KiBs.
    await waitFor('the node closes the sloth', async () => {
      for (let i = 0; i < 500 && !closed; i++) up.socket.write(Buffer.concat([ask, ask, ask, ask]));
      return closed ? true : undefined;
    }, 30_000, 20);
    up.socket.destroy();
    const heapAfter = await heapAfterGc('n2');
    expect(heapAfter).toBeLessThan(heapBefore * 1.1);
    await stillServes('sloth');
  });

  it('a panel that stops reading is closed as a slow reader (4429), the others keep streaming', async () => {
    const server = new SupervisorHttpServer();
    const reasons: string[] = [];
    const panels = new Set<GuardedSocket>();
    server.route('/panel', {
      authorize: () => 'viewer',
      maxBufferedBytes: 1 << 20,
      onConnection: (ws) => {
        panels.add(ws);
        ws.on('close', () => {
          panels.delete(ws);
          if (ws.closedBecause) reasons.push(ws.closedBecause);
        });
      },
    });
    const port = await server.listen();
    const batch = JSON.stringify({ type: 'changes', pad: 'x'.repeat(32 * 1024) });
    const ticker = setInterval(() => {
      for (const ws of panels) ws.send(batch);
    }, 5);
    try {
      const reader = new WebSocket(`ws://127.0.0.1:${port}/panel`);
      let got = 0;
      reader.on('message', () => got++);
      await new Promise<void>((resolve) => reader.once('open', () => resolve()));
      const sloth = await rawUpgrade(port, '/panel');
      sloth.socket.pause();
      await waitFor('the slow reader is closed', async () => (reasons.length > 0 ? true : undefined), 20_000, 20);
      expect(reasons[0]).toMatch(/^SLOW_READER: more than 1048576 bytes unread on \/panel/);
      const before = got;
      await waitFor('the reading panel still streams', async () => (got > before ? true : undefined), 5_000, 10);
      expect(reader.readyState).toBe(WebSocket.OPEN);
      reader.close();
      sloth.socket.destroy();
    } finally {
      clearInterval(ticker);
      await server.close();
    }
  });

  it('TCP connections that never ask for anything (slowloris) are closed within seconds', async () => {
    const targets = [cluster.supervisorPort, portOf('n1')];
    const sockets = targets.flatMap((port) => Array.from({ length: 100 }, () => connect({ host: '127.0.0.1', port })));
    const closed = sockets.map((s) => new Promise<void>((resolve) => {
      s.on('error', () => undefined);
      s.on('close', () => resolve());
      s.resume(); // read, so the server's FIN is seen
    }));
    // Half send an unfinished request head, half nothing at all.
    sockets.forEach((s, i) => { if (i % 2 === 0) s.once('connect', () => s.write('GET /client HTTP/1.1\r\nHost: x\r\n')); });
    await waitFor('every idle connection closed by the server', async () => {
      const done = await Promise.race([Promise.all(closed).then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 200))]);
      return done ? true : undefined;
    }, 20_000, 0);
    await stillServes('slowloris');
  });

  it('a flood of 5,000 connections is capped (503), the node lives, and its heap comes back', async () => {
    const heapBefore = await heapAfterGc('n3');
    const statuses = new Map<number, number>();
    const sockets: { destroy(): void }[] = [];
    for (let batch = 0; batch < 10; batch++) {
      const ups = await Promise.all(Array.from({ length: 500 }, () => rawUpgrade(portOf('n3'), '/client', { timeoutMs: 20_000 }).catch(() => undefined)));
      for (const up of ups) {
        const status = up?.status ?? 0;
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (up) sockets.push(up.socket);
      }
    }
    // Every connection got an answer: an upgrade while there was room, 503 beyond the cap
    // (connections that never say hello are also closed after 5 s, making room again).
    expect((statuses.get(101) ?? 0) + (statuses.get(503) ?? 0)).toBe(5000);
    expect(statuses.get(101)).toBeGreaterThan(0);
    expect(statuses.get(503)).toBeGreaterThan(2500);
    for (const s of sockets) s.destroy();
    await waitFor('the flood has left', async () => {
      try {
        const c = await NodeClient.connect(`ws://127.0.0.1:${portOf('n3')}/client`, cluster.token, 'after-flood');
        c.close();
        return true;
      } catch {
        return undefined;
      }
    }, 20_000, 100);
    const heapAfter = await heapAfterGc('n3');
    expect(heapAfter).toBeLessThan(heapBefore * 1.1);
    await stillServes('flood');
  });
});

describe('issue 7: node-facing ports are for this machine only', () => {
  it('from another address (127.0.0.2) /node, /peer and /client are refused, a route with localOnly: false is not', async () => {
    const far = { localAddress: '127.0.0.2' };
    const node = await rawUpgrade(cluster.supervisorPort, '/node', far);
    expect(node.status).toBe(403);
    for (const path of ['/peer', '/client']) {
      const up = await rawUpgrade(portOf('n1'), path, far);
      expect(up.status).toBe(403);
      expect(up.body).toMatch(/127\.0\.0\.1 only/);
    }
    // A panel served to a classroom: its route says localOnly: false.
    const server = new SupervisorHttpServer();
    server.route('/panel', { authorize: () => 'viewer', localOnly: false, onConnection: (ws) => ws.send('"hi"') });
    server.route('/node', { authorize: () => 'node', onConnection: (ws) => ws.send('"no"') });
    const port = await server.listen();
    try {
      const open = await rawUpgrade(port, '/panel', far);
      expect(open.status).toBe(101);
      open.socket.destroy();
      const closed = await rawUpgrade(port, '/node', far);
      expect(closed.status).toBe(403);
    } finally {
      await server.close();
    }
  });
});
