/**
 * The vocabulary of the lock service: commands that go through the Paxos log, their
 * results, and the read-only views for the panel.
 *
 * Protocol for a client (see DESIGN.md, "lock service"):
 *  - `acquire` either grants the lock (with a fencing token) or queues the owner FIFO.
 *  - A queued owner is NOT notified when the lock is handed to it (a release or an expiry
 *    promotes the head of the queue). It learns it was promoted by re-sending `acquire`,
 *    which then answers `granted` with its token and renews its lease. Until it does, the
 *    lease the promotion started runs out as usual and the lock moves on.
 *  - A holder keeps its lease alive with `keepalive` (or by re-sending `acquire`), and
 *    counts its lease from the moment it SENT the request that was answered `granted` or
 *    `renewed`; the server side always counts from a later moment, so expiry through the
 *    log never comes before the end of the lease the client believes it has.
 *  - Every write to a protected resource carries the token; the resource (FencedResource)
 *    rejects tokens lower than one it has seen, which is what makes a paused holder whose
 *    lease expired harmless.
 */

/** A lock's name, e.g. "orders-db". */
export type LockName = string;
/** Who holds or waits for a lock, e.g. "client-3". Compared by exact string equality. */
export type LockOwner = string;

export type LockCommand =
  /** Take the lock, or renew it if `owner` already holds it, or wait in line for it. */
  | { readonly type: 'acquire'; readonly lock: LockName; readonly owner: LockOwner; readonly ttlMs: number }
  /** Renew the lease of the current holder; both owner and token must match. */
  | { readonly type: 'keepalive'; readonly lock: LockName; readonly owner: LockOwner; readonly token: number }
  /** Give the lock up; both owner and token must match. Hands it to the head of the queue. */
  | { readonly type: 'release'; readonly lock: LockName; readonly owner: LockOwner; readonly token: number }
  /** Leave the wait queue without ever taking the lock (a client that gave up waiting). */
  | { readonly type: 'cancel'; readonly lock: LockName; readonly owner: LockOwner }
  /**
   * Proposed by the leader when the lease of `token` ran out on its clock. Idempotent: it
   * acts only if `token` still holds the lock and, when `renewedAt` is given, only if the
   * lease was not renewed after the log index `renewedAt` (a keepalive that reached the
   * log before this expire, but after the leader looked, wins).
   */
  | { readonly type: 'expire'; readonly lock: LockName; readonly token: number; readonly renewedAt?: number }
  /** Read-only: who holds the lock and who waits. Through the log it is a linearizable read. */
  | { readonly type: 'holder'; readonly lock: LockName };

export type LockErrorCode =
  /** The owner does not hold the lock (free, held by someone else, or only queued). */
  | 'LOCK_NOT_HELD'
  /** The owner holds the lock, but under a newer token than the one it presented. */
  | 'STALE_FENCING_TOKEN'
  /** The wait queue of this lock is at its bound. */
  | 'QUEUE_FULL'
  /** A cancel from an owner that is not in the queue. */
  | 'NOT_QUEUED'
  /** A malformed command (empty name, ttl out of range, ...). */
  | 'INVALID_ARGUMENT';

export interface LockFailure {
  readonly ok: false;
  readonly code: LockErrorCode;
  readonly message: string;
}

/** A lease started or renewed: the caller holds `lock` under `token`. */
export interface LockGranted {
  readonly ok: true;
  readonly kind: 'granted';
  readonly granted: true;
  readonly lock: LockName;
  readonly owner: LockOwner;
  readonly token: number;
  readonly ttlMs: number;
  /** True when the owner already held the lock (acquire acted as a keepalive). */
  readonly renewed: boolean;
}

export interface LockQueued {
  readonly ok: true;
  readonly kind: 'queued';
  readonly granted: false;
  readonly queued: true;
  readonly lock: LockName;
  readonly owner: LockOwner;
  /** 1 = next in line. */
  readonly position: number;
}

export interface LockRenewed {
  readonly ok: true;
  readonly kind: 'renewed';
  readonly lock: LockName;
  readonly owner: LockOwner;
  readonly token: number;
  readonly ttlMs: number;
}

/** The waiter that a release or an expiry promoted, with its new token. */
export interface LockHandoff {
  readonly owner: LockOwner;
  readonly token: number;
  readonly ttlMs: number;
}

export interface LockReleased {
  readonly ok: true;
  readonly kind: 'released';
  readonly lock: LockName;
  readonly owner: LockOwner;
  readonly token: number;
  readonly next: LockHandoff | null;
}

export interface LockCancelled {
  readonly ok: true;
  readonly kind: 'cancelled';
  readonly lock: LockName;
  readonly owner: LockOwner;
}

export interface LockExpired {
  readonly ok: true;
  readonly kind: 'expired';
  readonly expired: true;
  readonly lock: LockName;
  /** The token whose lease ended. */
  readonly token: number;
  readonly owner: LockOwner;
  readonly next: LockHandoff | null;
}

/** An expire that found nothing to do: another command got there first. Not an error. */
export interface LockExpireIgnored {
  readonly ok: true;
  readonly kind: 'expire-ignored';
  readonly expired: false;
  readonly lock: LockName;
  readonly token: number;
  readonly reason: 'TOKEN_NOT_CURRENT' | 'RENEWED_SINCE';
}

export interface LockHolderView {
  readonly ok: true;
  readonly kind: 'holder';
  readonly lock: LockName;
  readonly holder: { readonly owner: LockOwner; readonly token: number } | null;
  readonly waiters: readonly LockOwner[];
}

export type LockResult =
  | LockGranted
  | LockQueued
  | LockRenewed
  | LockReleased
  | LockCancelled
  | LockExpired
  | LockExpireIgnored
  | LockHolderView
  | LockFailure;

/** One lock as the replicated state has it (identical on every replica at the same index). */
export interface LockState {
  readonly lock: LockName;
  readonly holder: {
    readonly owner: LockOwner;
    readonly token: number;
    readonly ttlMs: number;
    /** Log index of the last grant or renewal: an expire decided before it is void. */
    readonly renewedAt: number;
  } | null;
  readonly waiters: readonly { readonly owner: LockOwner; readonly ttlMs: number }[];
}

/** A lock as the panel shows it: the replicated state plus this replica's lease deadline. */
export interface LockSnapshotEntry extends LockState {
  /** This replica's local-clock deadline for the holder's lease; undefined if not tracked. */
  readonly deadlineMs: number | undefined;
}

export interface LockServiceOptions {
  /** Bound on waiters per lock (TigerBeetle: a limit on everything). Default 64. */
  readonly maxWaiters?: number;
  /** Accepted lease lengths. Defaults 1 ms .. 1 h. */
  readonly minTtlMs?: number;
  readonly maxTtlMs?: number;
  /** How long the leader waits for a proposed expire to be applied before proposing it again. Default 1000 ms. */
  readonly expireRetryMs?: number;
}
