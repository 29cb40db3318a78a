/**
 * The nemesis: schedules faults from the seed in alternating periods of trouble and calm,
 * as Jepsen's nemeses and TigerBeetle's VOPR do. Faults are capped at what the protocol
 * claims to tolerate for LIVENESS (by default at most a minority of nodes down or paused
 * at once), so the run keeps making progress; safety is checked regardless. Every fault
 * and heal lands on the world's timeline.
 */
import type { Prng } from '../algorithms/common/prng';
import type { NodeId } from '../algorithms/common/types';
import { unreachable } from '../algorithms/common/unreachable';
import { DEFAULT_NETWORK, type NetworkConfig } from './network';
import { type Link, PARTITION_SHAPES, type PartitionShape, partitionCuts } from '../algorithms/common/partitions';
import type { FaultKind } from './timeline';

/** What the nemesis needs from a world (any SimWorld fits). */
export interface NemesisTarget {
  readonly now: number;
  readonly nodeIds: NodeId[];
  readonly network: { config: NetworkConfig; cut(from: NodeId, to: NodeId): void; healAll(): void };
  readonly timeline: { record(atMs: number, kind: FaultKind | 'heal' | 'restart' | 'resume', detail: string): void };
  after(delayMs: number, fn: () => void): void;
  status(id: NodeId): 'up' | 'down' | 'paused';
  crash(id: NodeId, torn?: boolean, when?: (records: readonly unknown[]) => boolean, windowMs?: number): void;
  restart(id: NodeId): void;
  pause(id: NodeId): void;
  resume(id: NodeId): void;
  /** Optional: lets targeted scenarios react to what nodes persist. */
  watchPersist?(watch: (node: NodeId, records: readonly unknown[]) => void): void;
  watchSend?(watch: (node: NodeId, messages: readonly { to: NodeId; msg: unknown }[]) => void): void;
  clock(id: NodeId): { setRate(virtualMs: number, rate: number): void; jump(virtualMs: number, jumpMs: number): void };
}

export interface NemesisOptions {
  faults: ReadonlySet<FaultKind>;
  /** Nodes that may be down or paused at once. Default: a minority, floor((n-1)/2). */
  maxImpaired?: number;
  /** How long a period of faults lasts, and the calm between them (virtual ms). */
  faultPeriodMs?: readonly [number, number];
  calmPeriodMs?: readonly [number, number];
  /** Faults started per fault period (at least one). */
  faultsPerPeriod?: readonly [number, number];
  /** Partition shapes to draw from ('custom': random one-way cuts). Default: all. */
  partitionShapes?: readonly SimPartitionShape[];
  /** Who leads now, if the mechanism knows (for 'isolate-leader'). */
  leader?: () => NodeId | undefined;
  /** Probability that a crash tears the write in progress. */
  tornCrashProbability?: number;
  /** Largest forward clock jump, and the clock rate range, for `skew`. */
  maxClockJumpMs?: number;
  clockRate?: readonly [number, number];
  /** A scripted schedule run next to (or, with no faults, instead of) the random mix. */
  script?: (ctx: ScriptContext) => void;
}

/** What a scripted scenario may use: the world, its own random stream, and heal hooks. */
export interface ScriptContext {
  readonly world: NemesisTarget;
  readonly prng: Prng;
  /** Who leads now, if the mechanism knows. */
  leader(): NodeId | undefined;
  /** True once the run's final heal began: schedule nothing more. */
  stopped(): boolean;
  /** Registers how to undo a fault; the nemesis runs it at its next heal or at stop. */
  onHeal(heal: () => void): void;
}

/** The network's baseline when drop/dup are on: rare trouble even in calm periods. */
export function baselineNetwork(faults: ReadonlySet<FaultKind>): Partial<NetworkConfig> {
  return {
    dropProbability: faults.has('drop') ? 0.01 : 0,
    duplicateProbability: faults.has('dup') ? 0.01 : 0,
    longDelayProbability: faults.has('drop') || faults.has('dup') ? 0.02 : 0,
    longDelayMs: 60,
  };
}

export type SimPartitionShape = PartitionShape | 'custom';
export const SIM_PARTITION_SHAPES: readonly SimPartitionShape[] = [...PARTITION_SHAPES, 'custom'];

export class Nemesis {
  private readonly maxImpaired: number;
  private readonly impaired = new Set<NodeId>();
  private readonly healers: Array<() => void> = [];
  private stopped = false;
  private readonly baseline: NetworkConfig;
  private readonly kinds: FaultKind[];

  constructor(
    private readonly world: NemesisTarget,
    private readonly prng: Prng,
    private readonly opts: NemesisOptions,
  ) {
    const n = world.nodeIds.length;
    this.maxImpaired = opts.maxImpaired ?? Math.floor((n - 1) / 2);
    this.baseline = { ...world.network.config };
    this.kinds = [...opts.faults];
  }

  /** Starts the cycle: calm, faults, heal, calm, ... until `stop()`. */
  start(): void {
    this.opts.script?.({
      world: this.world,
      prng: this.prng.fork(),
      stopped: () => this.stopped,
      leader: () => this.opts.leader?.(),
      onHeal: (heal) => this.healers.push(heal),
    });
    if (this.kinds.length === 0) return;
    this.world.after(this.draw(this.opts.calmPeriodMs ?? [100, 400]), () => this.faultPeriod());
  }

