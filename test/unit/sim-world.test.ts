import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Prng } from '../../core/algorithms/common/prng';
import type { Input, Machine, NodeId, Ready } from '../../core/algorithms/common/types';
import { EventQueue, type Scheduled } from '../../core/sim/event-queue';
import { NodeClock } from '../../core/sim/clock';
import { Nemesis, baselineNetwork } from '../../core/sim/nemesis';
import { streamSeed } from '../../core/sim/seeds';
import { FAULT_KINDS } from '../../core/sim/timeline';
import { SimWorld } from '../../core/sim/world';
import type { NetworkConfig } from '../../core/sim/network';

// A tiny machine of our own: a durable counter that gossips every increment to its peers.
type Msg = { type: 'gossip'; n: number };
type Req = { id: string; kind: 'incr' };
type Rec = { n: number };
type Rep = { id: string; value: number; from: NodeId };
type Ev = { kind: 'seen'; from: NodeId; n: number } | { kind: 'tick'; nowMs: number };

class Counter implements Machine<Msg, Req, Rec, Rep, Ev> {
  private count: number;
  constructor(
    readonly id: NodeId,
    private readonly peers: readonly NodeId[],
    durable: readonly Rec[],
  ) {
    this.count = durable[durable.length - 1]?.n ?? 0;
  }
  step(input: Input<Msg, Req>): Ready<Msg, Rec, Rep, Ev> {
    switch (input.kind) {
      case 'tick':
        return { persist: [], send: [], replies: [], events: [{ kind: 'tick', nowMs: input.nowMs }] };
      case 'message':
        return { persist: [], send: [], replies: [], events: [{ kind: 'seen', from: input.from, n: input.msg.n }] };
      case 'request': {
        this.count++;
        const n = this.count;
        return {
          persist: [{ n }],
          send: this.peers.filter((p) => p !== this.id).map((to) => ({ to, msg: { type: 'gossip', n } })),
          replies: [{ id: input.request.id, value: n, from: this.id }],
          events: [],
        };
      }
    }
  }
}

const NODES = ['n1', 'n2', 'n3'];

function makeWorld(seed: number, network: Partial<NetworkConfig> = {}, nodes = NODES) {
  const events: Array<{ node: NodeId; ev: Ev; atMs: number; incarnation: number }> = [];
  const restoredFrom: Array<{ id: NodeId; records: number }> = [];
  const world = new SimWorld<Msg, Req, Rec, Rep, Ev>({
    seed,
    nodes,
    tickMs: 10,
    network,
    factory: (id, durable) => {
      restoredFrom.push({ id, records: durable.length });
      return new Counter(id, nodes, durable);
    },
    replyId: (r) => r.id,
    onEvent: (node, ev, incarnation, atMs) => events.push({ node, ev, atMs, incarnation }),
  });
  return { world, events, restoredFrom };
}

function incr(world: SimWorld<Msg, Req, Rec, Rep, Ev>, node: NodeId, id: string): Rep[] {
  const got: Rep[] = [];
  world.request(node, id, { id, kind: 'incr' }, (r) => got.push(r));
  return got;
}

const seen = (events: ReturnType<typeof makeWorld>['events'], node: NodeId) =>
  events.filter((e) => e.node === node && e.ev.kind === 'seen').map((e) => (e.ev as { n: number }).n);

describe('event queue', () => {
  it('orders by time, then by insertion', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 200 }), (times) => {
        const q = new EventQueue<Scheduled & { label: number }>();
        times.forEach((atMs, label) => q.push({ atMs, seq: 0, label }));
        const out: number[] = [];
        for (let e = q.pop(); e !== undefined; e = q.pop()) out.push(e.label);
        const expected = times.map((t, label) => ({ t, label })).sort((a, b) => a.t - b.t || a.label - b.label).map((x) => x.label);
        expect(out).toEqual(expected);
      }),
    );
  });
});

describe('node clock', () => {
  it('applies offset, jumps forward and changes rate from the current reading', () => {
    const c = new NodeClock(500);
    expect(c.localMs(100)).toBe(600);
    c.setRate(100, 2);
    expect(c.localMs(150)).toBe(700);
    c.jump(150, 50);
    expect(c.localMs(150)).toBe(750);
    expect(c.virtualDelta(10)).toBe(5);
    expect(() => c.jump(150, -1)).toThrow(/forward/);
  });
});

