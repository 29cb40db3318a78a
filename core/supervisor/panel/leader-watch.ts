/**
 * The leader summary: who leads under the highest ballot among the nodes up, who follows
 * it, since when, and every change (an election or a loss of leadership) with its time.
 */
import { compareBallots } from '../../algorithms/paxos/types';
import type { Ballot, LeaderSummary, NodeStatus } from '../../protocol/panel';

const KEEP_CHANGES = 50;

export class LeaderWatch {
  private current: { node: string | null; ballot: Ballot | null; sinceMs: number | null } = { node: null, ballot: null, sinceMs: null };
  private followers: string[] = [];
  private elections = 0;
  private history: { atMs: number; node: string | null; ballot: Ballot | null }[] = [];

  /**
   * Recomputes from the latest reports of the nodes up. Returns the new leader when it
   * changed (null: none any more), undefined when nothing changed.
   */
  update(statuses: ReadonlyMap<string, NodeStatus>, nowMs: number): { node: string | null } | undefined {
    let best: { node: string; ballot: Ballot } | undefined;
    for (const [id, s] of statuses) {
      if (s.paxos.role === 'leader' && (!best || compareBallots(s.paxos.ballot, best.ballot) > 0)) best = { node: id, ballot: s.paxos.ballot };
    }
    const followers = best ? [...statuses].filter(([id, s]) => id !== best.node && s.paxos.leader === best.node).map(([id]) => id).sort() : [];
    const followersChanged = followers.join() !== this.followers.join();
    this.followers = followers;
    const node = best?.node ?? null;
    const ballot = best?.ballot ?? null;
    const sameBallot = (ballot === null && this.current.ballot === null) || (ballot !== null && this.current.ballot !== null && compareBallots(ballot, this.current.ballot) === 0);
    if (node === this.current.node && sameBallot) return followersChanged ? { node } : undefined;
    const changedNode = node !== this.current.node;
    this.current = { node, ballot, sinceMs: node === null ? null : changedNode || this.current.sinceMs === null ? nowMs : this.current.sinceMs };
    if (changedNode) {
      if (node !== null) this.elections++;
      this.history.push({ atMs: nowMs, node, ballot });
      if (this.history.length > KEEP_CHANGES) this.history.shift();
    }
    return { node };
  }

  get leader(): string | null {
    return this.current.node;
  }

  summary(): LeaderSummary {
    return { ...this.current, followers: this.followers, elections: this.elections, history: [...this.history] };
  }
}
