/**
 * The stale-read proof for append keys (core/check/register-impossible.ts,
 * findStaleAppendRead): a read that misses the suffix of an append completed before it
 * began, with no write or cas able to sit in between, is refused without search, with the
 * two operations as evidence; whenever a write could explain it, the search decides.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseHistory, type HistoryOp } from '../../core/check/history';
import { checkRegister, type RegisterEvidence } from '../../core/check/register';
import { simulateRegisterHistory } from '../../core/check/simulate-register';
import { linearizableByBruteForce } from '../support/register-reference';

type Line = [process: number, type: HistoryOp['type'], f: string, value?: unknown];

function history(lines: Line[]): HistoryOp[] {
  return parseHistory(lines.map(([process, type, f, value]) => JSON.stringify({ process, type, f, key: 'x', value })).join('\n'));
}

describe('stale reads of an append key', () => {
  it('a read that lacks a completed append is refused with the two operations, without search', () => {
    const v = checkRegister(
      history([
        [0, 'invoke', 'append', 'a,'],
        [0, 'ok', 'append', 'a,'],
        [1, 'invoke', 'append', 'b,'],
        [1, 'ok', 'append', 'b,'],
        [2, 'invoke', 'read', null],
        [2, 'ok', 'read', 'a,'],
      ]),
    );
    expect(v.valid).toBe(false);
    expect(v.stats?.steps).toBe(0);
    expect(v.summary).toMatch(/stale read/);
    const e = v.evidence as RegisterEvidence;
    expect(e.operations.map((o) => [o.f, o.value])).toEqual([
      ['append', 'b,'],
      ['read', 'a,'],
    ]);
    expect(e.stuckAt).toMatchObject({ f: 'read', value: 'a,' });
  });

  it('a write that may sit between the append and the read makes it legal', () => {
    const v = checkRegister(
      history([
        [0, 'invoke', 'append', 'a,'],
        [0, 'ok', 'append', 'a,'],
        [1, 'invoke', 'write', 'z,'],
        [2, 'invoke', 'read', null],
        [2, 'ok', 'read', 'z,'],
        [1, 'ok', 'write', 'z,'],
      ]),
    );
    expect(v.valid).toBe(true);
  });

  it('a crashed write invoked before the read completed may explain it too', () => {
    const v = checkRegister(
      history([
        [0, 'invoke', 'append', 'a,'],
        [0, 'ok', 'append', 'a,'],
        [1, 'invoke', 'write', 'z,'],
        [1, 'info', 'write', 'z,'],
        [2, 'invoke', 'read', null],
        [2, 'ok', 'read', 'z,'],
      ]),
    );
    expect(v.valid).toBe(true);
  });

  it('agrees with a brute-force reference when reads are made stale (an earlier value of the key)', () => {
    const small = fc.record({
      seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
      ops: fc.integer({ min: 2, max: 8 }),
      clients: fc.integer({ min: 1, max: 4 }),
      keys: fc.constant(1),
      valueRange: fc.integer({ min: 1, max: 4 }),
      appends: fc.constant(true),
      writeShare: fc.constantFrom(0, 0.1, 0.3),
      infoRate: fc.constantFrom(0, 0.25),
      failRate: fc.constantFrom(0, 0.1),
    });
    fc.assert(
      fc.property(small, fc.nat(), fc.nat(), (p, pickLate, pickEarly) => {
        const h = simulateRegisterHistory(p);
        const reads = h.filter((op) => op.type === 'ok' && op.f === 'read');
        fc.pre(reads.length >= 2);
        const late = reads[1 + (pickLate % (reads.length - 1))] as HistoryOp;
        const early = reads[pickEarly % reads.indexOf(late)] as HistoryOp;
        const mutated = h.map((op) => (op === late ? { ...op, value: early.value } : op));
        expect(checkRegister(mutated).valid).toBe(linearizableByBruteForce(mutated));
      }),
      { numRuns: 500 },
    );
  });
});
