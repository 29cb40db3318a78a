/**
 * The replicated half of the lock service: the lock table and how each logged command
 * changes it. Everything here depends only on the commands and their log indexes, never on
 * a clock, so every replica that applied the same prefix holds the same table.
 *
 * Fencing tokens are log indexes: the index of the command that caused the grant (an
 * acquire on a free lock, or the release/expire that handed the lock to a waiter). The log
 * only grows, so every grant's token is larger than every token issued before it.
 */
import { invariant } from '../common/invariant';
import { unreachable } from '../common/unreachable';
import type {
  LockCommand,
  LockFailure,
  LockErrorCode,
  LockHandoff,
  LockHolderView,
  LockName,
  LockOwner,
  LockResult,
  LockState,
} from './types';

interface Holder {
  owner: LockOwner;
  token: number;
  ttlMs: number;
  renewedAt: number;
}

interface Waiter {
  owner: LockOwner;
  ttlMs: number;
}

interface Entry {
  holder: Holder | null;
  /** FIFO; invariant: non-empty only while someone holds the lock. */
  waiters: Waiter[];
}

export interface LockTableLimits {
  readonly maxWaiters: number;
  readonly minTtlMs: number;
  readonly maxTtlMs: number;
}

export const DEFAULT_LOCK_LIMITS: LockTableLimits = {
  maxWaiters: 64,
  minTtlMs: 1,
  // The same bound as the client protocol's schema (core/protocol/client.ts), so a lease the wire
  // accepts is never refused here.
  maxTtlMs: 3_600_000,
};

const LOCK_COMMAND_TYPES: ReadonlySet<string> = new Set<LockCommand['type']>([
  'acquire',
  'keepalive',
  'release',
  'cancel',
  'expire',
  'holder',
]);

/** Names longer than this are refused, so one command cannot bloat every replica's table. */
const MAX_NAME_LENGTH = 256;

function fail(code: LockErrorCode, message: string): LockFailure {
  return { ok: false, code, message };
}

/** The replicated lock table as a JSON value (a log snapshot's share of the lock service). */
export interface LockTableSnapshot {
  readonly lastIndex: number;
  readonly locks: readonly LockState[];
}

export class LockTable {
  /** Only locks that are held (and their queues); a free lock has no entry. */
  private readonly entries = new Map<LockName, Entry>();
  private lastIndex = 0;
  /** The highest fencing token handed out: every grant must go above it. */
  private highestToken = 0;

  constructor(private readonly limits: LockTableLimits = DEFAULT_LOCK_LIMITS) {}

  apply(command: LockCommand, index: number): LockResult {
    if (!Number.isSafeInteger(index) || index <= this.lastIndex) {
      // Tokens are indexes: applying out of order would hand out a token twice.
      throw new Error(`lock table applied index ${index} after ${this.lastIndex}; expected a strictly increasing log index`);
    }
    this.lastIndex = index;
    const invalid = this.validate(command);
    if (invalid) return invalid;
    switch (command.type) {
      case 'acquire':
        return this.acquire(command.lock, command.owner, command.ttlMs, index);
      case 'keepalive':
        return this.keepalive(command.lock, command.owner, command.token, index);
      case 'release':
        return this.release(command.lock, command.owner, command.token, index);
      case 'cancel':
        return this.cancel(command.lock, command.owner);
      case 'expire':
        return this.expire(command.lock, command.token, command.renewedAt, index);
      case 'holder':
        return this.view(command.lock);
      default:
        return unreachable(command, 'lock command');
    }
  }

  view(lock: LockName): LockHolderView {
    const entry = this.entries.get(lock);
    return {
      ok: true,
      kind: 'holder',
      lock,
      holder: entry?.holder ? { owner: entry.holder.owner, token: entry.holder.token } : null,
      waiters: entry ? entry.waiters.map((w) => w.owner) : [],
    };
  }

  /** Every lock that is held, sorted by name (a copy: callers cannot change the table). */
  states(): LockState[] {
    return [...this.entries.keys()].sort().map((lock) => this.state(lock));
  }

  state(lock: LockName): LockState {
    const entry = this.entries.get(lock);
    return {
      lock,
      holder: entry?.holder ? { ...entry.holder } : null,
      waiters: entry ? entry.waiters.map((w) => ({ ...w })) : [],
    };
  }

