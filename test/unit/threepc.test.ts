/**
 * Three-phase commit, step by step. Keys name their home: "a.." on n1, "b.." on n2, "c.."
 * on n3; n4 coordinates and holds no key, so it can die without taking a participant along.
 * Each script holds or drops messages by type, crashes nodes and moves time, then reads
 * what each node persisted and decided.
 */
import { describe, expect, it } from 'vitest';
import type { NodeId } from '../../core/algorithms/common/types';
import { restoreThreePcNode, type TwoPcNode, type TwoPcRecord, type TxnMicroOp } from '../../core/algorithms/twopc';
import { electedCoordinator, terminationRule } from '../../core/algorithms/twopc/threepc-termination';
import { classicConfig, Cluster, msgType, type InFlight } from './twopc-harness';

class ThreePcCluster extends Cluster<TwoPcNode> {
  constructor(ids: NodeId[] = ['n1', 'n2', 'n3', 'n4']) {
    super(ids, (id, records) => restoreThreePcNode(classicConfig(id), records as TwoPcRecord[]));
  }

  recordTypes(id: NodeId, txn?: string): string[] {
    return (this.durable.get(id) as TwoPcRecord[]).filter((r) => txn === undefined || ('txn' in r && r.txn === txn)).map((r) => r.type);
  }

  stateOf(id: NodeId, txn: string): string | undefined {
    return this.node(id).participantState(txn)?.state;
  }

  /** Who decided without the coordinator, and what. */
  terminated(txn: string): Record<NodeId, string> {
    return Object.fromEntries(this.events.filter((e) => e.kind === 'terminated' && e.txn === txn).map((e) => [(e as { node: NodeId }).node, (e as { outcome: string }).outcome]));
  }
}

const ABC: TxnMicroOp[] = [
  ['append', 'a', 1],
  ['append', 'b', 1],
  ['append', 'c', 1],
];

/** Message filters: the network as each script wants it. */
const holdType =
  (type: string, to?: NodeId) =>
  (m: InFlight<unknown>): 'deliver' | 'hold' =>
    msgType(m) === type && (to === undefined || m.to === to) ? 'hold' : 'deliver';
const cut =
  (a: readonly NodeId[], b: readonly NodeId[]) =>
  (m: InFlight<unknown>): 'deliver' | 'drop' =>
    (a.includes(m.from) && b.includes(m.to)) || (b.includes(m.from) && a.includes(m.to)) ? 'drop' : 'deliver';

describe('three-phase commit: the phases', () => {
  it('commits through can-commit, pre-commit and do-commit, each participant persisting PREPARED then PRE-COMMITTED', () => {
    const c = new ThreePcCluster();
    c.submit('n4', 't1', [...ABC, ['r', 'b', null]]);
    c.deliver();
    expect(c.reply('t1')).toEqual({ id: 't1', ok: true, ops: [...ABC, ['r', 'b', [1]]] });
    for (const n of ['n1', 'n2', 'n3']) expect(c.recordTypes(n)).toEqual(['prepared', 'pre-committed', 'outcome']);
    expect(c.recordTypes('n4')).toEqual(['begin', 'commit', 'end']);
    expect(c.outcomes('t1')).toEqual({ n1: 'commit', n2: 'commit', n3: 'commit' });
    expect(c.node('n4').status().mode).toBe('3pc');
  });

  it('the coordinator logs COMMIT only after every yes voter acked its pre-commit', () => {
    const c = new ThreePcCluster();
    c.submit('n4', 't1', ABC);
    c.deliver(holdType('pre-commit-ack', 'n4'));
    // Every participant is pre-committed (durably), the coordinator still waits.
    expect(['n1', 'n2', 'n3'].map((n) => c.stateOf(n, 't1'))).toEqual(['pre-committed', 'pre-committed', 'pre-committed']);
    expect(c.recordTypes('n4')).toEqual(['begin']);
    expect(c.node('n4').status().coordinating).toEqual([{ txn: 't1', phase: 'pre-committing', participants: ['n1', 'n2', 'n3'], votes: { n1: 'yes', n2: 'yes', n3: 'yes' } }]);
    expect(c.reply('t1')).toBeUndefined();
    c.deliver();
    expect(c.recordTypes('n4')).toEqual(['begin', 'commit', 'end']);
    expect(c.reply('t1')).toMatchObject({ ok: true });
  });

  it('a read-only participant is not pre-committed: only yes voters take part in the third phase', () => {
    const c = new ThreePcCluster();
    c.submit('n4', 't1', [['append', 'a', 1], ['r', 'b', null]]);
    c.deliver();
    expect(c.reply('t1')).toMatchObject({ ok: true });
    expect(c.recordTypes('n2')).toEqual(['read-only']);
    expect(c.recordTypes('n1')).toEqual(['prepared', 'pre-committed', 'outcome']);
  });
});

