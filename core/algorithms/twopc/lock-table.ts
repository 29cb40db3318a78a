import type { TxnId } from './types';

/**
 * Exclusive key locks with no waiting: a transaction that finds a key held by another
 * gets nothing and is told so (it will vote no / be aborted). No waiting means no
 * deadlock detector is needed, at the price of aborts under contention.
 */
export class LockTable {
  private readonly holders = new Map<string, TxnId>();

  /** Takes every key for `txn`, or none if any is held by another transaction. */
  tryLockAll(txn: TxnId, keys: readonly string[]): { ok: true } | { ok: false; key: string; holder: TxnId } {
    for (const key of keys) {
      const holder = this.holders.get(key);
      if (holder !== undefined && holder !== txn) return { ok: false, key, holder };
    }
    for (const key of keys) this.holders.set(key, txn);
    return { ok: true };
  }

  releaseAll(txn: TxnId, keys: readonly string[]): void {
    for (const key of keys) if (this.holders.get(key) === txn) this.holders.delete(key);
  }

  heldBy(txn: TxnId): string[] {
    return [...this.holders].filter(([, t]) => t === txn).map(([k]) => k);
  }

  snapshot(): Record<string, TxnId> {
    return Object.fromEntries(this.holders);
  }
}
