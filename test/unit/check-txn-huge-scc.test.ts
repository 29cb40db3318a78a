/**
 * The shape of Elle's huge-scc history, built by construction: thousands of list-append
 * transactions on five keys, serial underneath, where one in five read-only transactions
 * is served from a snapshot a hundred transactions old (a lagging replica). Every such
 * history is serializable, and not strict-serializable, and its dependency graph with
 * real-time order is one strongly connected component of nearly every transaction. The
 * checker must say which, with a cycle, within its default budget; and where the budget
 * is too small to find the cycle, say what the component proves instead of timing out.
 */
import { describe, expect, it } from 'vitest';
import { checkTxn } from '../../core/check/txn';
import { synthSerialHistory } from '../../core/check/txn-synth';

interface Found {
  anomalyTypes?: string[];
  anomalies?: { type: string; cycle?: { type: string }[] }[];
}

describe("a huge strongly connected component (Elle's huge-scc shape)", () => {
  const txns = 5000;
  const shape = { txns, keys: 5, maxOps: 4, window: 3, staleReadRate: 0.2, staleLag: 100 };

  it.each([11, 12, 13])('seed %i: serializable, not strict-serializable: a -realtime cycle inside a component of nearly every transaction', (seed) => {
    const ops = synthSerialHistory({ seed, ...shape });

    const strict = checkTxn(ops, { consistency: 'strict-serializable' });
    expect(strict.valid).toBe(false);
    const found = strict.evidence as Found;
    expect(found.anomalyTypes!.length).toBeGreaterThan(0);
    // Only real-time order breaks: every anomaly named is a -realtime one.
    for (const type of found.anomalyTypes!) expect(type).toMatch(/-realtime$/);
    const cycle = found.anomalies![0]!.cycle!;
    expect(cycle.some((e) => e.type === 'realtime')).toBe(true);
    expect(cycle.some((e) => e.type === 'rw')).toBe(true);
    expect(strict.stats!.largestComponent).toBeGreaterThan(0.9 * txns);

    const serializable = checkTxn(ops, { consistency: 'serializable' });
    expect(serializable.valid, serializable.summary).toBe(true);
  });

  it('the same history with stale reads switched off is strict-serializable (the staleness is what breaks it)', () => {
    const ops = synthSerialHistory({ seed: 11, ...shape, staleReadRate: 0 });
    const v = checkTxn(ops, { consistency: 'strict-serializable' });
    expect(v.valid, v.summary).toBe(true);
    expect(v.stats!.largestComponent).toBe(0);
  });

  it('out of search steps, it reports the cycle the component proves, with its size', () => {
    const ops = synthSerialHistory({ seed: 11, ...shape });
    const v = checkTxn(ops, { consistency: 'strict-serializable', maxSearchSteps: 50 });
    expect(v.valid).toBe(false);
    const types = (v.evidence as Found).anomalyTypes!;
    expect(types.some((t) => /cycle-exists$/.test(t))).toBe(true);
    expect(v.summary).toMatch(/component of \d{4} /);
  });
});
