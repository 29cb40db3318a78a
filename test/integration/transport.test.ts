import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { Prng, partitionCuts } from '../../core/algorithms/common';
import { Transport, type TransportEvent, type TransportOptions } from '../../core/node/transport';
import { helloProof, linkKeyFrom } from '../../core/node/credentials';
import { NodeClock } from '../../core/node/clock';
import { LinkFaults } from '../../core/node/link-faults';

const MASTER = 'cluster-secret';
const IDS = ['n1', 'n2', 'n3', 'n9'];
/** The keys of `id`'s links to every other test id, derived from `master`. */
const keysOf = (id: string, master = MASTER): Record<string, string> =>
  Object.fromEntries(IDS.filter((p) => p !== id).map((p) => [p, linkKeyFrom(master, id, p)]));
const open: { close(): unknown }[] = [];

afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

interface Node {
  t: Transport;
  got: { from: string; part: string; body: unknown }[];
  events: TransportEvent[];
}

async function node(id: string, extra: Partial<TransportOptions> = {}): Promise<Node> {
  const got: Node['got'] = [];
  const events: TransportEvent[] = [];
  const t = new Transport({
    id,
    linkKeys: keysOf(id),
    random: (() => {
      const p = new Prng(id.length * 7919);
      return () => p.next();
    })(),
    reconnectBaseMs: 10,
    reconnectMaxMs: 50,
    onMessage: (from, part, body) => got.push({ from, part, body }),
    onEvent: (e) => events.push(e),
    ...extra,
  });
  open.push(t);
  await t.listen();
  return { t, got, events };
}

/** Polls until `cond` holds (a wait, not a timing assertion); fails after 10 s. */
async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const hb = (chosenUpTo: number) => ({ type: 'heartbeat', ballot: { round: 1, node: 'n1' }, chosenUpTo });

async function pair(): Promise<[Node, Node]> {
  const a = await node('n1');
  const b = await node('n2');
  a.t.setPeers({ n2: { port: b.t.port } });
  b.t.setPeers({ n1: { port: a.t.port } });
  await until(() => a.t.isConnected('n2') && b.t.isConnected('n1'), 'both links up');
  return [a, b];
}

