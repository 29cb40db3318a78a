/**
 * Carries out a nemesis plan (nemesis-plan.ts) on a real cluster: real SIGKILL/SIGSTOP/SIGCONT
 * for process faults, partitions, link faults and clock skew pushed to the nodes. Every
 * fault and heal is written to the timeline (and to the panel's, when given), with the
 * node that was actually hit (the leader is looked up when a leader fault starts).
 * `stop()` always heals everything: paused nodes resumed, killed nodes restarted from disk,
 * every link and clock fault removed.
 */
import type { Link, PartitionRequest } from '../algorithms/common/partitions';
import { unreachable } from '../algorithms/common/unreachable';
import type { LinkFault } from '../protocol/control';
import { describeFault, maxDown, type FaultKind, type NemesisPeriod, type PlannedFault } from './nemesis-plan';

export * from './nemesis-plan';

/** What the nemesis needs from a cluster (core/supervisor/cluster.ts's Cluster has all of it). */
export interface FaultTarget {
  readonly ids: readonly string[];
  kill(id: string): Promise<void>;
  restart(id: string): Promise<void>;
  pause(id: string): void;
  resume(id: string): void;
  partition(request: PartitionRequest): readonly Link[];
  setLinkFault(from: string, to: string, fault: Omit<LinkFault, 'to'>): void;
  setSkew(id: string, skewMs: number): void;
  heal(): void;
}

export interface TimelineEvent {
  /** ms since the run started. */
  readonly atMs: number;
  readonly phase: 'fault' | 'heal' | 'error';
  /** The plan period this belongs to; -1 for the final heal-everything. */
  readonly period: number;
  readonly kind: FaultKind | 'all';
  /** The nodes actually hit. */
  readonly nodes: readonly string[];
  readonly text: string;
}

export interface NemesisOptions {
  /** ms since the run started (the workload's clock, so faults and operations line up). */
  readonly clock: () => number;
  /** The current leader, when one is known (for kill-leader and isolate-leader). */
  readonly leader?: () => string | undefined;
  /** Also write to another timeline (PanelApi.record). */
  readonly record?: (kind: string, text: string, event: TimelineEvent) => void;
}

/** What one started fault left behind, so its heal undoes exactly that. */
interface Active {
  readonly period: NemesisPeriod;
  readonly killed: string[];
  readonly paused: string[];
  network: boolean;
}

export class Nemesis {
  readonly timeline: TimelineEvent[] = [];
  private active: Active | undefined;
  /** Nodes down right now and how (so the final heal resumes or restarts each correctly). */
  private readonly down = new Map<string, 'killed' | 'paused'>();
  private stopped = false;
  private wake: (() => void) | undefined;
  private running: Promise<void> | undefined;
  /** Set while a heal is under way (a restart takes the node's boot time). */
  private healing: string | undefined;
  /** The heal under way as an event (for `currentEvent`). */
  private healingEvent: TimelineEvent | undefined;

  constructor(
    private readonly target: FaultTarget,
    readonly plan: readonly NemesisPeriod[],
    private readonly options: NemesisOptions,
  ) {}

  /** The fault in force right now, in words (for the progress line). */
  get current(): string | undefined {
    if (this.healing !== undefined) return `healing: ${this.healing}`;
    if (!this.active) return undefined;
    const last = [...this.timeline].reverse().find((e) => e.period === this.active?.period.id && e.phase === 'fault');
    return last?.text;
  }

  /** The same as an event (a heal while healing), for the panel's coded line. */
  get currentEvent(): TimelineEvent | undefined {
    if (this.healingEvent !== undefined) return this.healingEvent;
    if (!this.active) return undefined;
    return [...this.timeline].reverse().find((e) => e.period === this.active?.period.id && e.phase === 'fault');
  }

  /** Runs the plan in the background; `stop()` ends it. */
  start(): void {
    this.running ??= this.loop();
  }

  private async loop(): Promise<void> {
    for (const period of this.plan) {
      await this.sleepUntil(period.startMs);
      if (this.stopped) return;
      if (this.options.clock() >= period.healMs) {
        // An earlier heal (a slow restart) ran past this whole period: skip it rather than
        // record a fault that lasted no time at all.
        this.note('error', period.id, period.fault.kind, [], `${describeFault(period.fault)} skipped: the previous heal ran past its window`);
        continue;
      }
      await this.begin(period);
      await this.sleepUntil(period.healMs);
      if (this.stopped) return;
      await this.healActive();
    }
  }

