/**
 * 2PC under log compaction: TwoPcNode.durableSnapshot folds finished transactions into one
 * 'compacted' record and keeps the records of unfinished ones. A cluster whose nodes restart
 * from compacted records must behave exactly like one that restarts from every record:
 * in-doubt participants stay prepared with their locks, a committing coordinator finishes
 * its commit, and duplicate requests are answered the same way.
 */
import { describe, expect, it } from 'vitest';
import type { TwoPcRecord } from '../../core/algorithms/twopc';
import { TwoPcCluster, msgType } from './twopc-harness';

/** Finished, aborted, in-doubt and committing-not-ended transactions, then every node restarts. */
function scenario(compact: boolean): TwoPcCluster {
  const c = new TwoPcCluster();
  c.submit('n1', 't0', [['append', 'b', 0], ['append', 'c', 0]]);
  c.deliver(); // committed everywhere and ended
  c.submit('n1', 't1', [['append', 'b', 1], ['append', 'c', 1]]);
  // The decision reaches n2 only: n3 is in doubt (prepared, c locked), n1 has not ended t1.
  c.deliver((m) => (msgType(m) === 'decision' && m.to === 'n3' ? 'hold' : 'deliver'));
  c.submit('n2', 't2', [['append', 'c', 2]]); // c is locked by t1 at n3: aborted
  c.deliver((m) => (msgType(m) === 'decision' && m.to === 'n3' && (m.msg as { txn: string }).txn === 't1' ? 'hold' : 'deliver'));
  expect(c.reply('t2')).toMatchObject({ ok: false, error: 'ABORTED' });
  expect(c.node('n3').participantState('t1')?.state).toBe('prepared');
  if (compact) {
    for (const id of c.ids) {
      const records = c.node(id).durableSnapshot();
      if (records === undefined) throw new Error(`${id} cannot compact`);
      const durable = c.durable.get(id) as TwoPcRecord[];
      durable.splice(0, durable.length, ...records);
    }
  }
  for (const id of c.ids) c.crash(id);
  for (const id of c.ids) c.restart(id);
  c.replies = [];
  return c;
}

describe('2PC log compaction', () => {
  it('keeps the in-doubt participant and the committing coordinator, and folds the rest into one record', () => {
    const c = scenario(true);
    expect(c.recordTypes('n1')).toEqual(['compacted', 'commit']);
    expect(c.recordTypes('n3')).toEqual(['compacted', 'prepared']);
    expect(c.recordTypes('n2')).toEqual(['compacted']);
    // Restarted from them, n3 is still in doubt and still holds t1's lock on c.
    expect(c.node('n3').participantState('t1')?.state).toBe('in-doubt');
    expect(c.node('n3').status().locks).toEqual({ c: 't1' });
  });

  it('a cluster restarted from compacted records behaves exactly like one restarted from every record', () => {
    const runs = [scenario(false), scenario(true)].map((c) => {
      c.advance(2000); // n1 re-sends t1's commit; n3 commits, acks; n1 ends t1
      for (const [id, txn] of [['n1', 't0'], ['n1', 't1'], ['n2', 't2']] as const) c.submit(id, txn, [['append', 'b', 9]]);
      c.deliver();
      c.submit('n1', 't3', [['append', 'b', 3], ['append', 'c', 3]]);
      c.deliver();
      return {
        data: c.ids.map((id) => ({ b: c.node(id).data('b'), c: c.node(id).data('c') })),
        status: c.ids.map((id) => c.node(id).status()),
        replies: c.replies,
      };
    });
    expect(runs[1]).toEqual(runs[0]);
    expect(runs[1]?.data[2]?.c).toEqual([0, 1, 3]); // t1 committed at n3 after the restart
    expect(runs[1]?.replies.find((r) => r.id === 't3')).toMatchObject({ ok: true });
  });

  it('does not compact in paxos mode or with a deliberate bug (every record is kept)', () => {
    const c = new TwoPcCluster();
    const buggy = new TwoPcCluster(['n1']);
    expect(c.node('n1').durableSnapshot()).toBeDefined();
    Object.assign(buggy.node('n1').config, { bugs: { voteBeforePersist: true } });
    expect(buggy.node('n1').durableSnapshot()).toBeUndefined();
  });
});
