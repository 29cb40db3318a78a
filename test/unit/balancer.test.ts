/**
 * The client balancing policies (core/algorithms/balance/balancer.ts) over seeded sequences, and
 * load per node (core/supervisor/node-load.ts).
 */
import { describe, expect, it } from 'vitest';
import { Balancer, type BalanceTarget } from '../../core/algorithms/balance';
import { NodeLoad } from '../../core/supervisor/node-load';
import { BALANCE_POLICIES } from '../../core/protocol/modes';
import { createServer } from 'node:net';
import { ClusterClient } from '../../core/supervisor/cluster-client';

const FIVE: BalanceTarget[] = ['n1', 'n2', 'n3', 'n4', 'n5'].map((id) => ({ id }));

function counts(picks: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of picks) out[p] = (out[p] ?? 0) + 1;
  return out;
}

function pickMany(b: Balancer, targets: readonly BalanceTarget[], n: number): string[] {
  return Array.from({ length: n }, () => b.choose(targets) as string);
}

describe('balancing policies', () => {
  it('weighted: a weight-2 node gets exactly twice the requests in every full cycle (smooth weighted round robin)', () => {
    const targets = FIVE.map((t) => (t.id === 'n2' ? { ...t, weight: 2 } : t));
    const picks = pickMany(new Balancer('weighted', 7), targets, 600);
    expect(counts(picks)).toEqual({ n1: 100, n2: 200, n3: 100, n4: 100, n5: 100 });
    // Smooth: every cycle of sum(weights) = 6 picks holds each node its share, so the heavy
    // node's requests are spread over the run rather than sent in bursts.
    for (let i = 0; i < picks.length; i += 6) expect(counts(picks.slice(i, i + 6))).toEqual({ n1: 1, n2: 2, n3: 1, n4: 1, n5: 1 });
  });

  it('weighted: fractional weights get their share within 1% of the requests', () => {
    const targets = [{ id: 'n1', weight: 0.5 }, { id: 'n2', weight: 1 }, { id: 'n3', weight: 2.5 }];
    const c = counts(pickMany(new Balancer('weighted', 1), targets, 4000));
    expect(Math.abs((c.n1 as number) / 4000 - 0.5 / 4)).toBeLessThan(0.01);
    expect(Math.abs((c.n2 as number) / 4000 - 1 / 4)).toBeLessThan(0.01);
    expect(Math.abs((c.n3 as number) / 4000 - 2.5 / 4)).toBeLessThan(0.01);
  });

  it('round-robin: each node in turn; random: about 1/N each, the same sequence for the same seed', () => {
    expect(pickMany(new Balancer('round-robin', 1), FIVE, 7)).toEqual(['n1', 'n2', 'n3', 'n4', 'n5', 'n1', 'n2']);
    const a = pickMany(new Balancer('random', 42), FIVE, 5000);
    expect(pickMany(new Balancer('random', 42), FIVE, 5000)).toEqual(a);
    for (const n of Object.values(counts(a))) expect(Math.abs(n / 5000 - 0.2)).toBeLessThan(0.03);
  });

  it('least-outstanding: avoids a node with stuck requests and spreads ties by the seeded PRNG', () => {
    const b = new Balancer('least-outstanding', 3);
    // n3 has three requests that never come back (a stuck node).
    for (let i = 0; i < 3; i++) b.started('n3');
    const picks: string[] = [];
    for (let i = 0; i < 1000; i++) {
      const node = b.choose(FIVE) as string;
      picks.push(node);
      b.started(node);
      // Requests to the others finish at once, one pick later.
      if (i % 2 === 1) {
        b.finished(picks[i - 1] as string);
        b.finished(node);
      }
    }
    const c = counts(picks);
    expect(c.n3).toBeUndefined();
    // Ties among the four healthy nodes go to each about equally.
    for (const id of ['n1', 'n2', 'n4', 'n5']) expect(Math.abs((c[id] as number) / 1000 - 0.25)).toBeLessThan(0.05);
    expect(b.outstanding('n3')).toBe(3);
    // Once the others are busier than n3, it is chosen again.
    for (const id of ['n1', 'n2', 'n4', 'n5']) for (let i = 0; i < 4; i++) b.started(id);
    expect(b.choose(FIVE)).toBe('n3');
    // The same seed and the same events give the same choices.
    const again = new Balancer('least-outstanding', 3);
    for (let i = 0; i < 3; i++) again.started('n3');
    const replay: string[] = [];
    for (let i = 0; i < 1000; i++) {
      const node = again.choose(FIVE) as string;
      replay.push(node);
      again.started(node);
      if (i % 2 === 1) {
        again.finished(replay[i - 1] as string);
        again.finished(node);
      }
    }
    expect(replay).toEqual(picks);
  });

  it('ring: a key always goes to its owner, and a heavier node owns more keys', () => {
    const b = new Balancer('ring', 1);
    const keys = Array.from({ length: 3000 }, (_, i) => `key${i}`);
    const owners = keys.map((k) => b.choose(FIVE, k));
    expect(keys.map((k) => b.choose(FIVE, k))).toEqual(owners);
    const heavy = FIVE.map((t) => (t.id === 'n4' ? { ...t, weight: 3 } : t));
    const c = counts(keys.map((k) => b.choose(heavy, k) as string));
    // n4: 3/7 of the ring expected (0.43); the others 1/7 (0.14).
    expect((c.n4 as number) / 3000).toBeGreaterThan(0.36);
    expect((c.n1 as number) / 3000).toBeLessThan(0.2);
  });

  it('every policy in the one list chooses among the targets, and none from an empty list', () => {
    for (const policy of BALANCE_POLICIES) {
      const b = new Balancer(policy, 5);
      for (let i = 0; i < 20; i++) expect(FIVE.map((t) => t.id)).toContain(b.choose(FIVE, `k${i}`));
      expect(b.choose([], 'k')).toBeUndefined();
    }
  });
});

