/**
 * The participant's lock policies (core/algorithms/twopc/lock-table.ts): no-wait refuses
 * at once; wait-die lets an older requester wait and a younger one die; wound-wait lets an
 * older requester wound a younger holder that has not voted, and a younger one wait.
 * First on the table alone, then through 2PC on three scripted nodes.
 */
import { describe, expect, it } from 'vitest';
import { LockTable, olderThan } from '../../core/algorithms/twopc/lock-table';
import { restoreTwoPcNode, type TwoPcNode, type TwoPcRecord, type TxnMicroOp } from '../../core/algorithms/twopc';
import type { LockPolicy } from '../../core/algorithms/twopc/lock-table';
import { Cluster, classicConfig, msgType } from './twopc-harness';

describe('lock table rules', () => {
  it('orders by timestamp, then by id', () => {
    expect(olderThan({ ts: 1, txn: 'b' }, { ts: 2, txn: 'a' })).toBe(true);
    expect(olderThan({ ts: 2, txn: 'a' }, { ts: 2, txn: 'b' })).toBe(true);
    expect(olderThan({ ts: 2, txn: 'b' }, { ts: 2, txn: 'b' })).toBe(false);
  });

  it('no-wait: a conflict is refused whatever the ages', () => {
    const t = new LockTable<string>();
    expect(t.request({ txn: 'young', ts: 9, keys: ['x'] }, 'no-wait', 0, '')).toEqual({ kind: 'granted' });
    expect(t.request({ txn: 'old', ts: 1, keys: ['x'] }, 'no-wait', 0, '')).toEqual({ kind: 'refused', key: 'x', holder: 'young' });
    expect(t.waiting()).toEqual([]);
  });

  it('wait-die: the older requester waits and gets the key on release; the younger dies', () => {
    const t = new LockTable<string>();
    t.request({ txn: 'mid', ts: 5, keys: ['x', 'y'] }, 'wait-die', 0, '');
    expect(t.request({ txn: 'young', ts: 9, keys: ['x'] }, 'wait-die', 0, 'p-young')).toEqual({ kind: 'refused', key: 'x', holder: 'mid' });
    expect(t.request({ txn: 'old', ts: 1, keys: ['y'] }, 'wait-die', 0, 'p-old')).toEqual({ kind: 'waiting', wound: [] });
    expect(t.settle('wait-die')).toEqual({ granted: [], died: [], wound: [] });
    t.releaseAll('mid', ['x', 'y']);
    const s = t.settle('wait-die');
    expect(s.granted.map((w) => [w.txn, w.payload])).toEqual([['old', 'p-old']]);
    expect(t.snapshot()).toEqual({ y: 'old' });
  });

  it('wait-die: a waiter that finds an older holder on a key it needs dies', () => {
    const t = new LockTable<string>();
    t.request({ txn: 'young', ts: 9, keys: ['x'] }, 'wait-die', 0, '');
    t.request({ txn: 'mid', ts: 5, keys: ['x', 'y'] }, 'wait-die', 0, ''); // waits for young
    t.request({ txn: 'old', ts: 1, keys: ['y'] }, 'wait-die', 0, ''); // y is free: granted
    const s = t.settle('wait-die');
    expect(s.died.map((w) => w.txn)).toEqual(['mid']);
    expect(t.waiting()).toEqual([]);
  });

  it('wound-wait: the older requester wounds the younger holder and waits; the younger requester waits', () => {
    const t = new LockTable<string>();
    t.request({ txn: 'mid', ts: 5, keys: ['x'] }, 'wound-wait', 0, '');
    expect(t.request({ txn: 'young', ts: 9, keys: ['x'] }, 'wound-wait', 0, '')).toEqual({ kind: 'waiting', wound: [] });
    expect(t.request({ txn: 'old', ts: 1, keys: ['x'] }, 'wound-wait', 0, '')).toEqual({ kind: 'waiting', wound: ['mid'] });
    // The queue is oldest first, so the wounded holder's key goes to the older waiter.
    t.releaseAll('mid', ['x']);
    const s = t.settle('wound-wait');
    expect(s.granted.map((w) => w.txn)).toEqual(['old']);
    expect(t.waiting().map((w) => w.txn)).toEqual(['young']);
  });

  it('a waiter can be cancelled, and one that waited past the bound is reported', () => {
    const t = new LockTable<string>();
    t.request({ txn: 'a', ts: 5, keys: ['x'] }, 'wait-die', 0, '');
    t.request({ txn: 'b', ts: 1, keys: ['x'] }, 'wait-die', 100, 'pb');
    expect(t.waitedTooLong(1_099, 1_000)).toEqual([]);
    expect(t.waitedTooLong(1_100, 1_000).map((w) => w.txn)).toEqual(['b']);
    expect(t.cancel('b')).toBe('pb');
    expect(t.isWaiting('b')).toBe(false);
  });
});

class PolicyCluster extends Cluster<TwoPcNode> {
  constructor(policy: LockPolicy) {
    super(['n1', 'n2', 'n3'], (id, records) => restoreTwoPcNode({ ...classicConfig(id), lockPolicy: policy }, records as TwoPcRecord[]));
  }

  submitAt(at: string, id: string, ops: TxnMicroOp[], ts: number): void {
    this.absorb(at, this.node(at).step({ kind: 'request', request: { kind: 'txn', id, ops, ts }, nowMs: this.nowMs }));
  }
}

