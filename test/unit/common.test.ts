import { describe, expect, it } from 'vitest';
import { Deadline, Prng, QuorumTracker, backoffMs, majority } from '../../core/algorithms/common';

describe('quorum counting', () => {
  it('majority is more than half', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map(majority)).toEqual([1, 2, 2, 3, 3, 4, 4]);
    expect(() => majority(0)).toThrow(/positive integer/);
  });

  it('counts each voter once and ignores strangers', () => {
    const q = new QuorumTracker(new Set(['n1', 'n2', 'n3']));
    expect(q.vote('n1')).toBe(false);
    expect(q.vote('n1')).toBe(false); // duplicate delivery
    expect(q.vote('n9')).toBe(false); // not in the electorate
    expect(q.reached).toBe(false);
    expect(q.vote('n2')).toBe(true);
    expect(q.reached).toBe(true);
    expect(q.vote('n3')).toBe(false); // only the vote that reaches it says so
  });

  it('knows when the quorum became impossible', () => {
    const q = new QuorumTracker(new Set(['n1', 'n2', 'n3']));
    q.vote('n1', false);
    expect(q.impossible).toBe(false);
    q.vote('n2', false);
    expect(q.impossible).toBe(true);
  });
});

describe('prng', () => {
  it('replays from its seed and differs across seeds', () => {
    const a = new Prng(42);
    const b = new Prng(42);
    const c = new Prng(43);
    const xs = Array.from({ length: 8 }, () => a.nextUint32());
    expect(Array.from({ length: 8 }, () => b.nextUint32())).toEqual(xs);
    expect(Array.from({ length: 8 }, () => c.nextUint32())).not.toEqual(xs);
  });

  it('stays in range', () => {
    const p = new Prng(7);
    for (let i = 0; i < 1000; i++) {
      const x = p.between(3, 5);
      expect(x).toBeGreaterThanOrEqual(3);
      expect(x).toBeLessThanOrEqual(5);
    }
  });
});

describe('deadline', () => {
  it('fires once at or after its time', () => {
    const d = new Deadline();
    d.set(100, 50);
    expect(d.fire(149)).toBe(false);
    expect(d.fire(150)).toBe(true);
    expect(d.fire(151)).toBe(false);
  });

  it('back-off grows and stays capped', () => {
    expect(backoffMs(0, 100, 1000, 0.99)).toBeLessThanOrEqual(100);
    expect(backoffMs(3, 100, 1000, 0.99)).toBeGreaterThan(700);
    expect(backoffMs(30, 100, 1000, 1)).toBeLessThanOrEqual(1000);
  });
});