  private sleepUntil(atMs: number): Promise<void> {
    const waitMs = atMs - this.options.clock();
    if (waitMs <= 0 || this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = undefined;
        resolve();
      }, waitMs);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
    });
  }

  private note(phase: TimelineEvent['phase'], period: number, kind: TimelineEvent['kind'], nodes: readonly string[], text: string, atMs = this.options.clock()): void {
    const event: TimelineEvent = { atMs: Math.round(atMs), phase, period, kind, nodes: [...nodes], text };
    this.timeline.push(event);
    this.options.record?.(phase, text, event);
  }

  /** Nodes of `wanted` that may still go down without a majority being down. */
  private capped(wanted: readonly string[]): string[] {
    const room = Math.max(0, maxDown(this.target.ids.length) - this.down.size);
    return wanted.filter((n) => !this.down.has(n)).slice(0, room);
  }

  private async begin(period: NemesisPeriod): Promise<void> {
    const active: Active = { period, killed: [], paused: [], network: false };
    this.active = active;
    const fault = period.fault;
    try {
      const nodes = await this.apply(fault, active);
      const hit = nodes[0];
      this.note('fault', period.id, fault.kind, nodes, nodes.length === 0 ? `${describeFault(fault)} (skipped: a majority would be down)` : describeFault(fault, hit));
    } catch (e) {
      this.note('error', period.id, fault.kind, [], `${describeFault(fault)} failed: ${(e as Error).message}`);
    }
  }

  /** Starts one fault; returns the nodes it hit. */
  private async apply(fault: PlannedFault, active: Active): Promise<string[]> {
    switch (fault.kind) {
      case 'kill':
      case 'kill-leader': {
        const wanted = fault.kind === 'kill' ? fault.nodes : [this.options.leader?.() ?? fault.fallback];
        const nodes = this.capped(wanted);
        for (const n of nodes) {
          this.down.set(n, 'killed');
          active.killed.push(n);
          await this.target.kill(n);
        }
        return nodes;
      }
      case 'pause': {
        const nodes = this.capped(fault.nodes);
        for (const n of nodes) {
          this.down.set(n, 'paused');
          active.paused.push(n);
          this.target.pause(n);
        }
        return nodes;
      }
      case 'partition': {
        const node = fault.shape === 'isolate-leader' ? (this.options.leader?.() ?? fault.node) : fault.node;
        active.network = true;
        this.target.partition({ shape: fault.shape, node });
        return [node];
      }
      case 'drop':
        return this.linkFault(fault.nodes, { drop: fault.probability }, active);
      case 'delay':
        return this.linkFault(fault.nodes, { delayMs: fault.delayMs, jitterMs: fault.jitterMs }, active);
      case 'duplicate':
        return this.linkFault(fault.nodes, { duplicate: fault.probability }, active);
      case 'skew':
        active.network = true;
        for (const n of fault.nodes) this.target.setSkew(n, fault.skewMs);
        return [...fault.nodes];
      default:
        return unreachable(fault, 'fault');
    }
  }

  private linkFault(nodes: readonly string[], setting: Omit<LinkFault, 'to'>, active: Active): string[] {
    active.network = true;
    const done = new Set<string>();
    for (const a of nodes) {
      for (const b of this.target.ids) {
        if (a === b) continue;
        for (const [from, to] of [[a, b], [b, a]] as const) {
          if (done.has(`${from}->${to}`)) continue;
          done.add(`${from}->${to}`);
          this.target.setLinkFault(from, to, setting);
        }
      }
    }
    return [...nodes];
  }

  /** Undoes what the active fault did. */
  private async healActive(): Promise<void> {
    const active = this.active;
    if (!active) return;
    this.active = undefined;
    const { period } = active;
    // The heal happens when it is ordered; a restart then takes the node's boot time,
    // which belongs to the recovery measured from here.
    const healAtMs = this.options.clock();
    const parts: string[] = [];
    this.healing = describeFault(period.fault);
    this.healingEvent = { atMs: Math.round(healAtMs), phase: 'heal', period: period.id, kind: period.fault.kind, nodes: [...active.paused, ...active.killed], text: `healing: ${this.healing}` };
    try {
      for (const n of active.paused) {
        this.target.resume(n);
        this.down.delete(n);
        parts.push(`resume (SIGCONT) ${n}`);
      }
      if (active.network) {
        this.target.heal();
        parts.push('heal network and clocks');
      }
      for (const n of active.killed) {
        await this.target.restart(n);
        this.down.delete(n);
        parts.push(`restart ${n}`);
      }
      this.note('heal', period.id, period.fault.kind, [...active.paused, ...active.killed], parts.join('; ') || 'nothing to heal', healAtMs);
    } catch (e) {
      this.note('error', period.id, period.fault.kind, [], `heal of "${describeFault(period.fault)}" failed: ${(e as Error).message}`);
    } finally {
      this.healing = undefined;
      this.healingEvent = undefined;
    }
  }

  /** Resolves when the whole plan has been carried out (or stopped). */
  finished(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  /** Stops the schedule and heals everything still broken. Safe to call twice. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.running;
    await this.healActive();
    // Whatever an earlier failed heal left behind: resume or restart every node still down.
    const finalAtMs = this.options.clock();
    const leftovers = [...this.down];
    for (const [n, how] of leftovers) {
      try {
        if (how === 'paused') this.target.resume(n);
        else await this.target.restart(n);
      } catch (e) {
        this.note('error', -1, 'all', [n], `final heal of ${n} (${how}) failed: ${(e as Error).message}`);
      }
      this.down.delete(n);
    }
    try {
      this.target.heal();
    } catch (e) {
      this.note('error', -1, 'all', [], `final heal failed: ${(e as Error).message}`);
    }
    this.note('heal', -1, 'all', leftovers.map(([n]) => n), 'final heal: every network and clock fault removed, every node up', finalAtMs);
  }
}
