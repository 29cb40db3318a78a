/** Which transactions the view shows first, and the marks of participant states (pure). */
import type { ParticipantState, TxnView } from '../../../../core/protocol/panel';
import { unreachable } from '../../components/unreachable';

/** Blocked first (they are the lesson), then the most recently changed. */
export function orderTxns(txns: readonly TxnView[], limit: number): { shown: TxnView[]; hidden: number } {
  const sorted = [...txns].sort((a, b) => Number(b.blocked) - Number(a.blocked) || b.lastChangeAtMs - a.lastChangeAtMs);
  return { shown: sorted.slice(0, limit), hidden: Math.max(0, sorted.length - limit) };
}

/** Every key held by a blocked transaction, sorted, once. */
export function blockedKeys(txns: readonly TxnView[]): string[] {
  const keys = new Set<string>();
  for (const txn of txns) if (txn.blocked) for (const list of Object.values(txn.heldKeys)) for (const k of list) keys.add(k);
  return [...keys].sort();
}

/** A mark per state, so colour is not the only signal. */
export function stateGlyph(s: ParticipantState): string {
  switch (s) {
    case 'working':
      return '…';
    case 'prepared':
      return '◐';
    case 'pre-committed':
      return '◕';
    case 'in-doubt':
      return '⚠';
    case 'committed':
      return '✓';
    case 'aborted':
      return '✕';
    default:
      return unreachable(s);
  }
}

export function stateClass(s: ParticipantState): string {
  switch (s) {
    case 'working':
      return 'h-off';
    case 'prepared':
      return 'h-warn';
    case 'pre-committed':
      return 'h-warn';
    case 'in-doubt':
      return 'h-bad';
    case 'committed':
      return 'h-ok';
    case 'aborted':
      return 'h-paused';
    default:
      return unreachable(s);
  }
}