describe('duplicates after a read-only vote', () => {
  it('an execute re-sent by a slow coordinator and arriving after the read-only vote does not bring the transaction back', () => {
    const c = new ThreePcCluster();
    c.submit('n4', 't1', [['append', 'a', 1], ['r', 'b', null]]);
    // The coordinator re-sends execute while the first answer is on its way; the copy to n2
    // is overtaken by the prepare (a slow link reorders them).
    c.deliver(holdType('executed'));
    c.advance(110, (m) => (msgType(m) === 'executed' || (msgType(m) === 'execute' && m.to === 'n2') ? 'hold' : 'deliver'));
    const late = c.queue.filter((m) => msgType(m) === 'execute' && m.to === 'n2');
    expect(late).toHaveLength(1);
    c.queue = c.queue.filter((m) => !late.includes(m));
    c.deliver();
    expect(c.recordTypes('n2')).toEqual(['read-only']); // it voted read-only, and logged only that
    c.queue.push(...late);
    c.deliver();
    expect(c.reply('t1')).toMatchObject({ ok: true });
    // n2 voted read-only and forgot t1: the late copy takes no lock and starts no work, so a
    // terminating peer would hear 'unknown' from it, never 'aborted'.
    expect(c.node('n2').status().locks).toEqual({});
    expect(c.stateOf('n2', 't1')).toBeUndefined();
    const n2 = c.node('n2');
    c.absorb('n2', n2.step({ kind: 'message', from: 'n1', msg: { type: 'state-request', txn: 't1' }, nowMs: c.nowMs }));
    expect(c.queue.map((m) => m.msg)).toContainEqual({ type: 'state-report', txn: 't1', state: 'unknown' });
  });

  it('a copy of the prepare after the read-only vote gets the same vote, not a refusal that peers would hear as an abort', () => {
    const c = new ThreePcCluster();
    c.submit('n4', 't1', [['append', 'a', 1], ['r', 'b', null]]);
    c.deliver(holdType('pre-commit-ack'));
    const n2 = c.node('n2');
    c.absorb('n2', n2.step({ kind: 'message', from: 'n4', msg: { type: 'prepare', txn: 't1' }, nowMs: c.nowMs }));
    c.absorb('n2', n2.step({ kind: 'message', from: 'n1', msg: { type: 'state-request', txn: 't1' }, nowMs: c.nowMs }));
    const fromN2 = c.queue.filter((m) => m.from === 'n2').map((m) => m.msg);
    expect(fromN2).toEqual([
      { type: 'vote', txn: 't1', vote: 'read-only' },
      { type: 'state-report', txn: 't1', state: 'unknown' },
    ]);
    expect(c.recordTypes('n2')).toEqual(['read-only']);
  });
});

describe('three-phase commit: deciding without the coordinator (no blocking)', () => {
  it('coordinator dies after the votes, before any pre-commit: every participant is uncertain, they elect n1, and it aborts (TR3)', () => {
    const c = new ThreePcCluster();
    c.submit('n4', 't1', ABC);
    c.deliver(holdType('pre-commit'));
    c.crash('n4');
    expect(['n1', 'n2', 'n3'].map((n) => c.stateOf(n, 't1'))).toEqual(['prepared', 'prepared', 'prepared']);
    c.advance(1_500);
    expect(c.terminated('t1')).toEqual({ n1: 'abort' }); // the lowest id decided; n2 and n3 followed it
    expect(c.outcomes('t1')).toEqual({ n1: 'abort', n2: 'abort', n3: 'abort' });
    expect(c.events.filter((e) => e.kind === 'blocked')).toEqual([]);
    for (const n of ['n1', 'n2', 'n3']) expect(c.node(n).status().locks).toEqual({});
  });

  it('coordinator dies after pre-committing n3 only: the participants find it pre-committed and commit (TR4), pre-committing the others first', () => {
    const c = new ThreePcCluster();
    c.submit('n4', 't1', ABC);
    c.deliver((m) => (msgType(m) === 'pre-commit' && m.to !== 'n3' ? 'hold' : 'deliver'));
    c.crash('n4');
    expect(['n1', 'n2', 'n3'].map((n) => c.stateOf(n, 't1'))).toEqual(['prepared', 'prepared', 'pre-committed']);
    c.advance(1_500);
    expect(c.terminated('t1')).toEqual({ n1: 'commit' });
    expect(c.outcomes('t1')).toEqual({ n1: 'commit', n2: 'commit', n3: 'commit' });
    // n1 and n2 were pre-committed (durably) by the new coordinator before anyone committed.
    expect(c.recordTypes('n1')).toEqual(['prepared', 'pre-committed', 'outcome']);
    expect(c.recordTypes('n2')).toEqual(['prepared', 'pre-committed', 'outcome']);
    expect(c.node('n2').data('b')).toEqual([1]);
  });

  it('the new coordinator dies too: the next lowest id takes over and still commits', () => {
    const c = new ThreePcCluster();
    c.submit('n4', 't1', ABC);
    c.deliver((m) => (msgType(m) === 'pre-commit' && m.to !== 'n3' ? 'hold' : 'deliver'));
    c.crash('n4');
    // n1 polls and is elected, but dies before deciding.
    c.advance(350);
    c.crash('n1');
    c.advance(2_000);
    expect(c.terminated('t1')).toEqual({ n2: 'commit' });
    expect(c.outcomes('t1')).toEqual({ n2: 'commit', n3: 'commit' });
    c.restart('n1'); // uncertain still (its vote is durable); it learns from its peers
    c.advance(1_000);
    expect(c.outcomes('t1')).toEqual({ n1: 'commit', n2: 'commit', n3: 'commit' });
  });

  it('a pre-committed participant that restarts is pre-committed still, and commits alone when nobody answers', () => {
    const c = new ThreePcCluster(['n1', 'n2', 'n3', 'n4']);
    c.submit('n4', 't1', [['append', 'a', 1]]);
    c.deliver(holdType('pre-commit-ack'));
    c.crash('n4');
    c.crash('n1');
    c.restart('n1');
    expect(c.stateOf('n1', 't1')).toBe('pre-committed');
    c.advance(1_500);
    expect(c.terminated('t1')).toEqual({ n1: 'commit' });
    expect(c.node('n1').data('a')).toEqual([1]);
  });
});