describe('SimWorld', () => {
  it('delivers requests, replies and messages', () => {
    const { world, events } = makeWorld(1);
    const replies = incr(world, 'n1', 'a');
    world.run(100);
    expect(replies).toEqual([{ id: 'a', value: 1, from: 'n1' }]);
    expect(seen(events, 'n2')).toEqual([1]);
    expect(seen(events, 'n3')).toEqual([1]);
    expect(world.durable('n1')).toEqual([{ n: 1 }]);
  });

  it('replays a seed exactly, and another seed differs', () => {
    const trace = (seed: number): string => {
      const { world, events } = makeWorld(seed, { dropProbability: 0.2, duplicateProbability: 0.2, maxDelayMs: 30 });
      for (let i = 0; i < 30; i++) world.after(i * 7, () => void incr(world, NODES[i % 3] as NodeId, `r${i}`));
      world.run(500);
      return JSON.stringify({ events, stats: world.stats });
    };
    expect(trace(42)).toBe(trace(42));
    expect(trace(42)).not.toBe(trace(43));
  });

  it('reorders messages with random delays', () => {
    const { world, events } = makeWorld(7, { minDelayMs: 1, maxDelayMs: 50 });
    for (let i = 0; i < 20; i++) world.after(i, () => void incr(world, 'n1', `r${i}`));
    world.run(1000);
    const order = seen(events, 'n2');
    expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(order).not.toEqual([...order].sort((a, b) => a - b));
  });

  it('drops everything at drop probability 1 and doubles everything at duplicate probability 1', () => {
    const lossy = makeWorld(3, { dropProbability: 1 });
    const lost = incr(lossy.world, 'n1', 'x');
    lossy.world.run(100);
    expect(lost).toEqual([]);
    const doubled = makeWorld(3, { duplicateProbability: 1 });
    incr(doubled.world, 'n1', 'x');
    doubled.world.run(100);
    // The request arrives twice (two increments), each gossiped twice.
    expect(seen(doubled.events, 'n2').sort()).toEqual([1, 1, 2, 2]);
  });

  it('cuts links one way only', () => {
    const { world, events } = makeWorld(5);
    world.network.cut('n1', 'n2');
    incr(world, 'n1', 'a');
    incr(world, 'n2', 'b');
    world.run(100);
    expect(seen(events, 'n2')).toEqual([]);
    expect(seen(events, 'n3')).toEqual([1, 1]) // from n1 and from n2;
    expect(seen(events, 'n1')).toEqual([1]);
  });

  it('keeps durable records across a crash and rebuilds the machine from them', () => {
    const { world, restoredFrom } = makeWorld(9);
    incr(world, 'n1', 'a');
    incr(world, 'n1', 'b');
    world.run(50);
    world.crash('n1');
    expect(world.status('n1')).toBe('down');
    expect(world.machine('n1')).toBeUndefined();
    const whileDown = incr(world, 'n1', 'c');
    world.run(100);
    expect(whileDown).toEqual([]);
    world.restart('n1');
    expect(restoredFrom.at(-1)).toEqual({ id: 'n1', records: 2 });
    expect(world.incarnation('n1')).toBe(1);
    const after = incr(world, 'n1', 'd');
    world.run(200);
    expect(after.map((r) => r.value)).toEqual([3]);
  });

  it('a torn crash loses the unsynced records and sends nothing of that step', () => {
    const { world, events } = makeWorld(11);
    incr(world, 'n1', 'a');
    world.run(50);
    world.crash('n1', true);
    expect(world.status('n1')).toBe('up'); // waiting for a write to tear
    const torn = incr(world, 'n1', 'b');
    world.run(100);
    expect(world.status('n1')).toBe('down');
    expect(torn).toEqual([]);
    expect(world.durable('n1')).toEqual([{ n: 1 }]); // a one-record batch keeps no prefix
    expect(seen(events, 'n2')).toEqual([1]);
    expect(world.timeline.events.at(-1)?.detail).toMatch(/torn write: 0 of 1 records synced, 2 messages/);
    expect(world.lostRecords()).toBe(1);
  });

  it('a torn crash with no write in its window becomes a plain crash', () => {
    const { world } = makeWorld(12);
    world.crash('n2', true);
    world.run(200);
    expect(world.status('n2')).toBe('down');
    expect(world.timeline.events.at(-1)?.detail).toMatch(/plain crash/);
  });

  it('a paused node processes nothing, then sees its clock jumped and its queued messages', () => {
    const { world, events } = makeWorld(13);
    world.run(100);
    world.pause('n2');
    const pausedAt = world.now;
    incr(world, 'n1', 'a');
    world.run(1100);
    expect(seen(events, 'n2')).toEqual([]);
    const ticksWhilePaused = events.filter((e) => e.node === 'n2' && e.ev.kind === 'tick' && e.atMs > pausedAt);
    expect(ticksWhilePaused).toEqual([]);
    world.resume('n2');
    world.run(1200);
    expect(seen(events, 'n2')).toEqual([1]);
    const firstTick = events.find((e) => e.node === 'n2' && e.ev.kind === 'tick' && e.atMs > pausedAt);
    expect(firstTick?.ev).toEqual({ kind: 'tick', nowMs: 1100 });
  });

  it('ticks each node every tickMs of its own skewed clock', () => {
    const { world, events } = makeWorld(17);
    world.clock('n3').jump(0, 5000);
    world.clock('n3').setRate(0, 2);
    world.run(100);
    const ticks = (n: NodeId) => events.filter((e) => e.node === n && e.ev.kind === 'tick').map((e) => (e.ev as { nowMs: number }).nowMs);
    const n3 = ticks('n3');
    expect(n3.length).toBeGreaterThanOrEqual(19); // twice as many ticks as a normal node
    expect(ticks('n1').length).toBeLessThanOrEqual(10);
    expect(n3[0]).toBeGreaterThanOrEqual(5000);
    for (let i = 1; i < n3.length; i++) expect((n3[i] as number) - (n3[i - 1] as number)).toBeCloseTo(10, 6);
  });

  it('derives independent streams per purpose', () => {
    expect(streamSeed(1, 'network')).toBe(streamSeed(1, 'network'));
    expect(streamSeed(1, 'network')).not.toBe(streamSeed(1, 'nemesis'));
    expect(streamSeed(1, 'network')).not.toBe(streamSeed(2, 'network'));
  });
});

