/**
 * The lock service as a ReplicatedService: the deterministic lock table (LockTable) is
 * changed only by `apply`, from the log; the local lease clock (LeaseClock) only watches
 * applies and the leader's ticks and turns expired leases into expire commands that go
 * through the log like any other command. See ./types.ts for the client protocol.
 */
import type { ReplicatedService } from '../common/types';
import { LeaseClock } from './lease-clock';
import { DEFAULT_LOCK_LIMITS, LockTable, type LockTableSnapshot } from './lock-table';
import type { LockCommand, LockResult, LockServiceOptions, LockSnapshotEntry, LockState } from './types';

export const DEFAULT_EXPIRE_RETRY_MS = 1000;

export class LockService implements ReplicatedService<LockCommand, LockResult> {
  private readonly table: LockTable;
  private readonly leases: LeaseClock;

  constructor(options: LockServiceOptions = {}) {
    this.table = new LockTable({
      maxWaiters: options.maxWaiters ?? DEFAULT_LOCK_LIMITS.maxWaiters,
      minTtlMs: options.minTtlMs ?? DEFAULT_LOCK_LIMITS.minTtlMs,
      maxTtlMs: options.maxTtlMs ?? DEFAULT_LOCK_LIMITS.maxTtlMs,
    });
    const retryMs = options.expireRetryMs ?? DEFAULT_EXPIRE_RETRY_MS;
    if (!(retryMs > 0)) throw new Error(`expireRetryMs must be positive, got ${retryMs}`);
    this.leases = new LeaseClock(retryMs);
  }

  apply(command: LockCommand, index: number): LockResult {
    return this.table.apply(command, index);
  }

  afterApply(_command: LockCommand, result: LockResult, index: number, nowMs: number): void {
    this.leases.onApplied(result, index, nowMs);
  }

  onLeadership(nowMs: number): void {
    this.leases.onLeadership(nowMs, this.table.holders());
  }

  leaderTick(nowMs: number): LockCommand[] {
    return this.leases.tick(nowMs, this.table.holders());
  }

  /**
   * Answers `holder` from this replica's table without the log: possibly stale (a lagging
   * follower, a deposed leader). Anything that would change the table is refused.
   */
  queryLocal(command: LockCommand): LockResult {
    if (command.type !== 'holder') {
      return {
        ok: false,
        code: 'INVALID_ARGUMENT',
        message: `only "holder" can be answered from local state, got "${command.type}"; propose it through the log`,
      };
    }
    return this.table.view(command.lock);
  }

  /** The lock table with this replica's lease deadlines, sorted by lock name (for the panel). */
  snapshot(): LockSnapshotEntry[] {
    return this.leases.annotate(this.table.states());
  }

  /** Only what every replica agrees on at the same index (no clock-derived fields). */
  replicatedState(): LockState[] {
    return this.table.states();
  }

  /** The replicated table only: lease deadlines are local and are not carried. */
  snapshotState(): LockTableSnapshot {
    return this.table.exportState();
  }

  /**
   * Replaces the table. Holders restored here have no local deadline yet: the lease clock
   * counts each from its first tick (or onLeadership), which is after the grant was applied
   * anywhere, so a lease never ends earlier than its holder was promised.
   */
  restoreSnapshot(state: unknown): void {
    this.table.importState(state as LockTableSnapshot);
  }

  get appliedIndex(): number {
    return this.table.appliedIndex;
  }
}