describe('load per node', () => {
  it('counts sent, ok and failed per node and gives latency percentiles within one 2% bucket', () => {
    const load = new NodeLoad();
    for (let ms = 1; ms <= 100; ms++) {
      load.sent('n2');
      load.ended('n2', ms % 10 !== 0, ms);
    }
    load.sent('n10', 3);
    load.sent('n1');
    const s = load.summary();
    expect(Object.keys(s)).toEqual(['n1', 'n2', 'n10']);
    expect(s.n2).toMatchObject({ sent: 100, ok: 90, failed: 10 });
    expect(s.n2?.p50Ms).toBeGreaterThanOrEqual(50);
    expect(s.n2?.p50Ms).toBeLessThanOrEqual(51.1);
    expect(s.n2?.p99Ms).toBeGreaterThanOrEqual(99);
    expect(s.n2?.p99Ms).toBeLessThanOrEqual(101.1);
    expect(s.n10).toEqual({ sent: 3, ok: 0, failed: 0, p50Ms: null, p99Ms: null });
  });
});

describe('a cluster client counts load per node', () => {
  it('counts a request sent to a node it cannot reach as sent and failed there', async () => {
    // A port nothing listens on any more: the connection is refused at once.
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    await new Promise<void>((r) => server.close(() => r()));
    const nodeLoad = new NodeLoad();
    const client = new ClusterClient({ endpoints: () => [{ id: 'n1', port }], token: 't', client: 'c', nodeLoad, timeoutMs: 1_000, maxRedirects: 0 });
    try {
      const { reply } = await client.call({ type: 'kv', op: { f: 'read', key: 'k' } }, 'k');
      expect(reply).toMatchObject({ ok: false, code: 'UNAVAILABLE' });
      expect(nodeLoad.summary().n1).toMatchObject({ sent: 1, ok: 0, failed: 1 });
    } finally {
      client.close();
    }
  });
});
