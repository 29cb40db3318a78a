import type { TxnId } from './types';

/**
 * What a participant does when a transaction asks for a key another one holds:
 * - `no-wait`: it gets nothing and is told so at once (it aborts). No waiting means no
 *   deadlock, at the price of an abort per conflict, and under latency a storm of them.
 * - `wait-die`: an OLDER requester waits; a younger one dies (aborts). Every wait goes
 *   from older to younger, so no cycle of waits can form.
 * - `wound-wait`: an older requester wounds the younger holders (they abort, unless they
 *   already voted yes) and waits for the key; a younger requester waits. Every wait goes
 *   from younger to older, or to a prepared transaction, which waits for nothing.
 * Age is the transaction's start timestamp (carried in the transaction, kept across the
 * client's retries so an old transaction gets older, never starves); ties by id.
 */
// The list lives with the other transaction vocabulary (types.ts imports nothing from here).
export { LOCK_POLICIES, type LockPolicy } from './types';
import type { LockPolicy } from './types';

/** A transaction's claim on keys: its age and what it asked for. */
export interface LockRequest {
  readonly txn: TxnId;
  /** Start timestamp: smaller is older. */
  readonly ts: number;
  readonly keys: readonly string[];
}

interface Waiter<T> extends LockRequest {
  /** When it started waiting (the participant bounds the wait). */
  readonly sinceMs: number;
  /** What the participant needs to carry on once the keys are granted. */
  readonly payload: T;
}

export type LockAnswer =
  | { readonly kind: 'granted' }
  /** Refused now: no-wait's conflict, or wait-die's younger requester dying. */
  | { readonly kind: 'refused'; readonly key: string; readonly holder: TxnId }
  /** Queued; `wound` are holders the requester wounds (wound-wait) if they can still abort. */
  | { readonly kind: 'waiting'; readonly wound: readonly TxnId[] };

/** What changed for the waiters after locks moved (LockTable.settle). */
export interface Settled<T> {
  /** Waiters that now hold every key they asked for, oldest first. */
  readonly granted: Waiter<T>[];
  /** Waiters that must die (wait-die: a holder older than them took a key they need). */
  readonly died: Waiter<T>[];
  /** Holders an older waiter wounds (wound-wait). */
  readonly wound: TxnId[];
}

/** True when a is older than b (earlier timestamp; ties broken by id, the same everywhere). */
export function olderThan(a: { ts: number; txn: TxnId }, b: { ts: number; txn: TxnId }): boolean {
  return a.ts < b.ts || (a.ts === b.ts && a.txn < b.txn);
}

/** Exclusive key locks with a policy for conflicts and a queue of waiters. */
export class LockTable<T = unknown> {
  private readonly holders = new Map<string, TxnId>();
  /** The start timestamp of each transaction holding a lock. */
  private readonly ages = new Map<TxnId, number>();
  private readonly waiters: Waiter<T>[] = [];

  /** Takes every key for `txn`, or none if any is held by another transaction (no-wait). */
  tryLockAll(txn: TxnId, keys: readonly string[]): { ok: true } | { ok: false; key: string; holder: TxnId } {
    const conflict = this.conflict(txn, keys);
    if (conflict) return { ok: false, ...conflict };
    this.grant(txn, 0, keys);
    return { ok: true };
  }

  /**
   * Asks for every key of `req` under `policy`: granted at once when none is held by
   * another transaction; otherwise refused or queued by the policy's rule.
   */
  request(req: LockRequest, policy: LockPolicy, sinceMs: number, payload: T): LockAnswer {
    const conflicting = this.conflictingHolders(req.txn, req.keys);
    if (conflicting.length === 0) {
      this.grant(req.txn, req.ts, req.keys);
      return { kind: 'granted' };
    }
    const first = conflicting[0]!;
    switch (policy) {
      case 'no-wait':
        return { kind: 'refused', key: first.key, holder: first.holder };
      case 'wait-die': {
        const older = conflicting.find((c) => !olderThan(req, c.age));
        if (older) return { kind: 'refused', key: older.key, holder: older.holder };
        this.enqueue({ ...req, sinceMs, payload });
        return { kind: 'waiting', wound: [] };
      }
      case 'wound-wait': {
        this.enqueue({ ...req, sinceMs, payload });
        return { kind: 'waiting', wound: [...new Set(conflicting.filter((c) => olderThan(req, c.age)).map((c) => c.holder))] };
      }
      default: {
        const never: never = policy;
        throw new Error(`unknown lock policy ${String(never)}`);
      }
    }
  }