describe('nemesis', () => {
  it('injects only the enabled faults, never impairs a majority, and heals at stop', () => {
    const nodes = ['n1', 'n2', 'n3', 'n4', 'n5'];
    for (const seed of [1, 2, 3, 4, 5]) {
      const faults = new Set(FAULT_KINDS);
      const { world } = makeWorld(seed, baselineNetwork(faults), nodes);
      const real = new Nemesis(world, makePrng(seed), { faults });
      real.start();
      let maxImpaired = 0;
      const sample = (): void => {
        maxImpaired = Math.max(maxImpaired, nodes.filter((n) => world.status(n) !== 'up').length);
        if (world.now < 20_000) world.after(1, sample);
      };
      sample();
      world.run(20_000);
      real.stop();
      expect(maxImpaired).toBeLessThanOrEqual(2);
      expect(maxImpaired).toBeGreaterThanOrEqual(1);
      const kinds = new Set(world.timeline.events.map((e) => e.kind));
      for (const k of ['partition', 'crash', 'pause', 'skew', 'heal']) expect(kinds).toContain(k);
      expect(nodes.every((n) => world.status(n) === 'up')).toBe(true);
      expect(world.network.cutCount).toBe(0);
    }
  });

  it('injects nothing when no fault is enabled', () => {
    const { world } = makeWorld(1);
    new Nemesis(world, makePrng(1), { faults: new Set() }).start();
    world.run(5000);
    expect(world.timeline.events).toEqual([]);
  });
});

function makePrng(seed: number): Prng {
  return new Prng(seed);
}

