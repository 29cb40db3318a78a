/**
 * The panel's transaction table says who decides: the coordinator (classic, 3pc) or a Paxos
 * log (paxos, sharded). Under a log, a participant in doubt is resolving (it proposes abort
 * and adopts the log's choice), so the transaction is not shown as blocked.
 */
import { describe, expect, it } from 'vitest';
import type { NodeStatus, NodeTxnStatus } from '../../core/protocol/panel';
import { TxnWatch } from '../../core/supervisor/panel/txn-watch';

const inDoubt = (mode: NodeTxnStatus['mode']): NodeStatus =>
  ({ txns: { id: 'n2', mode, locks: { a: 't1' }, coordinating: [], participating: [{ txn: 't1', coordinator: 'n1', state: 'in-doubt', locks: ['a'] }] } }) as unknown as NodeStatus;

describe('TxnWatch: who decides', () => {
  it.each([
    ['classic', 'coordinator', true],
    ['3pc', 'coordinator', true],
    ['paxos', 'log', false],
    ['sharded', 'log', false],
  ] as const)('%s: decided by the %s, in doubt is blocked: %s', (mode, by, blocked) => {
    const w = new TxnWatch();
    w.observe('n2', inDoubt(mode), 1);
    expect(w.snapshot()[0]).toMatchObject({ txn: 't1', decidedBy: by, blocked });
  });
});

describe('TxnWatch: lock waits', () => {
  it('shows the keys a participant is queued for, and nothing once it holds them', () => {
    const w = new TxnWatch();
    const report = (p: NodeTxnStatus['participating'][number]): NodeStatus => ({ txns: { id: 'n2', mode: 'classic', locks: {}, coordinating: [], participating: [p] } }) as unknown as NodeStatus;
    w.observe('n2', report({ txn: 't1', coordinator: 'n1', state: 'working', locks: [], waitingFor: ['b'] }), 1);
    expect(w.snapshot()[0]?.waitingKeys).toEqual({ n2: ['b'] });
    w.observe('n2', report({ txn: 't1', coordinator: 'n1', state: 'working', locks: ['b'] }), 2);
    expect(w.snapshot()[0]).toMatchObject({ heldKeys: { n2: ['b'] } });
    expect(w.snapshot()[0]?.waitingKeys).toBeUndefined();
  });
});
