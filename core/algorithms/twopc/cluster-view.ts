/**
 * The panel's transaction table: every transaction any node knows of, with its
 * coordinator's phase and each participant's state and held locks, merged from the
 * per-node TwoPcStatus views (each node only knows its own side).
 */
import type { NodeId } from '../common/types';
import type { TwoPcStatus, TxnId, TxnParticipantView } from './types';

export interface TxnView {
  readonly txn: TxnId;
  readonly coordinator: NodeId | undefined;
  /** The coordinator's phase, when it still tracks the transaction. */
  readonly phase: TwoPcStatus['coordinating'][number]['phase'] | undefined;
  readonly participants: TxnParticipantView[];
}

export function transactionsView(statuses: readonly TwoPcStatus[]): TxnView[] {
  const byTxn = new Map<TxnId, { coordinator?: NodeId; phase?: TxnView['phase']; participants: Map<NodeId, TxnParticipantView> }>();
  const entry = (txn: TxnId) => {
    let e = byTxn.get(txn);
    if (!e) byTxn.set(txn, (e = { participants: new Map() }));
    return e;
  };
  for (const s of statuses) {
    for (const c of s.coordinating) {
      const e = entry(c.txn);
      e.coordinator = s.id;
      e.phase = c.phase;
      // Participants the coordinator expects but that report nothing yet (or forgot it).
      for (const n of c.participants) if (!e.participants.has(n)) e.participants.set(n, { node: n, state: 'unknown', locks: [] });
    }
    for (const p of s.participating) {
      const e = entry(p.txn);
      e.coordinator ??= p.coordinator;
      e.participants.set(s.id, { node: s.id, state: p.state, locks: p.locks, ...(p.blockedOn !== undefined ? { blockedOn: p.blockedOn } : {}) });
    }
  }
  return [...byTxn]
    .map(([txn, e]) => ({ txn, coordinator: e.coordinator, phase: e.phase, participants: [...e.participants.values()].sort((a, b) => (a.node < b.node ? -1 : 1)) }))
    .sort((a, b) => (a.txn < b.txn ? -1 : a.txn > b.txn ? 1 : 0));
}
