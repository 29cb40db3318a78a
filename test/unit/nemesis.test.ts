import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Link, PartitionRequest } from '../../core/algorithms/common/partitions';
import { FAULT_KINDS, Nemesis, maxDown, nodesDown, parseFaultList, planNemesis, type FaultTarget, type NemesisPeriod } from '../../core/supervisor/nemesis';

const nodes5 = ['n1', 'n2', 'n3', 'n4', 'n5'];

describe('planNemesis', () => {
  it('is a function of its seed: same seed, same schedule; another seed, another', () => {
    const opts = { faults: [...FAULT_KINDS], nodes: nodes5, durationMs: 60_000 };
    const a = planNemesis({ ...opts, seed: 7 });
    expect(planNemesis({ ...opts, seed: 7 })).toEqual(a);
    expect(planNemesis({ ...opts, seed: 8 })).not.toEqual(a);
    expect(a.length).toBeGreaterThan(3);
  });

  it('keeps a quiet baseline and a quiet tail, and periods never overlap', () => {
    const plan = planNemesis({ seed: 3, faults: ['kill', 'partition'], nodes: nodes5, durationMs: 30_000, baselineMs: 4_000, tailMs: 6_000 });
    expect(plan[0]!.startMs).toBe(4_000);
    for (const p of plan) {
      expect(p.healMs).toBeGreaterThan(p.startMs);
      expect(p.healMs).toBeLessThanOrEqual(24_000);
    }
    for (let i = 1; i < plan.length; i++) expect(plan[i]!.startMs).toBeGreaterThan(plan[i - 1]!.healMs);
  });

  it('never takes down a majority, for any seed and cluster size (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.integer({ min: 3, max: 9 }), (seed, n) => {
        const nodes = Array.from({ length: n }, (_, i) => `n${i + 1}`);
        const plan = planNemesis({ seed, faults: ['kill', 'pause', 'kill-leader', 'drop'], nodes, durationMs: 40_000 });
        for (const p of plan) {
          expect(nodesDown(p.fault)).toBeLessThanOrEqual(maxDown(n));
          expect(nodesDown(p.fault)).toBeLessThan(n / 2);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('uses only the faults asked for', () => {
    const plan = planNemesis({ seed: 11, faults: ['pause'], nodes: nodes5, durationMs: 60_000 });
    expect(new Set(plan.map((p) => p.fault.kind))).toEqual(new Set(['pause']));
    expect(planNemesis({ seed: 11, faults: [], nodes: nodes5, durationMs: 60_000 })).toEqual([]);
  });

  it('plans no node-killing faults where no node may go down (2 nodes)', () => {
    expect(planNemesis({ seed: 1, faults: ['kill', 'pause'], nodes: ['n1', 'n2'], durationMs: 30_000 })).toEqual([]);
  });
});

describe('parseFaultList', () => {
  it('accepts names, all and none; names the valid faults when one is wrong', () => {
    expect(parseFaultList('kill,pause,kill')).toEqual({ ok: true, faults: ['kill', 'pause'] });
    expect(parseFaultList('all')).toEqual({ ok: true, faults: [...FAULT_KINDS] });
    expect(parseFaultList('none')).toEqual({ ok: true, faults: [] });
    const bad = parseFaultList('kill,explode');
    expect(bad.ok).toBe(false);
    expect(bad.ok ? '' : bad.message).toContain('"explode"');
    expect(bad.ok ? '' : bad.message).toContain('partition');
  });
});

/** A cluster that only writes down what was done to it, with a settable clock. */
class FakeCluster implements FaultTarget {
  readonly ids = nodes5;
  readonly log: string[] = [];
  readonly state = new Map<string, 'up' | 'killed' | 'paused'>(nodes5.map((n) => [n, 'up']));
  networkFaults = 0;
  async kill(id: string): Promise<void> {
    this.log.push(`kill ${id}`);
    this.state.set(id, 'killed');
  }
  async restart(id: string): Promise<void> {
    if (this.state.get(id) !== 'killed') throw new Error(`${id} is not killed`);
    this.log.push(`restart ${id}`);
    this.state.set(id, 'up');
  }
  pause(id: string): void {
    this.log.push(`pause ${id}`);
    this.state.set(id, 'paused');
  }
  resume(id: string): void {
    if (this.state.get(id) !== 'paused') throw new Error(`${id} is not paused`);
    this.log.push(`resume ${id}`);
    this.state.set(id, 'up');
  }
  partition(request: PartitionRequest): Link[] {
    this.log.push(`partition ${request.shape} ${request.node ?? ''}`);
    this.networkFaults++;
    return [];
  }
  setLinkFault(from: string, to: string): void {
    this.log.push(`link ${from}->${to}`);
    this.networkFaults++;
  }
  setSkew(id: string, skewMs: number): void {
    this.log.push(`skew ${id} ${skewMs}`);
    this.networkFaults++;
  }
  heal(): void {
    this.log.push('heal');
    this.networkFaults = 0;
  }
  down(): string[] {
    return [...this.state].filter(([, s]) => s !== 'up').map(([n]) => n);
  }
}

describe('Nemesis', () => {
  const period = (id: number, fault: NemesisPeriod['fault'], startMs = 0, healMs = 0): NemesisPeriod => ({ id, fault, startMs, healMs });

  it('carries out a schedule and heals each fault; the timeline pairs every fault with its heal', async () => {
    const cluster = new FakeCluster();
    const plan = [
      period(0, { kind: 'kill', nodes: ['n2', 'n3'] }, 1, 2),
      period(1, { kind: 'pause', nodes: ['n4'] }, 3, 4),
      period(2, { kind: 'partition', shape: 'halves', node: 'n1' }, 5, 6),
      period(3, { kind: 'drop', nodes: ['n5'], probability: 0.2 }, 7, 8),
    ];
    const recorded: string[] = [];
    // The clock stands still at 0, so each step waits its few real ms and none is late.
    const cluster2 = cluster;
    const full = new Nemesis(cluster2, plan, { clock: () => 0, record: (k, t) => recorded.push(`${k}: ${t}`) });
    full.start();
    await full.finished();
    await full.stop();
    expect(cluster2.down()).toEqual([]);
    expect(cluster2.networkFaults).toBe(0);
    expect(cluster2.log).toContain('kill n2');
    expect(cluster2.log).toContain('restart n3');
    expect(cluster2.log).toContain('resume n4');
    expect(cluster2.log).toContain('partition halves n1');
    expect(cluster2.log.filter((l) => l.startsWith('link')).length).toBe(8); // n5 <-> 4 others, both ways
    const faults = full.timeline.filter((e) => e.phase === 'fault').map((e) => e.period);
    const heals = full.timeline.filter((e) => e.phase === 'heal').map((e) => e.period);
    expect(faults).toEqual([0, 1, 2, 3]);
    for (const p of faults) expect(heals).toContain(p);
    expect(full.timeline.at(-1)?.text).toContain('final heal');
    expect(recorded.some((r) => r.startsWith('heal: final heal'))).toBe(true);
  });

  it('heals everything when stopped in the middle of a fault', async () => {
    let now = 0;
    const cluster = new FakeCluster();
    const plan = [period(0, { kind: 'kill', nodes: ['n1', 'n2'] }, 0, 60_000)];
    const nemesis = new Nemesis(cluster, plan, { clock: () => now });
    nemesis.start();
    await new Promise((r) => setTimeout(r, 10));
    expect(cluster.down()).toEqual(['n1', 'n2']);
    // The fault in force, as an event (the panel codes it into a line it can translate).
    expect(nemesis.currentEvent).toMatchObject({ phase: 'fault', kind: 'kill', nodes: ['n1', 'n2'] });
    now = 1_000;
    await nemesis.stop();
    expect(nemesis.currentEvent).toBeUndefined();
    expect(cluster.down()).toEqual([]);
    expect(nemesis.timeline.filter((e) => e.phase === 'heal')).toHaveLength(2);
  });

  it('kills the leader it is told about, and respects the cap when nodes are still down', async () => {
    const cluster = new FakeCluster();
    const plan = [period(0, { kind: 'kill-leader', fallback: 'n5' }, 1, 2), period(1, { kind: 'partition', shape: 'isolate-leader', node: 'n5' }, 3, 4)];
    const nemesis = new Nemesis(cluster, plan, { clock: () => 0, leader: () => 'n3' });
    nemesis.start();
    await nemesis.finished();
    await nemesis.stop();
    expect(cluster.log).toContain('kill n3');
    expect(cluster.log).toContain('partition isolate-leader n3');
    expect(nemesis.timeline[0]?.nodes).toEqual(['n3']);
  });

  it('skips a period that an earlier slow heal ran past, instead of recording a fault of no length', async () => {
    const cluster = new FakeCluster();
    const nemesis = new Nemesis(cluster, [period(0, { kind: 'pause', nodes: ['n1'] }, 10, 20)], { clock: () => 25 });
    nemesis.start();
    await nemesis.finished();
    await nemesis.stop();
    expect(cluster.log).not.toContain('pause n1');
    expect(nemesis.timeline[0]).toMatchObject({ phase: 'error', period: 0 });
    expect(nemesis.timeline[0]?.text).toContain('skipped');
  });

  it('caps a kill that would take a majority down', async () => {
    const cluster = new FakeCluster();
    // A broken plan asking for 3 of 5 nodes: the executor caps it at 2.
    const plan = [period(0, { kind: 'kill', nodes: ['n1', 'n2', 'n3'] }, 0, 1e9)];
    let now = 0;
    const nemesis = new Nemesis(cluster, plan, { clock: () => now });
    nemesis.start();
    await new Promise((r) => setTimeout(r, 10));
    expect(cluster.down()).toEqual(['n1', 'n2']);
    now = 1e9;
    await nemesis.stop();
    expect(cluster.down()).toEqual([]);
  });
});