  /** The holder of every held lock, in the table's (deterministic) order. */
  *holders(): Iterable<{ lock: LockName; owner: LockOwner; token: number; ttlMs: number; renewedAt: number }> {
    for (const [lock, entry] of this.entries) {
      if (entry.holder) yield { lock, ...entry.holder };
    }
  }

  get appliedIndex(): number {
    return this.lastIndex;
  }

  /** The whole table for a log snapshot, in the Map's own order (holders() order survives a restore). */
  exportState(): LockTableSnapshot {
    return { lastIndex: this.lastIndex, locks: [...this.entries.keys()].map((lock) => this.state(lock)) };
  }

  /** Replaces the whole table with one exportState() gave (on this replica or another). */
  importState(snapshot: LockTableSnapshot): void {
    if (!Number.isSafeInteger(snapshot.lastIndex) || snapshot.lastIndex < 0 || !Array.isArray(snapshot.locks as unknown)) {
      throw new Error(`lock table snapshot must be { lastIndex: integer >= 0, locks: [] }, got ${JSON.stringify(snapshot).slice(0, 200)}`);
    }
    this.entries.clear();
    this.highestToken = 0;
    for (const s of snapshot.locks) {
      if (s.holder !== null && s.holder.token > this.highestToken) this.highestToken = s.holder.token;
      this.entries.set(s.lock, {
        holder: s.holder === null ? null : { ...s.holder },
        waiters: s.waiters.map((w) => ({ owner: w.owner, ttlMs: w.ttlMs })),
      });
    }
    this.lastIndex = snapshot.lastIndex;
  }

  private acquire(lock: LockName, owner: LockOwner, ttlMs: number, index: number): LockResult {
    const entry = this.entries.get(lock);
    if (!entry || !entry.holder) {
      this.issueToken(lock, index);
      const holder: Holder = { owner, token: index, ttlMs, renewedAt: index };
      this.entries.set(lock, { holder, waiters: [] });
      return { ok: true, kind: 'granted', granted: true, lock, owner, token: index, ttlMs, renewed: false };
    }
    const holder = entry.holder;
    if (holder.owner === owner) {
      // The holder asking again renews its lease under the same token. This is also how a
      // promoted waiter learns it holds the lock.
      holder.renewedAt = index;
      holder.ttlMs = ttlMs;
      return { ok: true, kind: 'granted', granted: true, lock, owner, token: holder.token, ttlMs, renewed: true };
    }
    const at = entry.waiters.findIndex((w) => w.owner === owner);
    if (at >= 0) {
      (entry.waiters[at] as Waiter).ttlMs = ttlMs;
      return { ok: true, kind: 'queued', granted: false, queued: true, lock, owner, position: at + 1 };
    }
    if (entry.waiters.length >= this.limits.maxWaiters) {
      return fail(
        'QUEUE_FULL',
        `lock "${lock}" already has ${entry.waiters.length} waiters (the bound is ${this.limits.maxWaiters}); retry later`,
      );
    }
    entry.waiters.push({ owner, ttlMs });
    return { ok: true, kind: 'queued', granted: false, queued: true, lock, owner, position: entry.waiters.length };
  }

  private keepalive(lock: LockName, owner: LockOwner, token: number, index: number): LockResult {
    const refused = this.checkHolder(lock, owner, token, 'renew');
    if (refused) return refused;
    const holder = this.entries.get(lock)?.holder as Holder;
    holder.renewedAt = index;
    return { ok: true, kind: 'renewed', lock, owner, token, ttlMs: holder.ttlMs };
  }

  private release(lock: LockName, owner: LockOwner, token: number, index: number): LockResult {
    const refused = this.checkHolder(lock, owner, token, 'release');
    if (refused) return refused;
    const next = this.handOff(lock, index);
    return { ok: true, kind: 'released', lock, owner, token, next };
  }

  private cancel(lock: LockName, owner: LockOwner): LockResult {
    const entry = this.entries.get(lock);
    const at = entry ? entry.waiters.findIndex((w) => w.owner === owner) : -1;
    if (!entry || at < 0) {
      const holds = entry?.holder?.owner === owner;
      return fail(
        'NOT_QUEUED',
        holds
          ? `"${owner}" holds lock "${lock}" rather than waiting for it; release it with its token instead`
          : `"${owner}" is not waiting for lock "${lock}"`,
      );
    }
    entry.waiters.splice(at, 1);
    return { ok: true, kind: 'cancelled', lock, owner };
  }

