/**
 * Watches the nodes' status reports for the signs that the cluster noticed a fault, for
 * the figures' time to detect: a peer's failure detector starting to suspect a node (a
 * rising edge of `suspicion[peer].suspected` in some node's report) and a leader change
 * (a node claiming leadership that is not the leader seen before). Times are on the run's
 * clock. Also collects the self-heal policy's restarts, converted to the same clock.
 */
import { compareBallots, type Ballot } from '../../algorithms/paxos/types';
import type { SelfHealRestartEvent } from '../self-heal';
import type { DetectionSignal, HealRestart } from './figures';

/** What the watch needs from a cluster (Cluster's 'status' event). */
export interface StatusEvents {
  on(event: 'status', listener: (id: string, status: Record<string, unknown>) => void): unknown;
  off(event: 'status', listener: (id: string, status: Record<string, unknown>) => void): unknown;
}

/** Where self-heal restarts are announced (a SelfHeal, or the Lab that forwards its policy's). */
export interface RestartEvents {
  on(event: 'restarted', listener: (e: SelfHealRestartEvent) => void): unknown;
  off(event: 'restarted', listener: (e: SelfHealRestartEvent) => void): unknown;
}

/** Keeps the watch bounded on a run of an hour with a flapping detector. */
const MAX_SIGNALS = 10_000;

export class DetectionWatch {
  readonly signals: DetectionSignal[] = [];
  readonly restarts: HealRestart[] = [];
  /** observer -> peers it suspects now. */
  private readonly suspected = new Map<string, Set<string>>();
  private leader: { node: string; ballot: Ballot } | undefined;
  private readonly onStatus = (id: string, status: Record<string, unknown>): void => this.observe(id, status);
  private readonly onRestart = (e: SelfHealRestartEvent): void => {
    const shift = this.nowMs() - this.policyNow();
    this.restarts.push({ node: e.node, crashAtMs: e.crashAtMs + shift, restartAtMs: e.restartAtMs + shift, upAtMs: e.upAtMs + shift });
  };

  constructor(
    private readonly source: StatusEvents | undefined,
    /** The run's clock (ms since it started). */
    private readonly nowMs: () => number,
    private readonly selfHeal?: RestartEvents,
    /** The self-heal policy's clock (performance.now by default). */
    private readonly policyNow: () => number = () => performance.now(),
  ) {
    source?.on('status', this.onStatus);
    selfHeal?.on('restarted', this.onRestart);
  }

  /** One report (tests feed them directly). */
  observe(id: string, status: Record<string, unknown>): void {
    const at = this.nowMs();
    const suspicion = status['suspicion'];
    if (typeof suspicion === 'object' && suspicion !== null) {
      const now = new Set(Object.entries(suspicion as Record<string, { suspected?: unknown }>).filter(([, v]) => v?.suspected === true).map(([peer]) => peer));
      const before = this.suspected.get(id) ?? new Set<string>();
      for (const peer of now) if (!before.has(peer)) this.push({ atMs: at, kind: 'suspicion', node: peer });
      this.suspected.set(id, now);
    }
    // A leader under a higher ballot than the one seen: a deposed leader still claiming
    // its old ballot (cut off in a partition) does not flap the answer back.
    const paxos = status['paxos'] as { role?: unknown; ballot?: { round?: unknown; node?: unknown } } | undefined;
    const round = paxos?.ballot?.round;
    if (paxos?.role === 'leader' && typeof round === 'number') {
      const ballot = { round, node: String(paxos.ballot?.node ?? id) };
      if (this.leader === undefined || compareBallots(ballot, this.leader.ballot) > 0) {
        if (this.leader !== undefined && this.leader.node !== id) this.push({ atMs: at, kind: 'leader-change', node: id });
        this.leader = { node: id, ballot };
      }
    }
  }

  private push(s: DetectionSignal): void {
    if (this.signals.length < MAX_SIGNALS) this.signals.push(s);
  }

  close(): void {
    this.source?.off('status', this.onStatus);
    this.selfHeal?.off('restarted', this.onRestart);
  }
}
