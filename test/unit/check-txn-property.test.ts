import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { HistoryOp } from '../../core/check/history';
import { checkTxn } from '../../core/check/txn';
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