  private expire(lock: LockName, token: number, renewedAt: number | undefined, index: number): LockResult {
    const holder = this.entries.get(lock)?.holder;
    if (!holder || holder.token !== token) {
      return { ok: true, kind: 'expire-ignored', expired: false, lock, token, reason: 'TOKEN_NOT_CURRENT' };
    }
    if (renewedAt !== undefined && holder.renewedAt > renewedAt) {
      return { ok: true, kind: 'expire-ignored', expired: false, lock, token, reason: 'RENEWED_SINCE' };
    }
    const next = this.handOff(lock, index);
    return { ok: true, kind: 'expired', expired: true, lock, token, owner: holder.owner, next };
  }

  /** Frees the lock and gives it to the head of the queue, with the token `index`. */
  private handOff(lock: LockName, index: number): LockHandoff | null {
    const entry = this.entries.get(lock) as Entry;
    const waiter = entry.waiters.shift();
    if (!waiter) {
      this.entries.delete(lock);
      return null;
    }
    this.issueToken(lock, index);
    entry.holder = { owner: waiter.owner, token: index, ttlMs: waiter.ttlMs, renewedAt: index };
    return { owner: waiter.owner, token: index, ttlMs: waiter.ttlMs };
  }

  /** Fencing tokens only grow: a resource that saw token t must never be handed one <= t. */
  private issueToken(lock: LockName, token: number): void {
    invariant(token > this.highestToken, () => `lock "${lock}" granted with a token above ${this.highestToken}, got ${token}`);
    this.highestToken = token;
  }

  /** Owner AND token must match the current holder, checked in one step of the log. */
  private checkHolder(lock: LockName, owner: LockOwner, token: number, action: string): LockFailure | undefined {
    const holder = this.entries.get(lock)?.holder;
    if (!holder) return fail('LOCK_NOT_HELD', `cannot ${action} lock "${lock}": nobody holds it`);
    if (holder.owner !== owner) {
      return fail('LOCK_NOT_HELD', `cannot ${action} lock "${lock}": it is held by "${holder.owner}", not "${owner}"`);
    }
    if (holder.token !== token) {
      return fail(
        token < holder.token ? 'STALE_FENCING_TOKEN' : 'LOCK_NOT_HELD',
        `cannot ${action} lock "${lock}" with token ${token}: "${owner}" holds it under token ${holder.token}`,
      );
    }
    return undefined;
  }

  private validate(command: LockCommand): LockFailure | undefined {
    // Commands come off the wire: an unknown type is refused, never a replica crash.
    if (!LOCK_COMMAND_TYPES.has(command.type)) {
      return fail('INVALID_ARGUMENT', `unknown lock command type ${JSON.stringify(command.type)}; expected one of ${[...LOCK_COMMAND_TYPES].join(', ')}`);
    }
    if (typeof command.lock !== 'string' || command.lock.length === 0 || command.lock.length > MAX_NAME_LENGTH) {
      return fail('INVALID_ARGUMENT', `lock name must be a string of 1..${MAX_NAME_LENGTH} characters, got ${JSON.stringify(command.lock)}`);
    }
    if ('owner' in command) {
      const owner: unknown = command.owner;
      if (typeof owner !== 'string' || owner.length === 0 || owner.length > MAX_NAME_LENGTH) {
        return fail('INVALID_ARGUMENT', `owner must be a string of 1..${MAX_NAME_LENGTH} characters, got ${JSON.stringify(owner)}`);
      }
    }
    if ('token' in command && !(Number.isSafeInteger(command.token) && command.token >= 0)) {
      return fail('INVALID_ARGUMENT', `token must be a non-negative integer, got ${JSON.stringify(command.token)}`);
    }
    if (command.type === 'acquire') {
      const { minTtlMs, maxTtlMs } = this.limits;
      if (!Number.isSafeInteger(command.ttlMs) || command.ttlMs < minTtlMs || command.ttlMs > maxTtlMs) {
        return fail('INVALID_ARGUMENT', `ttlMs must be an integer in [${minTtlMs}, ${maxTtlMs}], got ${JSON.stringify(command.ttlMs)}`);
      }
    }
    if (command.type === 'expire' && command.renewedAt !== undefined && !Number.isSafeInteger(command.renewedAt)) {
      return fail('INVALID_ARGUMENT', `renewedAt must be a log index, got ${JSON.stringify(command.renewedAt)}`);
    }
    return undefined;
  }
}
