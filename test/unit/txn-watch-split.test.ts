/**
 * The panel's transaction table names a split transaction (3PC under a partition: one
 * participant committed, another aborted) instead of showing it as committed.
 */
import { describe, expect, it } from 'vitest';
import type { NodeStatus, NodeTxnStatus } from '../../core/protocol/panel';
import { TxnWatch } from '../../core/supervisor/panel/txn-watch';

const finished = (node: string, state: 'committed' | 'aborted'): NodeStatus =>
  ({ txns: { id: node, mode: '3pc', locks: {}, coordinating: [], participating: [{ txn: 't1', coordinator: 'n1', state, locks: [] }] } satisfies NodeTxnStatus }) as unknown as NodeStatus;

describe('TxnWatch: a split transaction', () => {
  it('is committed while every participant committed, and split once one aborted', () => {
    const w = new TxnWatch();
    w.observe('n1', finished('n1', 'committed'), 1);
    expect(w.snapshot()[0]?.decision).toBe('commit');
    w.observe('n4', finished('n4', 'aborted'), 2);
    expect(w.snapshot()[0]).toMatchObject({ decision: 'split', states: { n1: 'committed', n4: 'aborted' } });
  });
});
