import { describe, expect, it } from 'vitest';
import { transactionsView } from '../../core/algorithms/twopc';
import { msgType, TwoPcCluster } from './twopc-harness';

describe('two-phase commit, classic mode: scripted scenarios', () => {
  it('commits a transaction across two participants and fills its reads', () => {
    const c = new TwoPcCluster();
    c.submit('n1', 't1', [['append', 'a', 1], ['append', 'b', 2], ['r', 'b', null]]);
    c.deliver();
    expect(c.reply('t1')).toEqual({ id: 't1', ok: true, ops: [['append', 'a', 1], ['append', 'b', 2], ['r', 'b', [2]]] });
    expect(c.node('n1').data('a')).toEqual([1]);
    expect(c.node('n2').data('b')).toEqual([2]);
    expect(c.outcomes('t1')).toEqual({ n1: 'commit', n2: 'commit' });
    // Locks are released and the coordinator logged COMMIT then END.
    expect(c.node('n2').status().locks).toEqual({});
    expect(c.node('n2').status().participating).toEqual([{ txn: 't1', coordinator: 'n1', state: 'committed', locks: [] }]);
    expect(c.recordTypes('n1')).toEqual(['begin', 'prepared', 'commit', 'outcome', 'end']);
  });

  it('shows the coordinator phase and every participant state in the cluster view', () => {
    const c = new TwoPcCluster();
    c.submit('n1', 't1', [['append', 'a', 1], ['append', 'b', 1], ['append', 'c', 1]]);
    c.deliver((m) => (msgType(m) === 'vote' && m.from === 'n3' ? 'hold' : msgType(m) === 'prepare' && m.to === 'n3' ? 'hold' : 'deliver'));
    const view = transactionsView([...c.nodes.values()].map((n) => n.status()));
    expect(view).toEqual([
      {
        txn: 't1',
        coordinator: 'n1',
        phase: 'preparing',
        participants: [
          { node: 'n1', state: 'prepared', locks: ['a'] },
          { node: 'n2', state: 'prepared', locks: ['b'] },
          { node: 'n3', state: 'working', locks: ['c'] },
        ],
      },
    ]);
  });

  it('persists PREPARED in the same step as the yes vote, before it is sent', () => {
    const c = new TwoPcCluster();
    c.submit('n1', 't1', [['append', 'b', 1]]);
    c.deliver((m) => (msgType(m) === 'vote' ? 'hold' : 'deliver'));
    const vote = c.queue.find((m) => msgType(m) === 'vote');
    expect(vote?.msg).toEqual({ type: 'vote', txn: 't1', vote: 'yes' });
    expect(c.recordTypes('n2')).toEqual(['prepared']);
  });

  it('a read-only participant votes read-only, releases its locks and gets no decision', () => {
    const c = new TwoPcCluster();
    c.submit('n1', 't0', [['append', 'b', 7]]);
    c.deliver();
    c.submit('n1', 't1', [['append', 'a', 1], ['r', 'b', null]]);
    c.deliver((m) => (msgType(m) === 'vote' && m.from === 'n2' ? 'hold' : 'deliver'));
    expect(c.queue.map((m) => m.msg)).toEqual([{ type: 'vote', txn: 't1', vote: 'read-only' }]);
    expect(c.node('n2').status().locks).toEqual({});
    expect((c.durable.get('n2') as { txn: string }[]).filter((r) => r.txn === 't1')).toEqual([{ type: 'read-only', txn: 't1' }]); // the vote only: no outcome, no locks
    c.deliver();
    expect(c.reply('t1')).toMatchObject({ ok: true, ops: [['append', 'a', 1], ['r', 'b', [7]]] });
    expect(c.outcomes('t1')).toEqual({ n1: 'commit' });
  });

  it('aborts on a lock conflict (no-wait) and the client learns it had no effect', () => {
    const c = new TwoPcCluster();
    c.submit('n1', 't1', [['append', 'b', 1]]);
    c.deliver((m) => (msgType(m) === 'prepare' ? 'hold' : 'deliver'));
    c.submit('n3', 't2', [['append', 'b', 2], ['append', 'c', 2]]);
    c.deliver((m) => (msgType(m) === 'prepare' && (m.msg as { txn: string }).txn === 't1' ? 'hold' : 'deliver'));
    expect(c.reply('t2')).toMatchObject({ ok: false, error: 'ABORTED', cause: 'conflict' });
    expect((c.reply('t2') as { reason: string }).reason).toContain('n2 could not lock');
    expect(c.node('n3').data('c')).toEqual([]);
    expect(c.node('n3').status().locks).toEqual({});
    c.deliver();
    expect(c.reply('t1')).toMatchObject({ ok: true });
    expect(c.node('n2').data('b')).toEqual([1]);
  });

  it('a coordinator that times out before deciding aborts; a prepared participant learns abort', () => {
    const c = new TwoPcCluster();
    c.submit('n1', 't1', [['append', 'b', 1], ['append', 'c', 1]]);
    // n3 never hears the prepare: it stays working; n2 votes yes.
    c.deliver((m) => (msgType(m) === 'prepare' && m.to === 'n3' ? 'drop' : 'deliver'));
    c.advance(1_100, (m) => (m.to === 'n3' && msgType(m) === 'prepare' ? 'drop' : 'deliver'));
    // A participant that did not answer: the cluster failed to do it, not a refusal by design.
    expect(c.reply('t1')).toMatchObject({ ok: false, error: 'ABORTED', cause: 'failure' });
    expect(c.outcomes('t1')).toEqual({ n2: 'abort' });
    expect(c.node('n2').data('b')).toEqual([]);
    expect(c.node('n3').participantState('t1')?.state).toBe('aborted');
  });

  it('a participant that restarts before the prepare votes no, and the abort is a failure (not a conflict)', () => {
    const c = new TwoPcCluster();
    c.submit('n1', 't1', [['append', 'b', 1], ['append', 'c', 1]]);
    c.deliver((m) => (msgType(m) === 'prepare' ? 'hold' : 'deliver')); // both executed, holding their locks
    c.crash('n3');
    c.restart('n3'); // its work on t1 was not durable: gone
    c.advance(200); // the prepare (re-sent if the crash lost it) finds nothing to vote yes for
    expect(c.reply('t1')).toMatchObject({ ok: false, error: 'ABORTED', cause: 'failure' });
    expect((c.reply('t1') as { reason: string }).reason).toMatch(/n3 voted no \(it no longer holds the transaction\)/);
    expect(c.outcomes('t1')).toEqual({ n2: 'abort' });
  });

  it('a participant that restarts after voting yes is in doubt, holds its locks, and commits when told', () => {
    const c = new TwoPcCluster();
    c.submit('n1', 't1', [['append', 'b', 1], ['append', 'c', 1]]);
    c.deliver((m) => (msgType(m) === 'decision' && m.to === 'n3' ? 'hold' : 'deliver'));
    c.crash('n3');
    c.restart('n3');
    expect(c.node('n3').status().locks).toEqual({ c: 't1' });
    expect(c.node('n3').data('c')).toEqual([]);
    c.advance(200);
    expect(c.node('n3').data('c')).toEqual([1]);
    expect(c.outcomes('t1')).toEqual({ n2: 'commit', n3: 'commit' });
  });

  it('cooperative termination: an in-doubt participant learns the outcome from a peer', () => {
    const c = new TwoPcCluster();
    c.submit('n1', 't1', [['append', 'b', 1], ['append', 'c', 1]]);
    // The commit reaches n2 only; then the coordinator crashes.
    c.deliver((m) => (msgType(m) === 'decision' && m.to === 'n3' ? 'drop' : 'deliver'));
    c.crash('n1');
    c.advance(600);
    expect(c.outcomes('t1')).toEqual({ n2: 'commit', n3: 'commit' });
    expect(c.events.some((e) => e.kind === 'blocked')).toBe(false);
  });

  it('cooperative termination: a participant that never voted yes aborts, and so can the asker', () => {
    const c = new TwoPcCluster();
    c.submit('n1', 't1', [['append', 'b', 1], ['append', 'c', 1]]);
    // n2 votes yes; the prepare to n3 is lost, and the coordinator crashes.
    c.deliver((m) => (msgType(m) === 'prepare' && m.to === 'n3' ? 'drop' : 'deliver'));
    c.crash('n1');
    c.advance(600);
    expect(c.outcomes('t1')).toEqual({ n2: 'abort' });
    expect(c.node('n3').participantState('t1')?.state).toBe('aborted');
    expect(c.node('n2').status().locks).toEqual({});
  });

  it('never runs a transaction id twice: a duplicated request after an abort is answered, not re-run', () => {
    const c = new TwoPcCluster();
    c.submit('n1', 't0', [['append', 'b', 0]]);
    c.deliver((m) => (msgType(m) === 'prepare' ? 'hold' : 'deliver')); // t0 holds b's lock
    c.submit('n1', 't1', [['append', 'b', 1]]);
    c.deliver((m) => (msgType(m) === 'prepare' && (m.msg as { txn: string }).txn === 't0' ? 'hold' : 'deliver'));
    expect(c.reply('t1')).toMatchObject({ ok: false, error: 'ABORTED' });
    c.deliver(); // t0 commits and frees b
    c.replies = [];
    c.crash('n1');
    c.restart('n1'); // the 'begin' record survives the crash
    c.submit('n1', 't1', [['append', 'b', 1]]);
    c.deliver();
    expect(c.reply('t1')).toMatchObject({ ok: false, error: 'ABORTED', reason: 't1 already ran here and did not commit', cause: 'refused' });
    expect(c.node('n2').data('b')).toEqual([0]);
  });

  it('rejects a malformed transaction', () => {
    const c = new TwoPcCluster();
    c.submit('n1', 'bad', []);
    expect(c.reply('bad')).toMatchObject({ ok: false, error: 'BAD_REQUEST' });
  });
});

