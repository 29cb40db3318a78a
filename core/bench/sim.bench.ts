/**
 * The deterministic simulator's speed: simulated client operations per second of wall
 * time, per mechanism, with every fault on (checks included, since a run is not done
 * until it is judged), plus the raw event rate of the world itself.
 */
import type { Input, Machine, NodeId, Ready } from '../algorithms/common/types';
import { MECHANISMS, mechanismNames } from '../sim/mechanisms/index';
import { SimWorld } from '../sim/world';
import { FAULT_KINDS } from '../sim/timeline';
import { type BenchSuite, type Measurement, summarize } from './harness';

/** A machine that does almost nothing, so the world's own overhead is what gets measured. */
class Gossip implements Machine<number, number, number, number> {
  private n = 0;
  constructor(
    readonly id: NodeId,
    private readonly peers: readonly NodeId[],
  ) {}
  step(input: Input<number, number>): Ready<number, number, number> {
    if (input.kind !== 'tick' || ++this.n % 5 !== 0) return { persist: [], send: [], replies: [], events: [] };
    return { persist: [this.n], send: this.peers.filter((p) => p !== this.id).map((to) => ({ to, msg: this.n })), replies: [], events: [] };
  }
}

function worldEventsPerMs(seed: number): number {
  const nodes = ['n1', 'n2', 'n3', 'n4', 'n5'];
  const world = new SimWorld<number, number, number, number>({
    seed,
    nodes,
    factory: (id) => new Gossip(id, nodes),
    replyId: String,
    network: { dropProbability: 0.05, duplicateProbability: 0.05, longDelayProbability: 0.05 },
  });
  const start = performance.now();
  world.run(60_000);
  return world.stats.events / (performance.now() - start);
}

const suite: BenchSuite = {
  name: 'simulator',
  async run(ctx) {
    const out: Measurement[] = [];
    const runs = ctx.quick ? 3 : 7;
    const raw: number[] = [];
    for (let r = 0; r < runs; r++) raw.push(worldEventsPerMs(r + 1));
    out.push(summarize('sim world alone (5 nodes, trivial machine)', 'events/ms', raw, '60 s simulated: ticks + gossip with drop/dup/delay'));
    const seedsPerRun = ctx.quick ? 3 : 8;
    const ops = 200;
    // 2PC runs once per decision mode (classic blocks, paxos does not: both costs matter);
    // replication's modes have their own suite (replication.bench.ts).
    const variants: { name: string; label: string; extra: Record<string, unknown> }[] = mechanismNames().flatMap((name) =>
      name === 'twopc'
        ? [
            { name, label: 'twopc classic', extra: { mode: 'classic' } },
            { name, label: 'twopc paxos', extra: { mode: 'paxos' } },
          ]
        : [{ name, label: name, extra: {} }],
    );
    for (const { name: mechanism, label: name, extra } of variants) {
      const m = MECHANISMS[mechanism];
      if (m === undefined) continue;
      const opsPerSec: number[] = [];
      const eventsPerMs: number[] = [];
      let seed = 1;
      for (let r = 0; r < runs; r++) {
        let done = 0;
        let events = 0;
        let worldMs = 0;
        const start = performance.now();
        for (let i = 0; i < seedsPerRun; i++) {
          const report = m.run({ seed: seed++, faults: [...FAULT_KINDS], ops, keepHistory: false, ...extra });
          done += report.ops;
          events += report.stats.events;
          worldMs += report.stats.worldWallMs ?? report.wallMs;
        }
        const wallMs = performance.now() - start;
        opsPerSec.push((done / wallMs) * 1000);
        eventsPerMs.push(events / worldMs);
        ctx.progress(`sim ${name}: run ${r + 1}/${runs}, ${done} ops in ${wallMs.toFixed(0)} ms`);
      }
      out.push(summarize(`sim ${name}: client ops per wall second`, 'ops/s', opsPerSec, `${seedsPerRun} seeds x ${ops} ops, every fault on, checks included`));
      out.push(summarize(`sim ${name}: simulator events per wall ms`, 'events/ms', eventsPerMs, 'world only, checks excluded (where the mechanism measures it)'));
    }
    return out;
  },
};

export default suite;