/** A hand-rolled peer: raw socket, so it can send anything. */
async function rawClient(port: number, headers: Record<string, string> = {}): Promise<{ ws: WebSocket; frames: unknown[]; closed: Promise<{ code: number; reason: string }> }> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/peer`, { headers });
  open.push({ close: () => ws.terminate() });
  const frames: unknown[] = [];
  ws.on('message', (d) => frames.push(JSON.parse(d.toString())));
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { ws, frames, closed };
}

/** A hello answering the challenge the raw client got first, proving the n9-`to` link key. */
async function hello(c: { frames: unknown[] }, node = 'n9', to = 'n1', master = MASTER): Promise<string> {
  await until(() => c.frames.length >= 1, 'the challenge');
  const challenge = c.frames[0] as { type: string; nonce: string };
  expect(challenge.type).toBe('challenge');
  const nonce = 'ab'.repeat(16);
  const proof = helloProof(linkKeyFrom(master, node, to), node, to, challenge.nonce, nonce);
  return JSON.stringify({ type: 'hello', version: 2, node, to, nonce, proof });
}

describe('transport', () => {
  it('two transports exchange validated frames both ways', async () => {
    const [a, b] = await pair();
    expect(a.t.send('n2', 'paxos', hb(1))).toBe(true);
    expect(b.t.send('n1', 'paxos', hb(2))).toBe(true);
    await until(() => a.got.length === 1 && b.got.length === 1, 'delivery');
    expect(b.got).toEqual([{ from: 'n1', part: 'paxos', body: hb(1) }]);
    expect(a.got).toEqual([{ from: 'n2', part: 'paxos', body: hb(2) }]);
    expect(a.t.send('n7', 'paxos', hb(1))).toBe(false); // not a peer
  });

  it('a hello that does not prove the link key is refused with 4401 and the link never comes up', async () => {
    const a = await node('n1');
    const intruder = await node('n2', { linkKeys: keysOf('n2', 'guess') });
    intruder.t.setPeers({ n1: { port: a.t.port } });
    await until(() => intruder.events.some((e) => e.kind === 'peer-down'), 'refusal');
    const down = intruder.events.find((e) => e.kind === 'peer-down');
    expect(down).toMatchObject({ code: 4401, reason: 'UNAUTHORIZED: the hello does not prove the key of the link n2-n1' });
    expect(intruder.t.isConnected('n1')).toBe(false);
    expect(intruder.t.send('n1', 'paxos', hb(1))).toBe(false);
    expect(a.events.some((e) => e.kind === 'refused' && e.code === 'UNAUTHORIZED')).toBe(true);
  });

  it('a node holding its own link keys cannot speak as another node', async () => {
    const n3 = await node('n3');
    // n1 knows k(n1,n3) (and every key of its own links) but claims to be n2.
    const impostor = await node('n2', { linkKeys: { n3: linkKeyFrom(MASTER, 'n1', 'n3') } });
    impostor.t.setPeers({ n3: { port: n3.t.port } });
    await until(() => impostor.events.some((e) => e.kind === 'peer-down'), 'refusal');
    expect(impostor.events.find((e) => e.kind === 'peer-down')).toMatchObject({ code: 4401, reason: 'UNAUTHORIZED: the hello does not prove the key of the link n2-n3' });
    expect(impostor.t.send('n3', 'paxos', hb(1))).toBe(false);
    // And a listener without the key cannot pass for the node the dialer wanted.
    const fake = await node('n1', { linkKeys: { n9: linkKeyFrom('other', 'n1', 'n9') } });
    const dialer = await node('n9');
    dialer.t.setPeers({ n1: { port: fake.t.port } });
    await until(() => fake.events.some((e) => e.kind === 'refused') || dialer.events.some((e) => e.kind === 'refused'), 'a refusal');
    expect(dialer.t.isConnected('n1')).toBe(false);
    expect(n3.got).toEqual([]);
  });

  it('a connection whose first frame is not hello, or that sends none, is closed', async () => {
    const a = await node('n1', { helloTimeoutMs: 100 });
    const rude = await rawClient(a.t.port);
    rude.ws.send(JSON.stringify({ type: 'msg', part: 'paxos', body: hb(1) }));
    expect(await rude.closed).toEqual({ code: 4401, reason: 'UNAUTHORIZED: first frame must be hello, got msg' });
    const silent = await rawClient(a.t.port);
    expect(await silent.closed).toMatchObject({ code: 4408, reason: expect.stringMatching(/HELLO_TIMEOUT/) });
    const garbled = await rawClient(a.t.port);
    garbled.ws.send('{not json');
    const g = await garbled.closed;
    expect(g.code).toBe(4401);
    expect(g.reason).toMatch(/MALFORMED_JSON/);
    const misdialed = await rawClient(a.t.port);
    misdialed.ws.send(await hello(misdialed, 'n9', 'n3'));
    expect(await misdialed.closed).toEqual({ code: 4404, reason: 'WRONG_NODE: this is n1, not n3' });
    expect(a.got).toEqual([]);
  });

  it('a huge first frame is no hello: closed before it is parsed', async () => {
    const a = await node('n1');
    const c = await rawClient(a.t.port);
    c.ws.send(JSON.stringify({ type: 'hello', version: 2, node: 'n9', to: 'n1', pad: 'x'.repeat(10_000) }));
    const closed = await c.closed;
    expect(closed.code).toBe(4413);
    expect(closed.reason).toMatch(/HELLO_TOO_LARGE/);
  });

  it('a frame over the limit is refused by its sender, with an event naming it', async () => {
    const a = await node('n1', { maxFrameBytes: 2048 });
    const b = await node('n2', { maxFrameBytes: 2048 });
    a.t.setPeers({ n2: { port: b.t.port } });
    await until(() => a.t.isConnected('n2'), 'link');
    const big = { type: 'catchup-reply', entries: [{ slot: 1, value: { kind: 'cmd', command: { op: 'x'.repeat(4000) } } }], chosenUpTo: 1 };
    expect(a.t.send('n2', 'paxos', big)).toBe(false);
    expect(a.t.stats.oversized).toBe(1);
    expect(a.events.find((e) => e.kind === 'refused')).toMatchObject({ code: 'FRAME_TOO_LARGE', peer: 'n2', direction: 'out' });
    expect(a.t.send('n2', 'paxos', hb(1))).toBe(true);
    await until(() => b.got.length === 1, 'small frame still flows');
  });

  it('a browser Origin not on the allow-list is refused at the upgrade', async () => {
    const a = await node('n1', { allowedOrigins: ['http://panel.local'] });
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${a.t.port}/peer`, { origin: 'http://evil.example' });
      ws.on('unexpected-response', (_req, res) => {
        resolve(res.statusCode ?? 0);
        ws.terminate();
      });
      ws.on('open', () => resolve(101));
      ws.on('error', () => undefined);
    });
    expect(status).toBe(403);
    const allowed = await rawClient(a.t.port, { Origin: 'http://panel.local' });
    allowed.ws.send(await hello(allowed));
    await until(() => allowed.frames.length === 2, 'welcome');
    expect(allowed.frames[1]).toMatchObject({ type: 'welcome', node: 'n1' });
  });

  it('bad frames get their error code back, reach no handler, and the peer keeps working', async () => {
    const a = await node('n1', { maxFrameBytes: 4096 });
    const c = await rawClient(a.t.port);
    const helloFrame = await hello(c);
    c.ws.send(helloFrame);
    await until(() => c.frames.length === 2, 'welcome');
    c.ws.send('{"type":"msg", nope');
    c.ws.send(JSON.stringify({ type: 'msg', part: 'paxos', body: { type: 'accepted', ballot: { round: 'one', node: 'n9' }, slot: 1 } }));
    c.ws.send(JSON.stringify({ type: 'msg', part: 'paxos', body: { type: 'steal-leadership' } }));
    c.ws.send(JSON.stringify({ type: 'shout' }));
    c.ws.send(JSON.stringify({ type: 'msg', part: 'paxos', body: { type: 'catchup', fromSlot: 1, pad: 'x'.repeat(5000) } }));
    c.ws.send(helloFrame); // a second hello is not expected either
    c.ws.send(JSON.stringify({ type: 'msg', part: 'paxos', body: hb(3) }));
    await until(() => c.frames.length === 8 && a.got.length === 1, 'six refusals and one delivery');
    expect(c.frames.slice(2).map((f) => (f as { code: string }).code)).toEqual([
      'MALFORMED_JSON',
      'INVALID_MESSAGE',
      'UNKNOWN_KIND',
      'UNKNOWN_KIND',
      'FRAME_TOO_LARGE',
      'INVALID_MESSAGE',
    ]);
    expect((c.frames[3] as { message: string }).message).toMatch(/body\.ballot\.round/);
    expect(a.got).toEqual([{ from: 'n9', part: 'paxos', body: hb(3) }]);
    expect(a.t.stats.refused).toBe(6);
  });

  it('a one-way cut drops only that direction, and healing restores it', async () => {
    const [a, b] = await pair();
    a.t.faults.set('out', 'n2', { cut: true });
    expect(a.t.send('n2', 'paxos', hb(1))).toBe(false);
    b.t.send('n1', 'paxos', hb(2));
    await until(() => a.got.length === 1, 'n2 -> n1 still flows');
    a.t.faults.set('out', 'n2', {});
    a.t.send('n2', 'paxos', hb(3));
    await until(() => b.got.length === 1, 'healed');
    // Same socket, FIFO: had hb(1) been sent it would have arrived before hb(3).
    expect(b.got.map((g) => g.body)).toEqual([hb(3)]);
  });

  it('a partition applied on the receiving side alone also holds (inbound cut)', async () => {
    const [a, b] = await pair();
    // n1 isolated by the one-way shape: n1 -> others cut. Only n2 is told.
    const cuts = partitionCuts(['n1', 'n2', 'n3'], { shape: 'isolate', node: 'n1' });
    b.t.faults.applyCuts('n2', cuts);
    expect(b.t.send('n1', 'paxos', hb(2))).toBe(false); // also cut: n2's outbound side
    a.t.send('n2', 'paxos', hb(1)); // leaves n1, dropped on arrival at n2
    await until(() => b.t.stats.faultDropped === 2, 'the inbound drop');
    b.t.faults.healCuts();
    a.t.send('n2', 'paxos', hb(3));
    b.t.send('n1', 'paxos', hb(4));
    await until(() => b.got.length >= 1 && a.got.length >= 1, 'after heal');
    expect(b.got.map((g) => g.body)).toEqual([hb(3)]);
    expect(a.got.map((g) => g.body)).toEqual([hb(4)]);
    expect(b.t.stats.faultDropped).toBe(2);
  });

  it('duplicate, drop, delay and reorder rules shape delivery', async () => {
    const [a, b] = await pair();
    a.t.faults.set('out', 'n2', { duplicate: 1 });
    a.t.send('n2', 'paxos', hb(1));
    await until(() => b.got.length === 2, 'two copies');
    a.t.faults.set('out', 'n2', { drop: 1 });
    for (let i = 0; i < 20; i++) expect(a.t.send('n2', 'paxos', hb(100 + i))).toBe(false);
    a.t.faults.set('out', 'n2', { delayMs: 20, jitterMs: 30, reorder: 0.5 });
    for (let i = 0; i < 30; i++) a.t.send('n2', 'paxos', hb(200 + i));
    await until(() => b.got.length === 32, 'all delayed frames');
    const delayed = b.got.slice(2).map((g) => (g.body as { chosenUpTo: number }).chosenUpTo);
    expect([...delayed].sort((x, y) => x - y)).toEqual(Array.from({ length: 30 }, (_, i) => 200 + i));
    expect(delayed).not.toEqual([...delayed].sort((x, y) => x - y)); // jitter + reorder changed the order
  });

  it('a frame held back by a delay is lost if the link is cut before it leaves', async () => {
    const [a, b] = await pair();
    a.t.faults.set('out', 'n2', { delayMs: 300 });
    a.t.send('n2', 'paxos', hb(1));
    a.t.faults.set('out', 'n2', { delayMs: 300, cut: true });
    await new Promise((r) => setTimeout(r, 600));
    expect(b.got).toEqual([]);
    expect(a.t.stats.faultDropped).toBe(1);
    a.t.faults.set('out', 'n2', {});
    a.t.send('n2', 'paxos', hb(2));
    await until(() => b.got.length === 1, 'delivery after the heal');
    expect(b.got[0]?.body).toEqual(hb(2));
  });

  it('reconnects after the peer restarts on the same port', async () => {
    const [a, b] = await pair();
    const port = b.t.port;
    await b.t.close();
    await until(() => !a.t.isConnected('n2'), 'link down');
    expect(a.t.send('n2', 'paxos', hb(1))).toBe(false);
    const b2 = await node('n2', { port });
    b2.t.setPeers({ n1: { port: a.t.port } });
    await until(() => a.t.isConnected('n2'), 'reconnected');
    a.t.send('n2', 'paxos', hb(2));
    await until(() => b2.got.length === 1, 'delivery after restart');
    expect(b2.got[0]?.body).toEqual(hb(2));
    expect(a.events.filter((e) => e.kind === 'peer-up' && e.direction === 'out').length).toBeGreaterThanOrEqual(2);
  });

  it('a handler that throws is reported and the transport keeps delivering', async () => {
    let calls = 0;
    const a = await node('n1', {
      onMessage: () => {
        calls++;
        if (calls === 1) throw new Error('boom');
      },
    });
    const b = await node('n2');
    b.t.setPeers({ n1: { port: a.t.port } });
    await until(() => b.t.isConnected('n1'), 'link');
    b.t.send('n1', 'paxos', hb(1));
    b.t.send('n1', 'paxos', hb(2));
    await until(() => calls === 2, 'both delivered');
    expect(a.events.some((e) => e.kind === 'handler-error' && e.message === 'boom')).toBe(true);
  });
});