describe('THE blocking scenario (classic): coordinator crashes after the yes votes', () => {
  function crashAfterVotes(): TwoPcCluster {
    const c = new TwoPcCluster();
    c.submit('n1', 't1', [['append', 'b', 1], ['append', 'c', 1]]);
    // Both participants vote yes; the coordinator crashes before any decision leaves it.
    c.deliver((m) => (msgType(m) === 'vote' ? 'hold' : 'deliver'));
    return c;
  }

  it('participants are in doubt, say they are blocked on n1, hold their locks; restart with COMMIT logged -> commit', () => {
    const c = crashAfterVotes();
    // The votes arrive: n1 logs COMMIT, and crashes before the commit messages leave.
    c.deliver((m) => (msgType(m) === 'decision' ? 'hold' : 'deliver'));
    expect(c.recordTypes('n1')).toEqual(['begin', 'commit']);
    c.crash('n1');
    c.advance(1_000);
    for (const n of ['n2', 'n3']) {
      const st = c.node(n).status();
      expect(st.participating).toEqual([{ txn: 't1', coordinator: 'n1', state: 'in-doubt', locks: [n === 'n2' ? 'b' : 'c'], blockedOn: 'n1' }]);
    }
    // The panel's table: n1 is down, so only the participants speak, both blocked on it.
    expect(transactionsView(['n2', 'n3'].map((n) => c.node(n).status()))).toEqual([
      {
        txn: 't1',
        coordinator: 'n1',
        phase: undefined,
        participants: [
          { node: 'n2', state: 'in-doubt', locks: ['b'], blockedOn: 'n1' },
          { node: 'n3', state: 'in-doubt', locks: ['c'], blockedOn: 'n1' },
        ],
      },
    ]);
    const blocked = c.events.filter((e) => e.kind === 'blocked');
    expect(blocked.map((e) => (e as { node: string }).node).sort()).toEqual(['n2', 'n3']);
    expect((blocked[0] as { message: string }).message).toMatch(/^blocked: waiting for coordinator n1/);
    expect(c.outcomes('t1')).toEqual({});
    c.restart('n1');
    c.advance(300);
    expect(c.outcomes('t1')).toEqual({ n2: 'commit', n3: 'commit' });
    expect(c.node('n2').data('b')).toEqual([1]);
    expect(c.node('n2').status().locks).toEqual({});
    expect(c.recordTypes('n1')).toEqual(['begin', 'commit', 'end']);
  });

  it('the same with no decision logged: the restarted coordinator presumes abort', () => {
    const c = crashAfterVotes();
    c.crash('n1'); // the votes are lost with it; nothing was logged
    c.advance(1_000);
    expect(c.node('n3').participantState('t1')).toEqual({ state: 'in-doubt', blockedOn: 'n1' });
    expect(c.node('n3').status().locks).toEqual({ c: 't1' });
    c.restart('n1');
    c.advance(300);
    expect(c.outcomes('t1')).toEqual({ n2: 'abort', n3: 'abort' });
    expect(c.node('n2').data('b')).toEqual([]);
    expect(c.node('n3').status().locks).toEqual({});
  });
});
