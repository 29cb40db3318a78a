/**
 * Register evidence is a proof: the operations it lists cannot all be linearized, even
 * with every one that may not have taken effect (marked so, or of unknown outcome) left
 * out, since "never happened" is one of the choices the checker ruled out. So the firm
 * ones, replayed on their own as a history, are still not linearizable. Checked on random
 * histories with crashes (pruned windows), cas and appends.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OperationEvidence } from '../../core/check/explain';
import type { HistoryOp } from '../../core/check/history';
import { checkRegister, type RegisterEvidence } from '../../core/check/register';
import { simulateRegisterHistory } from '../../core/check/simulate-register';

/** The evidence's firm operations as a history of their own, in their original real-time order. */
function replay(ops: readonly OperationEvidence[]): HistoryOp[] {
  const events: { at: number; op: Omit<HistoryOp, 'index'> }[] = [];
  for (const o of ops) {
    if (o.outcome !== 'ok' || o.mayBeOmitted === true) continue;
    const base = { process: o.process, f: o.f, ...(o.key === undefined ? {} : { key: o.key }) };
    events.push({ at: o.invokeIndex, op: { ...base, type: 'invoke', value: o.f === 'read' ? null : o.value } });
    const done: Omit<HistoryOp, 'index'> = { ...base, type: 'ok', value: o.value };
    if (o.result !== undefined) done.result = o.result;
    events.push({ at: o.completeIndex as number, op: done });
  }
  return events.sort((a, b) => a.at - b.at).map((e, index) => ({ ...e.op, index }) as HistoryOp);
}

describe('register evidence', () => {
  it('replayed alone, the evidence is still not linearizable', () => {
    const params = fc.record({
      seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
      ops: fc.integer({ min: 2, max: 40 }),
      clients: fc.integer({ min: 1, max: 5 }),
      keys: fc.integer({ min: 1, max: 2 }),
      valueRange: fc.integer({ min: 1, max: 4 }),
      appends: fc.boolean(),
      readWriteOnly: fc.boolean(),
      infoRate: fc.constantFrom(0, 0.2, 0.4),
    });
    let invalid = 0;
    fc.assert(
      fc.property(params, fc.nat(), fc.nat(), (p, pickLate, pickValue) => {
        const h = simulateRegisterHistory(p);
        const reads = h.filter((op) => op.type === 'ok' && op.f === 'read');
        fc.pre(reads.length > 0);
        const victim = reads[pickLate % reads.length] as HistoryOp;
        const value = p.appends ? `${pickValue % 4},` : pickValue % 4;
        const mutated = h.map((op) => (op === victim ? { ...op, value } : op));
        const v = checkRegister(mutated);
        if (v.valid !== false) return;
        invalid++;
        const e = v.evidence as RegisterEvidence;
        fc.pre(e.omitted === undefined);
        expect(checkRegister(replay(e.operations)).valid).toBe(false);
      }),
      { numRuns: 600 },
    );
    expect(invalid).toBeGreaterThan(30);
  });
});
