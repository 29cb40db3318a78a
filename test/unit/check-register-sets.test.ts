/**
 * The bench's register sets (core/bench/register-sets.ts) have the verdicts they have by
 * construction, and keep them: the etcd-like histories and the 100k-op history are
 * linearizable, the 50-client kv history is not, with the read that was made stale in
 * the evidence. (Times are for the bench; this asserts verdicts only.)
 */
import { describe, expect, it } from 'vitest';
import { c50BadHistory, etcdSet, toJsonl, wideHistory } from '../../core/bench/register-sets';
import { parseHistory } from '../../core/check/history';
import { checkRegister, type RegisterEvidence } from '../../core/check/register';

describe('register bench sets', () => {
  it('the etcd-like set: 100 single-key histories with crashes, each linearizable', () => {
    const set = etcdSet();
    expect(set).toHaveLength(100);
    for (const h of set) {
      expect(new Set(h.history.map((op) => op.key))).toEqual(new Set(['k0']));
      expect(h.history.some((op) => op.type === 'info')).toBe(true);
      const v = checkRegister(parseHistory(toJsonl(h.history)));
      expect([h.name, v.valid]).toEqual([h.name, true]);
    }
  });

  it('the 50-client kv history is not linearizable, and the evidence holds the stale read', () => {
    const h = c50BadHistory();
    expect(new Set(h.history.map((op) => op.process)).size).toBe(50);
    const v = checkRegister(parseHistory(toJsonl(h.history)));
    expect(v.valid).toBe(false);
    const e = v.evidence as RegisterEvidence;
    expect(e.stuckAt).toMatchObject({ f: 'read', completeIndex: h.brokenAt });
    expect(e.operations.length).toBeGreaterThanOrEqual(2);
  });

  it('the 100k-operation history over 100 keys is linearizable', () => {
    const h = wideHistory();
    const v = checkRegister(parseHistory(toJsonl(h.history)));
    expect(v.valid).toBe(true);
    expect(v.stats?.keys).toBe(100);
  });
});