describe('three-phase commit: log compaction', () => {
  it('a compacted log keeps a pre-committed participant pre-committed, and its committed data', () => {
    const c = new ThreePcCluster();
    c.submit('n4', 't0', [['append', 'a', 7]]);
    c.deliver();
    c.submit('n4', 't1', [['append', 'a', 1]]);
    c.deliver(holdType('pre-commit-ack'));
    const snapshot = c.node('n1').durableSnapshot();
    expect(snapshot?.map((r) => r.type)).toEqual(['compacted', 'prepared', 'pre-committed']);
    const restored = restoreThreePcNode(classicConfig('n1'), snapshot!);
    expect(restored.participantState('t1')?.state).toBe('pre-committed');
    expect(restored.data('a')).toEqual([7]);
  });
});

describe('three-phase commit: the timeout rules, and what a partition does with them', () => {
  it('cut off from everyone, an uncertain participant aborts by timeout and a pre-committed one commits', () => {
    const c = new ThreePcCluster();
    c.submit('n4', 't1', [['append', 'a', 1], ['append', 'b', 1]]);
    c.deliver((m) => (msgType(m) === 'pre-commit' && m.to === 'n2' ? 'hold' : 'deliver'));
    c.queue = [];
    // n1 is pre-committed, n2 uncertain; nobody hears anybody any more.
    c.advance(1_500, () => 'drop');
    expect(c.terminated('t1')).toEqual({ n1: 'commit', n2: 'abort' });
  });

  it('split brain: the network splits through the pre-commit round; {n4, n1} commits, {n2, n3} aborts', () => {
    const c = new ThreePcCluster();
    c.submit('n4', 't1', ABC);
    c.deliver((m) => (msgType(m) === 'pre-commit' && m.to !== 'n1' ? 'hold' : 'deliver'));
    c.queue = c.queue.filter((m) => m.to === 'n1' || m.from === 'n1');
    const partition = cut(['n4', 'n1'], ['n2', 'n3']);
    c.advance(2_000, partition);
    // Each side elected its own new coordinator and followed the rules on its own states.
    expect(c.terminated('t1')).toEqual({ n1: 'commit', n2: 'abort' });
    expect(c.outcomes('t1')).toEqual({ n1: 'commit', n2: 'abort', n3: 'abort' });
    // Healed: the coordinator's pre-commit retry meets n2's abort and it aborts too; nothing
    // can undo n1's commit. The atomicity checker sees commit and abort for one transaction.
    c.advance(500);
    expect(c.node('n4').status().coordinating).toEqual([]);
    expect(c.node('n1').data('a')).toEqual([1]);
    expect(c.node('n2').data('b')).toEqual([]);
  });
});

describe('three-phase commit: the termination rules', () => {
  it('TR1..TR4 over the new coordinator’s state and its peers’ reports', () => {
    expect(terminationRule('pre-committed', ['aborted', 'uncertain'])).toMatchObject({ outcome: 'abort', rule: 'TR1' });
    expect(terminationRule('uncertain', ['committed'])).toMatchObject({ outcome: 'commit', rule: 'TR2' });
    expect(terminationRule('uncertain', ['uncertain', 'unknown'])).toMatchObject({ outcome: 'abort', rule: 'TR3' });
    expect(terminationRule('uncertain', ['pre-committed', 'uncertain'])).toMatchObject({ outcome: 'commit', rule: 'TR4' });
    // Alone: the timeout rules.
    expect(terminationRule('uncertain', [])).toMatchObject({ outcome: 'abort', why: 'uncertain and nobody answered: abort by timeout' });
    expect(terminationRule('pre-committed', ['unknown'])).toMatchObject({ outcome: 'commit', why: 'pre-committed and nobody answered: commit by timeout' });
  });

  it('the lowest id among the poller and those that answered is elected', () => {
    expect(electedCoordinator('n3', ['n2', 'n5'])).toBe('n2');
    expect(electedCoordinator('n1', ['n2'])).toBe('n1');
    expect(electedCoordinator('n4', [])).toBe('n4');
  });
});