/** Holds t-young's prepare at n2, so it keeps its lock on b there while t-old comes. */
function youngHoldsB(policy: LockPolicy): PolicyCluster {
  const c = new PolicyCluster(policy);
  c.submitAt('n1', 't-young', [['append', 'b', 1]], 20);
  c.deliver((m) => (msgType(m) === 'prepare' ? 'hold' : 'deliver'));
  expect(c.node('n2').status().locks).toEqual({ b: 't-young' });
  return c;
}

describe('lock policies through 2PC', () => {
  it('no-wait: the older transaction is refused at once and aborts', () => {
    const c = youngHoldsB('no-wait');
    c.submitAt('n3', 't-old', [['append', 'b', 2]], 10);
    c.deliver((m) => (msgType(m) === 'prepare' && m.to === 'n2' && m.from === 'n1' ? 'hold' : 'deliver'));
    expect(c.reply('t-old')).toMatchObject({ ok: false, error: 'ABORTED', cause: 'conflict' });
  });

  it('wait-die: the older transaction waits for the younger one, then commits after it', () => {
    const c = youngHoldsB('wait-die');
    c.submitAt('n3', 't-old', [['append', 'b', 2]], 10);
    c.deliver((m) => (msgType(m) === 'prepare' && m.from === 'n1' ? 'hold' : 'deliver'));
    expect(c.reply('t-old')).toBeUndefined(); // waiting in n2's queue
    expect(c.node('n2').status().locks).toEqual({ b: 't-young' });
    // The panel sees the waiter: executing, nothing held, queued for b.
    expect(c.node('n2').status().participating).toContainEqual({ txn: 't-old', coordinator: 'n3', state: 'working', locks: [], waitingFor: ['b'] });
    c.deliver(); // t-young prepares, commits, releases b; t-old gets it
    expect(c.reply('t-young')).toMatchObject({ ok: true });
    expect(c.reply('t-old')).toMatchObject({ ok: true });
    expect(c.node('n2').data('b')).toEqual([1, 2]);
  });

  it('wait-die: a younger transaction dies at once', () => {
    const c = new PolicyCluster('wait-die');
    c.submitAt('n1', 't-old', [['append', 'b', 1]], 10);
    c.deliver((m) => (msgType(m) === 'prepare' ? 'hold' : 'deliver'));
    c.submitAt('n3', 't-young', [['append', 'b', 2]], 20);
    c.deliver((m) => (msgType(m) === 'prepare' && m.from === 'n1' ? 'hold' : 'deliver'));
    expect(c.reply('t-young')).toMatchObject({ ok: false, error: 'ABORTED', cause: 'conflict' });
  });

  it('wound-wait: the older transaction wounds the younger holder (not yet voted) and commits', () => {
    const c = youngHoldsB('wound-wait');
    c.submitAt('n3', 't-old', [['append', 'b', 2]], 10);
    c.deliver((m) => (msgType(m) === 'prepare' && m.from === 'n1' ? 'hold' : 'deliver'));
    c.deliver(); // t-young's prepare finds it dropped: a no vote
    expect(c.reply('t-old')).toMatchObject({ ok: true });
    // Its no vote says why: wounded (a conflict), not lost in a failure.
    expect(c.reply('t-young')).toMatchObject({ ok: false, error: 'ABORTED', cause: 'conflict' });
    expect((c.reply('t-young') as { reason: string }).reason).toMatch(/wounded/);
    expect(c.node('n2').data('b')).toEqual([2]);
  });

  it('wound-wait: a holder that already voted yes is not wounded; the older one waits for its outcome', () => {
    const c = new PolicyCluster('wound-wait');
    c.submitAt('n1', 't-young', [['append', 'b', 1]], 20);
    c.deliver((m) => (msgType(m) === 'vote' ? 'hold' : 'deliver')); // t-young prepared at n2
    c.submitAt('n3', 't-old', [['append', 'b', 2]], 10);
    c.deliver((m) => (msgType(m) === 'vote' && m.to === 'n1' ? 'hold' : 'deliver'));
    expect(c.reply('t-old')).toBeUndefined();
    c.deliver();
    expect(c.reply('t-young')).toMatchObject({ ok: true });
    expect(c.reply('t-old')).toMatchObject({ ok: true });
    expect(c.node('n2').data('b')).toEqual([1, 2]);
  });

  it('a waiter gives up after the transaction timeout and its coordinator aborts', () => {
    const c = new PolicyCluster('wait-die');
    // t-young votes yes at n2 and never hears the outcome (no decision, no answer to its queries): it holds b, in doubt.
    const cutOff = (m: Parameters<Parameters<PolicyCluster['deliver']>[0] & object>[0]): 'hold' | 'deliver' =>
      (msgType(m) === 'vote' && m.from === 'n2' && m.to === 'n1') || (['decision', 'answer'].includes(msgType(m)) && m.to === 'n2') ? 'hold' : 'deliver';
    c.submitAt('n1', 't-young', [['append', 'b', 1]], 20);
    c.deliver(cutOff);
    c.submitAt('n3', 't-old', [['append', 'b', 2]], 10);
    c.advance(1_500, cutOff);
    expect(c.reply('t-old')).toMatchObject({ ok: false, error: 'ABORTED' });
    expect(c.node('n2').status().locks).toEqual({ b: 't-young' });
  });
});