describe('link faults and clock (no sockets)', () => {
  it('plans follow the rules with an injected random source', () => {
    const f = new LinkFaults(() => 0.5);
    expect(f.plan('out', 'n2')).toEqual([0]);
    f.set('out', 'n2', { drop: 0.6 });
    expect(f.plan('out', 'n2')).toEqual([]);
    f.set('out', 'n2', { drop: 0.4, duplicate: 0.6, delayMs: 10, jitterMs: 4 });
    expect(f.plan('out', 'n2')).toEqual([12, 12]);
    expect(f.plan('in', 'n2')).toEqual([0]);
    expect(() => f.set('in', 'n3', { drop: 2 })).toThrow(/probability in \[0, 1\], got 2/);
    f.setOutbound([{ to: 'n3', cut: true }]);
    expect(f.plan('out', 'n2')).toEqual([0]);
    expect(f.plan('out', 'n3')).toEqual([]);
  });

  it('the node clock adds its skew', () => {
    let now = 1000;
    const c = new NodeClock(() => now);
    expect(c.nowMs()).toBe(1000);
    c.setSkewMs(-250);
    now = 2000;
    expect(c.nowMs()).toBe(1750);
    expect(c.skewMs).toBe(-250);
    expect(() => c.setSkewMs(Number.NaN)).toThrow(/finite/);
  });
});
