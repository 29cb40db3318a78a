import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { HistoryOp } from '../../core/check/history';
import { checkTxn } from '../../core/check/txn';
import { CONSISTENCY_MODELS } from '../../core/check/txn-models';
import { synthSerialHistory } from '../../core/check/txn-synth';

const shapes = fc.record({
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  txns: fc.integer({ min: 1, max: 120 }),
  keys: fc.integer({ min: 1, max: 6 }),
  maxOps: fc.integer({ min: 1, max: 5 }),
  window: fc.integer({ min: 0, max: 8 }),
  failRate: fc.double({ min: 0, max: 0.2, noNaN: true }),
  infoRate: fc.double({ min: 0, max: 0.2, noNaN: true }),
});

describe('checkTxn on histories of a serial execution with random concurrency windows', () => {
  it('finds every one serializable', () => {
    fc.assert(
      fc.property(shapes, (shape) => {
        const v = checkTxn(synthSerialHistory(shape));
        expect(v.summary).toMatch(/^Serializable/);
        expect(v.valid).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('catches a lost update planted into any of them', () => {
    fc.assert(
      fc.property(shapes, (shape) => {
        const ops = synthSerialHistory(shape);
        // Two extra transactions both read k-lost empty and append to it; a final reader
        // sees both appends: whichever committed second did not see the first (G-single).
        const last = ops.length;
        const extra: Omit<HistoryOp, 'index'>[] = [
          { process: 'p1', type: 'invoke', f: 'txn', value: [['r', 'k-lost', null], ['append', 'k-lost', 1]] },
          { process: 'p2', type: 'invoke', f: 'txn', value: [['r', 'k-lost', null], ['append', 'k-lost', 2]] },
          { process: 'p1', type: 'ok', f: 'txn', value: [['r', 'k-lost', []], ['append', 'k-lost', 1]] },
          { process: 'p2', type: 'ok', f: 'txn', value: [['r', 'k-lost', []], ['append', 'k-lost', 2]] },
          { process: 'p3', type: 'invoke', f: 'txn', value: [['r', 'k-lost', null]] },
          { process: 'p3', type: 'ok', f: 'txn', value: [['r', 'k-lost', [1, 2]]] },
        ];
        const v = checkTxn([...ops, ...extra.map((op, i) => ({ ...op, index: last + i }) as HistoryOp)]);
        expect(v.valid).toBe(false);
        expect((v.evidence as { anomalyTypes: string[] }).anomalyTypes).toEqual(['G-single']);
      }),
      { numRuns: 100 },
    );
  });
});

describe('checkTxn under every consistency model', () => {
  const small = fc.record({
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    txns: fc.integer({ min: 1, max: 60 }),
    keys: fc.integer({ min: 1, max: 5 }),
    maxOps: fc.integer({ min: 1, max: 4 }),
    window: fc.integer({ min: 0, max: 6 }),
    failRate: fc.double({ min: 0, max: 0.2, noNaN: true }),
    infoRate: fc.double({ min: 0, max: 0.2, noNaN: true }),
  });

  it('a serial execution (each transaction inside its own invoke/complete window) is valid under all of them', () => {
    fc.assert(
      fc.property(small, (shape) => {
        const ops = synthSerialHistory(shape);
        for (const consistency of CONSISTENCY_MODELS) {
          const v = checkTxn(ops, { consistency });
          expect(v.valid, `${consistency}: ${v.summary}`).toBe(true);
        }
      }),
      { numRuns: 80 },
    );
  });

  it('a read made stale (its last element dropped) after the append completed is caught as strict-serializable', () => {
    fc.assert(
      fc.property(small, fc.nat(), (shape, pick) => {
        const ops = synthSerialHistory(shape);
        // Candidates: an ok read of a non-empty list, before any append of its own to that
        // key, whose last element's append completed before the reader was invoked.
        const completedAt = new Map<string, number>();
        const invokedAt = new Map<number | string, number>();
        const candidates: { op: number; mop: number }[] = [];
        ops.forEach((op, i) => {
          if (op.type === 'invoke') invokedAt.set(op.process, i);
          if (op.type !== 'ok') return;
          const mops = op.value as [string, string, unknown][];
          const ownAppend = new Set<string>();
          mops.forEach(([f, k, v], j) => {
            if (f === 'append') {
              ownAppend.add(k);
              return;
            }
            const list = v as unknown[];
            if (ownAppend.has(k) || list.length === 0) return;
            const done = completedAt.get(`${k}:${String(list[list.length - 1])}`);
            if (done !== undefined && done < invokedAt.get(op.process)!) candidates.push({ op: i, mop: j });
          });
          for (const [f, k, v] of mops) if (f === 'append') completedAt.set(`${k}:${String(v)}`, i);
        });
        fc.pre(candidates.length > 0);
        const { op, mop } = candidates[pick % candidates.length]!;
        const stale = ops.map((o, i) => {
          if (i !== op) return o;
          const mops = (o.value as [string, string, unknown[]][]).map((m, j) => (j === mop ? [m[0], m[1], m[2].slice(0, -1)] : m));
          return { ...o, value: mops } as HistoryOp;
        });
        const v = checkTxn(stale, { consistency: 'strict-serializable' });
        expect(v.valid).toBe(false);
      }),
      { numRuns: 100 },
    );
  });

  it('write skew planted into any of them is G2-item under serializable and allowed by snapshot isolation', () => {
    fc.assert(
      fc.property(small, (shape) => {
        const ops = synthSerialHistory(shape);
        const last = ops.length;
        const extra: Omit<HistoryOp, 'index'>[] = [
          { process: 'p1', type: 'invoke', f: 'txn', value: [['r', 'skew-x', null], ['append', 'skew-y', 1]] },
          { process: 'p2', type: 'invoke', f: 'txn', value: [['r', 'skew-y', null], ['append', 'skew-x', 1]] },
          { process: 'p1', type: 'ok', f: 'txn', value: [['r', 'skew-x', null], ['append', 'skew-y', 1]] },
          { process: 'p2', type: 'ok', f: 'txn', value: [['r', 'skew-y', []], ['append', 'skew-x', 1]] },
        ];
        const skewed = [...ops, ...extra.map((op, i) => ({ ...op, index: last + i }) as HistoryOp)];
        const v = checkTxn(skewed);
        expect(v.valid).toBe(false);
        expect((v.evidence as { anomalyTypes: string[] }).anomalyTypes).toEqual(['G2-item']);
        expect(checkTxn(skewed, { consistency: 'snapshot-isolation' }).valid).toBe(true);
      }),
      { numRuns: 60 },
    );
  });
});
