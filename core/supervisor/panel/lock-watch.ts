/**
 * Locks across the cluster, as the leader holds them: holder, fencing token, lease expiry
 * (the leader's deadline moved to the panel's time base), waiters in order, and the grants
 * seen over time; the protected resource's accepted and refused writes come from the
 * workload that writes to it.
 */
import type { LockView, NodeStatus, ResourceWrite } from '../../protocol/panel';

const KEEP_GRANTS = 50;

export interface ResourceFigures {
  readonly accepted: number;
  readonly refused: number;
  readonly recent: readonly ResourceWrite[];
}

export class LockWatch {
  private readonly grants = new Map<string, { atMs: number; owner: string; token: number }[]>();
  private last = '';

  /**
   * `source`: the leader's report (or the most advanced node's when there is none).
   * Returns the views when they changed since the last call.
   */
  update(
    source: { node: string; status: NodeStatus } | undefined,
    toBase: (node: string, nodeTimeMs: number) => number,
    nowMs: number,
    resourceOf: (lock: string) => ResourceFigures | null,
  ): LockView[] | undefined {
    const views: LockView[] = [];
    for (const entry of source?.status.locks ?? []) {
      let grants = this.grants.get(entry.lock);
      if (!grants) this.grants.set(entry.lock, (grants = []));
      const holder = entry.holder;
      if (holder && grants.at(-1)?.token !== holder.token) {
        grants.push({ atMs: nowMs, owner: holder.owner, token: holder.token });
        if (grants.length > KEEP_GRANTS) grants.shift();
      }
      views.push({
        lock: entry.lock,
        holder: holder
          ? { owner: holder.owner, token: holder.token, ttlMs: holder.ttlMs, expiresAtMs: entry.deadlineMs === undefined || !source ? null : toBase(source.node, entry.deadlineMs) }
          : null,
        waiters: entry.waiters.map((w) => w.owner),
        grants: [...grants],
        resource: resourceOf(entry.lock),
      });
    }
    // A lock released for good leaves the table; it stays listed (free) with its history.
    for (const [lock, grants] of this.grants) {
      if (!views.some((v) => v.lock === lock)) views.push({ lock, holder: null, waiters: [], grants: [...grants], resource: resourceOf(lock) });
    }
    views.sort((a, b) => (a.lock < b.lock ? -1 : a.lock > b.lock ? 1 : 0));
    const text = JSON.stringify(views);
    if (text === this.last) return undefined;
    this.last = text;
    return views;
  }

  clear(): void {
    this.grants.clear();
    this.last = '';
  }
}
