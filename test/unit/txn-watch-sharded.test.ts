/**
 * The panel's transaction table in txn mode sharded: a participant is a shard's Paxos
 * group, reported by whichever node leads it, so the view keys participants by shard and
 * names the leader of each; a leader change moves the name, not the participant.
 */
import { describe, expect, it } from 'vitest';
import type { NodeStatus, NodeTxnStatus } from '../../core/protocol/panel';
import { TxnWatch } from '../../core/supervisor/panel/txn-watch';

const report = (txns: Omit<NodeTxnStatus, 'mode' | 'locks'>): NodeStatus => ({ txns: { ...txns, mode: 'sharded', locks: {} } }) as unknown as NodeStatus;

describe('TxnWatch, sharded mode', () => {
  it('shows shard groups as participants, with the node leading each', () => {
    const w = new TxnWatch();
    w.observe('n3', report({ id: 'n3', coordinating: [{ txn: 't1', phase: 'preparing', participants: ['s2', 's5'], votes: { s2: 'yes' } }], participating: [] }), 10);
    w.observe('n1', report({ id: 'n1', coordinating: [], participating: [{ txn: 't1', coordinator: 's2', state: 'prepared', locks: ['k1'], shard: 's2' }] }), 11);
    w.observe('n4', report({ id: 'n4', coordinating: [], participating: [{ txn: 't1', coordinator: 's2', state: 'prepared', locks: ['k7'], shard: 's5' }] }), 12);
    const [v] = w.snapshot();
    expect(v).toMatchObject({ txn: 't1', coordinator: 'n3', participants: ['s2', 's5'], leaders: { s2: 'n1', s5: 'n4' }, states: { s2: 'prepared', s5: 'prepared' }, heldKeys: { s2: ['k1'], s5: ['k7'] } });

    // n1 dies; n2 is elected in s2's group and reports the same prepared transaction.
    w.observe('n2', report({ id: 'n2', coordinating: [], participating: [{ txn: 't1', coordinator: 's2', state: 'prepared', locks: ['k1'], shard: 's2' }] }), 20);
    expect(w.snapshot()[0]).toMatchObject({ participants: ['s2', 's5'], leaders: { s2: 'n2', s5: 'n4' } });
  });

  it('leaves other modes as they were: participants are nodes, no leaders', () => {
    const w = new TxnWatch();
    w.observe('n1', { txns: { id: 'n1', mode: 'classic', locks: {}, coordinating: [], participating: [{ txn: 't9', coordinator: 'n2', state: 'working', locks: ['a'] }] } } as unknown as NodeStatus, 1);
    const [v] = w.snapshot();
    expect(v?.participants).toEqual(['n1']);
    expect(v && 'leaders' in v).toBe(false);
  });
});
