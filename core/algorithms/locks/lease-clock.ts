/**
 * The local, clock-driven half of the lock service: when does a lease end on THIS
 * replica's clock, and which expire commands should its leader propose. Nothing here
 * changes the lock table; an expiry becomes real only when the expire command it proposes
 * is applied from the log, and then only if the lease was not renewed in between.
 *
 * Why the server never expires a lease before the client thinks it ends: the client counts
 * its lease from the moment it sent the request, which is before any replica applied it,
 * and every replica counts from its own apply (afterApply). A new leader may have missed
 * those applies' timing, so it restarts every lease at its election (onLeadership): a leader
 * change makes leases longer, never shorter. For one (lock, token), a deadline only grows.
 *
 * The remaining assumption, as with every lease: clocks RUN at about the same rate (an
 * offset between clocks is harmless, a clock that runs fast is not).
 */
import { unreachable } from '../common/unreachable';
import type { LockCommand, LockName, LockResult, LockSnapshotEntry, LockState } from './types';

interface Lease {
  token: number;
  /** Log index of the grant or renewal this deadline counts from. */
  renewedAt: number;
  deadlineMs: number;
}

interface Proposal {
  token: number;
  renewedAt: number;
  atMs: number;
}

/** What a held lock looks like to the lease clock. */
export interface HeldLock {
  readonly lock: LockName;
  readonly token: number;
  readonly ttlMs: number;
  readonly renewedAt: number;
}

/** The lease a result started or renewed, if any. */
export function leaseStartedBy(result: LockResult): { lock: LockName; token: number; ttlMs: number } | undefined {
  if (!result.ok) return undefined;
  switch (result.kind) {
    case 'granted':
    case 'renewed':
      return { lock: result.lock, token: result.token, ttlMs: result.ttlMs };
    case 'released':
    case 'expired':
      return result.next ? { lock: result.lock, token: result.next.token, ttlMs: result.next.ttlMs } : undefined;
    case 'queued':
    case 'cancelled':
    case 'expire-ignored':
    case 'holder':
      return undefined;
    default:
      return unreachable(result, 'lock result');
  }
}

export class LeaseClock {
  private readonly leases = new Map<LockName, Lease>();
  private readonly proposals = new Map<LockName, Proposal>();

  constructor(private readonly expireRetryMs: number) {}

  /** afterApply: a grant or renewal applied at `index` starts the lease at `nowMs`. */
  onApplied(result: LockResult, index: number, nowMs: number): void {
    const started = leaseStartedBy(result);
    if (started) {
      this.extend(started.lock, started.token, index, nowMs + started.ttlMs);
      return;
    }
    if (result.ok && (result.kind === 'released' || result.kind === 'expired')) {
      const lease = this.leases.get(result.lock);
      if (lease && lease.token <= result.token) this.forget(result.lock);
    }
  }

  /** A new leader restarts every held lease at its own clock, keeping any later deadline. */
  onLeadership(nowMs: number, held: Iterable<HeldLock>): void {
    this.proposals.clear();
    for (const h of held) this.extend(h.lock, h.token, h.renewedAt, nowMs + h.ttlMs);
  }

  /** The expire commands the leader should propose at `nowMs`. */
  tick(nowMs: number, held: Iterable<HeldLock>): LockCommand[] {
    const out: LockCommand[] = [];
    const stillHeld = new Set<LockName>();
    for (const h of held) {
      stillHeld.add(h.lock);
      const lease = this.leases.get(h.lock);
      if (!lease || lease.token !== h.token || lease.renewedAt < h.renewedAt) {
        // Applied but its afterApply has not run (yet): count the lease from now, which is
        // later than the apply and so never earlier than the client's lease.
        this.extend(h.lock, h.token, h.renewedAt, nowMs + h.ttlMs);
        continue;
      }
      if (nowMs < lease.deadlineMs) continue;
      const last = this.proposals.get(h.lock);
      const same = last !== undefined && last.token === h.token && last.renewedAt === h.renewedAt;
      if (same && nowMs - last.atMs < this.expireRetryMs) continue;
      this.proposals.set(h.lock, { token: h.token, renewedAt: h.renewedAt, atMs: nowMs });
      out.push({ type: 'expire', lock: h.lock, token: h.token, renewedAt: h.renewedAt });
    }
    for (const lock of this.leases.keys()) if (!stillHeld.has(lock)) this.forget(lock);
    return out;
  }

  deadlineOf(lock: LockName): number | undefined {
    return this.leases.get(lock)?.deadlineMs;
  }

  /** The replicated state with this replica's deadlines, for the panel. */
  annotate(states: readonly LockState[]): LockSnapshotEntry[] {
    return states.map((s) => {
      const lease = this.leases.get(s.lock);
      const tracked = lease !== undefined && s.holder !== null && lease.token === s.holder.token;
      return { ...s, deadlineMs: tracked ? lease.deadlineMs : undefined };
    });
  }

  /** For one (lock, token) the deadline only grows; a new token starts a fresh lease. */
  private extend(lock: LockName, token: number, renewedAt: number, deadlineMs: number): void {
    const lease = this.leases.get(lock);
    if (lease && lease.token === token) {
      lease.deadlineMs = Math.max(lease.deadlineMs, deadlineMs);
      lease.renewedAt = Math.max(lease.renewedAt, renewedAt);
      return;
    }
    if (lease && lease.token > token) return; // a late afterApply for an older grant
    this.leases.set(lock, { token, renewedAt, deadlineMs });
    this.proposals.delete(lock);
  }

  private forget(lock: LockName): void {
    this.leases.delete(lock);
    this.proposals.delete(lock);
  }
}
