/**
 * What the evidence layout adds for `check --html` and the panel alike: the point where no
 * linearization exists (register), and a transaction anomaly's cycle as a small graph.
 */
import { describe, expect, it } from 'vitest';
import { layoutEvidence, microOpText } from '../../core/protocol/evidence-layout';
import { checkRegister } from '../../core/check/register';
import { parseHistory } from '../../core/check/history';

describe('evidence layout: the stuck point of a register failure', () => {
  it('is a line at the completion of the operation no order gets past, inside the plot', () => {
    const h = parseHistory(
      [
        { process: 0, type: 'invoke', f: 'write', value: 1 },
        { process: 0, type: 'ok', f: 'write', value: 1 },
        { process: 1, type: 'invoke', f: 'write', value: 2 },
        { process: 2, type: 'invoke', f: 'read', value: null },
        { process: 2, type: 'ok', f: 'read', value: 2 },
        { process: 3, type: 'invoke', f: 'read', value: null },
        { process: 3, type: 'ok', f: 'read', value: 1 },
        { process: 1, type: 'ok', f: 'write', value: 2 },
      ]
        .map((o) => JSON.stringify(o))
        .join('\n'),
    );
    const v = checkRegister(h);
    expect(v.valid).toBe(false);
    const layout = layoutEvidence(v);
    expect(layout.stuck?.index).toBe(6);
    const stuckBar = layout.bars.find((b) => b.highlight);
    expect(stuckBar?.text).toBe('read 1');
    // The line sits where the stuck read's bar ends.
    expect(layout.stuck?.x).toBeCloseTo((stuckBar?.x ?? 0) + (stuckBar?.width ?? 0), 5);
    expect(layout.stuck?.x).toBeGreaterThanOrEqual(layout.plotLeft);
    expect(layout.stuck?.x).toBeLessThanOrEqual(layout.plotRight);
  });

  it('is absent for evidence of other models', () => {
    const layout = layoutEvidence({ model: 'lock', evidence: { violations: [{ code: 'x', key: 'k', explanation: 'e', operations: [{ process: 1, f: 'acquire', invokeIndex: 0, completeIndex: 1, outcome: 'ok', value: null }] }] } });
    expect(layout.recognized).toBe(true);
    expect(layout.stuck).toBeUndefined();
    expect(layout.cycle).toBeUndefined();
  });
});

describe('evidence layout: a transaction cycle', () => {
  const anomaly = {
    type: 'G-single',
    explanation: 'Cycle T2 -> T3 -> T2',
    txns: [
      { name: 'T2', index: 2, process: 1, status: 'ok', value: [['r', 'x', [0]], ['r', 'y', [0, 1]]] },
      { name: 'T3', index: 3, process: 2, status: 'ok', value: [['append', 'x', 1], ['append', 'y', 1]] },
    ],
    cycle: [
      { from: 'T2', to: 'T3', type: 'rw', key: 'x', why: 'T2 read x = [0] and did not see T3' },
      { from: 'T3', to: 'T2', type: 'wr', key: 'y', why: 'T2 read y = [0,1]' },
    ],
    not: ['consistent-view'],
  };

  it('places each transaction once, with its operations, and one labelled arrow per hop between their circles', () => {
    const layout = layoutEvidence({ model: 'txn', evidence: { anomalies: [anomaly] } });
    const cycle = layout.cycle;
    expect(cycle?.type).toBe('G-single');
    expect(cycle?.nodes.map((n) => [n.name, n.ops])).toEqual([
      ['T2', ['r x [0]', 'r y [0,1]']],
      ['T3', ['append x 1', 'append y 1']],
    ]);
    expect(cycle?.edges.map((e) => [e.from, e.to, e.type, e.key])).toEqual([
      [0, 1, 'rw', 'x'],
      [1, 0, 'wr', 'y'],
    ]);
    for (const e of cycle?.edges ?? []) {
      const a = cycle?.nodes[e.from];
      const b = cycle?.nodes[e.to];
      // Arrows start and end outside the circles, and inside the drawing.
      expect(Math.hypot(e.x1 - (a?.x ?? 0), e.y1 - (a?.y ?? 0))).toBeGreaterThanOrEqual((cycle?.nodeRadius ?? 0) - 1e-6);
      expect(Math.hypot(e.x2 - (b?.x ?? 0), e.y2 - (b?.y ?? 0))).toBeGreaterThan(cycle?.nodeRadius ?? 0);
      for (const [x, y] of [[e.x1, e.y1], [e.x2, e.y2], [e.labelX, e.labelY]] as const) {
        expect(x).toBeGreaterThan(0);
        expect(x).toBeLessThan(cycle?.width ?? 0);
        expect(y).toBeGreaterThan(0);
        expect(y).toBeLessThan(cycle?.height ?? 0);
      }
    }
    // The two arrows of a 2-cycle are drawn apart, so both show.
    const [e0, e1] = cycle?.edges ?? [];
    expect(Math.abs((e0?.labelY ?? 0) - (e1?.labelY ?? 0)) + Math.abs((e0?.labelX ?? 0) - (e1?.labelX ?? 0))).toBeGreaterThan(10);
  });

  it('uses the first anomaly that has a cycle; anomalies without one give no cycle', () => {
    const plain = { type: 'G1a', explanation: 'aborted read', txns: anomaly.txns, not: [] };
    expect(layoutEvidence({ model: 'txn', evidence: { anomalies: [plain] } }).cycle).toBeUndefined();
    expect(layoutEvidence({ model: 'txn', evidence: { anomalies: [plain, anomaly] } }).cycle?.type).toBe('G-single');
  });

  it('writes micro-operations as the history has them', () => {
    expect(microOpText(['append', 'x', 1])).toBe('append x 1');
    expect(microOpText([':r', 'y', null])).toBe('r y null');
    expect(microOpText(['r', 'y', [1, 2]])).toBe('r y [1,2]');
  });
});