  /** Heals everything now and schedules nothing more (the run's final calm). */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.healAll();
  }

  private faultPeriod(): void {
    if (this.stopped) return;
    const [lo, hi] = this.opts.faultsPerPeriod ?? [1, 2];
    const count = this.prng.between(lo, hi);
    for (let i = 0; i < count; i++) this.inject(this.prng.pick(this.kinds));
    this.world.after(this.draw(this.opts.faultPeriodMs ?? [200, 1500]), () => {
      if (this.stopped) return;
      this.healAll();
      this.world.after(this.draw(this.opts.calmPeriodMs ?? [100, 400]), () => this.faultPeriod());
    });
  }

  /** Undoes every fault now (scripts call it at the end of their own fault periods). */
  healAll(): void {
    const healers = this.healers.splice(0);
    if (healers.length === 0) return;
    for (const heal of healers) heal();
    this.world.timeline.record(this.world.now, 'heal', `${healers.length} fault(s) healed`);
  }

  private inject(kind: FaultKind): void {
    const w = this.world;
    switch (kind) {
      case 'drop': {
        const p = 0.05 + this.prng.next() * 0.25;
        w.network.config = { ...w.network.config, dropProbability: p, longDelayProbability: 0.1 };
        w.timeline.record(w.now, 'drop', `drop ${(p * 100).toFixed(0)}% of messages, 10% delayed long`);
        this.healers.push(() => (w.network.config = { ...w.network.config, dropProbability: this.baseline.dropProbability, longDelayProbability: this.baseline.longDelayProbability }));
        return;
      }
      case 'dup': {
        const p = 0.05 + this.prng.next() * 0.25;
        w.network.config = { ...w.network.config, duplicateProbability: p };
        w.timeline.record(w.now, 'dup', `duplicate ${(p * 100).toFixed(0)}% of messages`);
        this.healers.push(() => (w.network.config = { ...w.network.config, duplicateProbability: this.baseline.duplicateProbability }));
        return;
      }
      case 'partition': {
        const shapes = this.opts.partitionShapes ?? SIM_PARTITION_SHAPES;
        const { cuts, detail } = this.partition(this.prng.pick(shapes));
        for (const c of cuts) w.network.cut(c.from, c.to);
        w.timeline.record(w.now, 'partition', detail);
        this.healers.push(() => w.network.healAll());
        return;
      }
      case 'crash': {
        const victim = this.pickVictim();
        if (victim === undefined) return;
        const torn = this.prng.chance(this.opts.tornCrashProbability ?? 0.5);
        this.impaired.add(victim);
        w.crash(victim, torn);
        this.healers.push(() => {
          // A torn crash may still be waiting for a write; make sure the node is down first.
          if (w.status(victim) !== 'down') w.crash(victim);
          w.restart(victim);
          this.impaired.delete(victim);
        });
        return;
      }
      case 'pause': {
        const victim = this.pickVictim();
        if (victim === undefined) return;
        this.impaired.add(victim);
        w.pause(victim);
        this.healers.push(() => {
          w.resume(victim);
          this.impaired.delete(victim);
        });
        return;
      }
      case 'skew': {
        const victim = this.prng.pick(w.nodeIds);
        const [rlo, rhi] = this.opts.clockRate ?? [0.8, 1.25];
        const rate = rlo + this.prng.next() * (rhi - rlo);
        const jumpMs = Math.floor(this.prng.next() * (this.opts.maxClockJumpMs ?? 1000));
        const clock = w.clock(victim);
        clock.jump(w.now, jumpMs);
        clock.setRate(w.now, rate);
        w.timeline.record(w.now, 'skew', `${victim} clock jumps +${jumpMs} ms, runs at ${rate.toFixed(2)}x`);
        this.healers.push(() => w.clock(victim).setRate(w.now, 1));
        return;
      }
      default:
        return unreachable(kind, 'fault kind');
    }
  }

  private partition(shape: SimPartitionShape): { cuts: Link[]; detail: string } {
    // A shuffled order, so halves, rings and bridges fall differently on every run.
    const nodes = this.prng.shuffle([...this.world.nodeIds]);
    if (shape === 'custom') {
      const cuts: Link[] = [];
      for (const from of nodes) for (const to of nodes) if (from !== to && this.prng.chance(0.25)) cuts.push({ from, to });
      return { cuts, detail: `custom cuts ${cuts.map((c) => `${c.from}->${c.to}`).join(' ') || '(none)'}` };
    }
    let node: NodeId | undefined = nodes[0];
    if (shape === 'isolate-leader') node = this.opts.leader?.() ?? node;
    const cuts = partitionCuts(nodes, { shape, node });
    const where = shape === 'isolate' || shape === 'isolate-leader' || shape === 'one-way' ? ` ${String(node)}` : ` over ${nodes.join(',')}`;
    return { cuts, detail: `${shape}${where}` };
  }

  /** A node that may go down without exceeding the cap, or undefined. */
  private pickVictim(): NodeId | undefined {
    if (this.impaired.size >= this.maxImpaired) return undefined;
    const candidates = this.world.nodeIds.filter((id) => !this.impaired.has(id) && this.world.status(id) === 'up');
    return candidates.length === 0 ? undefined : this.prng.pick(candidates);
  }

  private draw([lo, hi]: readonly [number, number]): number {
    return lo + this.prng.next() * (hi - lo);
  }
}

export { DEFAULT_NETWORK };