describe('message isolation', () => {
  it('delivers clones when asked, the sender\'s object otherwise', () => {
    const received: unknown[] = [];
    const sent = { type: 'gossip', n: 1 } as const;
    class Sender implements Machine<typeof sent, Req, Rec, Rep, never> {
      constructor(readonly id: NodeId) {}
      step(input: Input<typeof sent, Req>): Ready<typeof sent, Rec, Rep, never> {
        if (input.kind === 'message') received.push(input.msg);
        const send = input.kind === 'request' ? [{ to: 'n2', msg: sent }] : [];
        return { persist: [], send, replies: [], events: [] };
      }
    }
    for (const cloneMessages of [false, true]) {
      received.length = 0;
      const world = new SimWorld<typeof sent, Req, Rec, Rep, never>({ seed: 1, nodes: ['n1', 'n2'], factory: (id) => new Sender(id), replyId: (r) => r.id, cloneMessages });
      world.request('n1', 'x', { id: 'x', kind: 'incr' }, () => undefined);
      world.run(50);
      expect(received).toEqual([sent]);
      expect(received[0] === sent).toBe(!cloneMessages);
    }
  });
});

describe('the simulator is no gentler than a real node (copies by default)', () => {
  /** Sends one message and persists one record, then mutates both, as a careless machine might. */
  class Mutator implements Machine<{ n: number }, Req, Rec, Rep, never> {
    readonly received: { n: number }[] = [];
    constructor(readonly id: NodeId) {}
    step(input: Input<{ n: number }, Req>): Ready<{ n: number }, Rec, Rep, never> {
      if (input.kind === 'message') this.received.push(input.msg);
      if (input.kind !== 'request') return { persist: [], send: [], replies: [], events: [] };
      const msg = { n: 1 };
      const rec = { n: 1 };
      // The host writes and sends only after the step returns; these run later, on the next tick.
      queueMutation = () => {
        msg.n = 99;
        rec.n = 99;
      };
      return { persist: [rec], send: [{ to: 'n2', msg }], replies: [], events: [] };
    }
  }
  let queueMutation: () => void = () => undefined;

  it('a message mutated by its sender after the step arrives as it was sent; a record mutated after persisting stays as written', () => {
    const machines = new Map<NodeId, Mutator>();
    const world = new SimWorld<{ n: number }, Req, Rec, Rep, never>({
      seed: 3,
      nodes: ['n1', 'n2'],
      factory: (id) => machines.set(id, new Mutator(id)).get(id) as Mutator,
      replyId: (r) => r.id,
      network: { dropProbability: 0, duplicateProbability: 0, longDelayProbability: 0 },
    });
    let stepped = false;
    const mutateLater = queueMutation;
    world.request('n1', 'x', { id: 'x', kind: 'incr' }, () => undefined);
    // Stop right after the request's step: message on the wire, record on disk.
    world.run(200, () => (stepped = queueMutation !== mutateLater));
    expect(stepped).toBe(true);
    queueMutation();
    world.run(200);
    expect(machines.get('n2')?.received).toEqual([{ n: 1 }]);
    expect(world.durable('n1')).toEqual([{ n: 1 }]);
    // A restart reads fresh copies: mutating what was restored does not touch the disk.
    const copy = world.durable('n1')[0] as Rec;
    copy.n = 7;
    expect(world.durable('n1')).toEqual([{ n: 1 }]);
  });

  it('refuses a message JSON cannot carry, as a real transport would', () => {
    class Sends implements Machine<unknown, Req, Rec, Rep, never> {
      constructor(readonly id: NodeId) {}
      step(input: Input<unknown, Req>): Ready<unknown, Rec, Rep, never> {
        return { persist: [], send: input.kind === 'request' ? [{ to: 'n2', msg: undefined }] : [], replies: [], events: [] };
      }
    }
    const world = new SimWorld<unknown, Req, Rec, Rep, never>({ seed: 1, nodes: ['n1', 'n2'], factory: (id) => new Sends(id), replyId: (r) => r.id, network: { dropProbability: 0, duplicateProbability: 0, longDelayProbability: 0 } });
    world.request('n1', 'x', { id: 'x', kind: 'incr' }, () => undefined);
    expect(() => world.run(50)).toThrow(/messages must be JSON values/);
  });
});
