/**
 * Who leads the Paxos group right now, from the status reports nodes send the supervisor
 * (`status.paxos`, a PaxosStatus). A hint for leader-targeted faults (kill-leader,
 * isolate-leader), never a safety input: a stale answer only means a different node is hit.
 */
import { compareBallots, type Ballot, type PaxosStatus } from '../algorithms/paxos/types';

/** What the tracker needs from a cluster (Cluster's 'status' event). */
export interface StatusSource {
  on(event: 'status', listener: (id: string, status: Record<string, unknown>) => void): unknown;
  off(event: 'status', listener: (id: string, status: Record<string, unknown>) => void): unknown;
}

type PaxosView = Pick<PaxosStatus, 'role' | 'leader' | 'ballot'>;

function paxosOf(status: Record<string, unknown>): PaxosView | undefined {
  const p = status.paxos as Partial<PaxosView> | undefined;
  if (typeof p !== 'object' || p === null || typeof p.role !== 'string') return undefined;
  return p as PaxosView;
}

export class LeaderTracker {
  private readonly latest = new Map<string, PaxosView>();
  private readonly listener = (id: string, status: Record<string, unknown>): void => {
    const p = paxosOf(status);
    if (p) this.latest.set(id, p);
  };

  constructor(
    private readonly source: StatusSource,
    /** Nodes that may be reported (e.g. only those up); all when omitted. */
    private readonly alive: () => readonly string[] | undefined = () => undefined,
  ) {
    source.on('status', this.listener);
  }

  /** Feeds one report directly (tests, or a status obtained another way). */
  observe(id: string, status: Record<string, unknown>): void {
    this.listener(id, status);
  }

  /** The node that claims leadership under the highest ballot; else the most-named leader. */
  leader(): string | undefined {
    const alive = this.alive();
    const views = [...this.latest].filter(([id]) => alive === undefined || alive.includes(id));
    let best: { id: string; ballot: Ballot } | undefined;
    for (const [id, p] of views) {
      if (p.role === 'leader' && p.ballot && (!best || compareBallots(p.ballot, best.ballot) > 0)) best = { id, ballot: p.ballot };
    }
    if (best) return best.id;
    const votes = new Map<string, number>();
    for (const [, p] of views) if (p.leader !== undefined) votes.set(p.leader, (votes.get(p.leader) ?? 0) + 1);
    return [...votes].sort((a, b) => b[1] - a[1])[0]?.[0];
  }

  close(): void {
    this.source.off('status', this.listener);
  }
}
