import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseHistory } from '../../core/check/history';
import { checkLocks } from '../../core/check/locks';
import { checkPaxos } from '../../core/check/paxos';
import { checkRegister } from '../../core/check/register';
import { checkAtomicity } from '../../core/check/txn-atomicity';
import { layoutEvidence, niceStep } from '../../core/protocol/evidence-layout';

// The layout is fed what the real checkers produce, so a change of evidence shape fails here.
const fixture = (name: string) => parseHistory(readFileSync(join(__dirname, '..', 'fixtures', 'histories', name), 'utf8'));

describe('layoutEvidence', () => {
  it('lays out a stale fenced write: a row per process, bars invoke→complete, the two writes highlighted', () => {
    const verdict = checkLocks(fixture('lock-invalid-stale-write.jsonl'));
    expect(verdict.valid).toBe(false);
    const layout = layoutEvidence(verdict, { width: 600, labelWidth: 100, rowHeight: 40, axisHeight: 30 });
    expect(layout.recognized).toBe(true);
    expect(layout.axis).toBe('history');
    expect(layout.rows.map((r) => r.label)).toEqual(['1', '2']);
    expect(layout.height).toBe(2 * 40 + 30);
    // Process 2's write (history 4-5) comes before process 1's stale write (6-7).
    expect(layout.bars.map((b) => [b.row, b.outcome, b.highlight, b.lines])).toEqual([
      [1, 'ok', true, [5, 6]],
      [0, 'ok', true, [7, 8]],
    ]);
    const [first, second] = layout.bars;
    expect(first!.x).toBe(layout.plotLeft);
    expect(first!.x + first!.width).toBeLessThan(second!.x);
    expect(second!.x + second!.width).toBeLessThanOrEqual(layout.plotRight);
    expect(second!.text).toContain('→ db');
    expect(layout.notes[0]).toMatch(/accepted/);
  });

  it('highlights the read the register checker got stuck at, not the writes around it', () => {
    const verdict = checkRegister(fixture('register-invalid-stale-read.jsonl'));
    expect(verdict.valid).toBe(false);
    const layout = layoutEvidence(verdict);
    const highlighted = layout.bars.filter((b) => b.highlight);
    expect(highlighted).toHaveLength(1);
    expect(highlighted[0]!.text).toMatch(/^read 1 → k1/);
    expect(layout.rows.map((r) => r.label)).toEqual(['0', '1', '2']);
    // Every bar sits inside its own row.
    for (const bar of layout.bars) {
      const row = layout.rows[bar.row]!;
      expect(bar.y).toBeGreaterThanOrEqual(row.y);
      expect(bar.y + bar.height).toBeLessThanOrEqual(row.y + row.height);
    }
  });

  it('draws an operation that never completed as open-ended, to the end of the axis', () => {
    const verdict = {
      model: 'register',
      evidence: {
        key: 'k',
        operations: [
          { process: 1, f: 'write', key: 'k', value: 1, outcome: 'info', invokeIndex: 0, invokeLine: 1 },
          { process: 2, f: 'read', key: 'k', value: 2, outcome: 'ok', invokeIndex: 1, completeIndex: 2, invokeLine: 2, completeLine: 3 },
        ],
        stuckAt: { process: 2, f: 'read', invokeIndex: 1 },
      },
    };
    const layout = layoutEvidence(verdict, { width: 500, labelWidth: 100 });
    const open = layout.bars.find((b) => b.open)!;
    expect(open.x + open.width).toBeCloseTo(layout.plotRight);
    expect(layout.bars.find((b) => !b.open)!.lines).toEqual([2, 3]);
  });

  it('places a Paxos disagreement by slot, one row per node', () => {
    const cmd = (op: string) => ({ kind: 'cmd', command: { client: 'c1', seq: op.length, op } });
    const verdict = checkPaxos({
      learned: [
        { node: 'n1', slot: 1, value: cmd('a') },
        { node: 'n3', slot: 1, value: cmd('bb') },
      ],
      proposed: ['a', 'bb'],
      applied: { n1: [], n3: [] },
    });
    const layout = layoutEvidence(verdict);
    expect(layout.axis).toBe('slot');
    expect(layout.rows.map((r) => r.label)).toEqual(['n1', 'n3']);
    expect(layout.bars.every((b) => b.highlight && b.outcome === 'learned')).toBe(true);
  });

  it('shows each claimant of a split transaction outcome', () => {
    const verdict = checkAtomicity({
      outcomes: [
        { txn: 't1', node: 'n1', outcome: 'commit' },
        { txn: 't1', node: 'n2', outcome: 'abort' },
      ],
      decisions: [],
      replies: [],
    });
    const layout = layoutEvidence(verdict);
    expect(layout.axis).toBe('txn');
    expect(layout.bars.map((b) => [layout.rows[b.row]!.label, b.outcome])).toEqual([
      ['participant n1', 'commit'],
      ['participant n2', 'abort'],
    ]);
  });

  it('keeps the highlighted operations when there are more than it may draw', () => {
    const operations = Array.from({ length: 50 }, (_, i) => ({
      process: i % 3, f: 'write', key: 'k', value: i, outcome: 'ok', invokeIndex: 2 * i, completeIndex: 2 * i + 1, invokeLine: 2 * i + 1,
    }));
    const layout = layoutEvidence({ model: 'register', evidence: { operations, stuckAt: operations[49] } }, { maxOps: 10 });
    expect(layout.bars).toHaveLength(10);
    expect(layout.omitted).toBe(40);
    expect(layout.bars.some((b) => b.highlight && b.text.startsWith('write 49'))).toBe(true);
  });

  it('gives an empty, unrecognized layout for a valid verdict or an unknown evidence shape', () => {
    expect(layoutEvidence({ model: 'register' }).recognized).toBe(false);
    expect(layoutEvidence({ model: 'txn', evidence: { error: 'TIMEOUT' } }).recognized).toBe(false);
    expect(layoutEvidence({ model: 'x', evidence: { violations: [42] } }).bars).toEqual([]);
  });

  it('ticks fall on round numbers inside the plot', () => {
    expect(niceStep(100, 10)).toBe(10);
    expect(niceStep(7, 10)).toBe(1);
    expect(niceStep(130, 5)).toBe(50);
    const verdict = checkLocks(fixture('lock-invalid-stale-write.jsonl'));
    const layout = layoutEvidence(verdict);
    for (const t of layout.ticks) {
      expect(t.x).toBeGreaterThanOrEqual(layout.plotLeft);
      expect(t.x).toBeLessThanOrEqual(layout.plotRight);
    }
  });
});