  /**
   * After locks were released or taken: grants every waiter whose keys are all free
   * (oldest first), and re-applies the policy's rule to the ones still waiting against
   * their current holders, so every wait keeps its direction (wait-die: a waiter now
   * blocked by an older holder dies; wound-wait: a waiter wounds younger holders).
   */
  settle(policy: LockPolicy): Settled<T> {
    const out: Settled<T> = { granted: [], died: [], wound: [] };
    for (const w of [...this.waiters]) {
      const conflicting = this.conflictingHolders(w.txn, w.keys);
      if (conflicting.length === 0) {
        this.remove(w.txn);
        this.grant(w.txn, w.ts, w.keys);
        out.granted.push(w);
        continue;
      }
      if (policy === 'wait-die' && conflicting.some((c) => !olderThan(w, c.age))) {
        this.remove(w.txn);
        out.died.push(w);
      } else if (policy === 'wound-wait') {
        for (const c of conflicting) if (olderThan(w, c.age) && !out.wound.includes(c.holder)) out.wound.push(c.holder);
      }
    }
    return out;
  }

  /** Takes `txn` out of the queue (it aborted or gave up); its payload, if it was waiting. */
  cancel(txn: TxnId): T | undefined {
    return this.remove(txn)?.payload;
  }

  isWaiting(txn: TxnId): boolean {
    return this.waiters.some((w) => w.txn === txn);
  }

  /** Waiters that have waited `maxMs` or more by `nowMs` (the participant aborts them). */
  waitedTooLong(nowMs: number, maxMs: number): Waiter<T>[] {
    return this.waiters.filter((w) => nowMs - w.sinceMs >= maxMs);
  }

  releaseAll(txn: TxnId, keys: readonly string[]): void {
    for (const key of keys) if (this.holders.get(key) === txn) this.holders.delete(key);
    if (![...this.holders.values()].includes(txn)) this.ages.delete(txn);
  }

  heldBy(txn: TxnId): string[] {
    return [...this.holders].filter(([, t]) => t === txn).map(([k]) => k);
  }

  snapshot(): Record<string, TxnId> {
    return Object.fromEntries(this.holders);
  }

  /** The queue, oldest first: who waits for which keys (the panel), with each one's payload. */
  waiting(): { txn: TxnId; keys: readonly string[]; sinceMs: number; payload: T }[] {
    return this.waiters.map((w) => ({ txn: w.txn, keys: w.keys, sinceMs: w.sinceMs, payload: w.payload }));
  }

  private grant(txn: TxnId, ts: number, keys: readonly string[]): void {
    for (const key of keys) this.holders.set(key, txn);
    if (!this.ages.has(txn)) this.ages.set(txn, ts);
  }

  private conflict(txn: TxnId, keys: readonly string[]): { key: string; holder: TxnId } | undefined {
    for (const key of keys) {
      const holder = this.holders.get(key);
      if (holder !== undefined && holder !== txn) return { key, holder };
    }
    return undefined;
  }

  private conflictingHolders(txn: TxnId, keys: readonly string[]): { key: string; holder: TxnId; age: { ts: number; txn: TxnId } }[] {
    const out: { key: string; holder: TxnId; age: { ts: number; txn: TxnId } }[] = [];
    for (const key of keys) {
      const holder = this.holders.get(key);
      if (holder !== undefined && holder !== txn) out.push({ key, holder, age: { ts: this.ages.get(holder) ?? 0, txn: holder } });
    }
    return out;
  }

  private enqueue(w: Waiter<T>): void {
    this.remove(w.txn);
    // Oldest first: settle() grants in age order, so an old transaction is not overtaken.
    const at = this.waiters.findIndex((x) => olderThan(w, x));
    if (at < 0) this.waiters.push(w);
    else this.waiters.splice(at, 0, w);
  }

  private remove(txn: TxnId): Waiter<T> | undefined {
    const i = this.waiters.findIndex((w) => w.txn === txn);
    return i < 0 ? undefined : this.waiters.splice(i, 1)[0];
  }
}
