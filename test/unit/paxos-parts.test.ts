/** The small parts under the Paxos replica: session table, log, queue, config checks. */
import { describe, expect, it } from 'vitest';
import { Fifo } from '../../core/algorithms/paxos/fifo';
import { ReplicaLog } from '../../core/algorithms/paxos/log';
import { SessionTable, SessionedStateMachine, validateConfig, type PaxosConfig } from '../../core/algorithms/paxos';

describe('session table', () => {
  it('remembers results per (client, seq) and evicts the oldest beyond its window', () => {
    const t = new SessionTable<string>(2);
    expect(t.lookup('c', 1)).toEqual({ kind: 'new' });
    t.record('c', 1, 'r1', 10);
    t.record('c', 2, 'r2', 11);
    expect(t.lookup('c', 1)).toEqual({ kind: 'applied', hit: { result: 'r1', slot: 10 } });
    t.record('c', 3, 'r3', 12); // evicts seq 1
    expect(t.lookup('c', 1)).toEqual({ kind: 'expired' });
    expect(t.lookup('c', 3)).toEqual({ kind: 'applied', hit: { result: 'r3', slot: 12 } });
    expect(t.lookup('c', 4)).toEqual({ kind: 'new' });
    expect(t.lookup('other', 1)).toEqual({ kind: 'new' });
  });

  it('the state machine applies a session command once and skips no-ops', () => {
    const applied: string[] = [];
    const afterApplyAt: number[] = [];
    const sm = new SessionedStateMachine<string, number>({
      apply: (cmd) => applied.push(cmd),
      afterApply: (_c, _r, _i, nowMs) => afterApplyAt.push(nowMs),
    });
    const cmd = { kind: 'cmd' as const, command: { client: 'c', seq: 1, op: 'x' } };
    expect(sm.apply(1, cmd, 100)).toEqual({ kind: 'result', result: 1, slot: 1 });
    expect(sm.apply(2, cmd, 200)).toEqual({ kind: 'result', result: 1, slot: 1 }); // the duplicate
    expect(sm.apply(3, { kind: 'noop' }, 300)).toEqual({ kind: 'noop' });
    expect(sm.apply(4, { kind: 'cmd', command: { op: 'y' } }, 400)).toEqual({ kind: 'result', result: 2, slot: 4 });
    expect(applied).toEqual(['x', 'y']);
    expect(afterApplyAt).toEqual([100, 400]);
  });
});

describe('replica log', () => {
  it('keeps the highest-ballot acceptance per slot, whatever the order', () => {
    const log = new ReplicaLog<string>();
    log.accept(1, { round: 2, node: 'a' }, { kind: 'noop' });
    log.accept(1, { round: 1, node: 'b' }, { kind: 'cmd', command: { op: 'old' } });
    expect(log.acceptedAt(1)?.ballot).toEqual({ round: 2, node: 'a' });
    log.accept(3, { round: 1, node: 'b' }, { kind: 'noop' });
    expect(log.lastAcceptedSlot).toBe(3);
    expect(log.acceptedFrom(2).map((e) => e.slot)).toEqual([3]);
  });

  it('advances the chosen prefix over out-of-order slots and applies in order', () => {
    const log = new ReplicaLog<string>();
    expect(log.learn(2, { kind: 'noop' })).toBe(true);
    expect(log.chosenUpTo).toBe(0);
    expect(log.nextToApply()).toBeUndefined();
    log.learn(1, { kind: 'noop' });
    expect(log.learn(1, { kind: 'noop' })).toBe(false);
    expect(log.chosenUpTo).toBe(2);
    expect([log.nextToApply()?.slot, log.nextToApply()?.slot, log.nextToApply()]).toEqual([1, 2, undefined]);
    expect(log.chosenRange(1, 1).map((e) => e.slot)).toEqual([1]);
    expect(log.chosenRange(2, 10).map((e) => e.slot)).toEqual([2]);
  });
});

describe('fifo', () => {
  it('keeps order across its internal compaction', () => {
    const q = new Fifo<number>();
    for (let i = 0; i < 5000; i++) q.push(i);
    const out: number[] = [];
    for (let i = 0; i < 3000; i++) out.push(q.shift() as number);
    q.push(5000);
    while (q.size > 0) out.push(q.shift() as number);
    expect(out).toEqual(Array.from({ length: 5001 }, (_, i) => i));
    expect(q.shift()).toBeUndefined();
  });
});

describe('config validation', () => {
  const good: PaxosConfig = { id: 'n1', members: ['n1', 'n2', 'n3'], heartbeatMs: 50, electionTimeoutMinMs: 300, electionTimeoutMaxMs: 600, seed: 1 };
  it('names the wrong value and what was expected', () => {
    expect(() => validateConfig(good)).not.toThrow();
    expect(() => validateConfig({ ...good, members: ['n2', 'n3'] })).toThrow(/must include the replica's own id "n1"/);
    expect(() => validateConfig({ ...good, members: ['n1', 'n1'] })).toThrow(/distinct/);
    expect(() => validateConfig({ ...good, electionTimeoutMinMs: 40 })).toThrow(/must exceed heartbeatMs 50, got 40/);
    expect(() => validateConfig({ ...good, electionTimeoutMaxMs: 200 })).toThrow(/>= electionTimeoutMinMs 300, got 200/);
    expect(() => validateConfig({ ...good, maxInFlight: 0 })).toThrow(/positive integer, got 0/);
  });
});
