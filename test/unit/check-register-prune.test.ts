/**
 * Leaving out / bounding unknown-outcome operations (core/check/register-prune.ts) never
 * changes a verdict, and it is what keeps histories with many crashed clients decidable.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseHistory, type HistoryOp } from '../../core/check/history';
import { checkRegister } from '../../core/check/register';
import { simulateRegisterHistory } from '../../core/check/simulate-register';
import { linearizableByBruteForce } from '../support/register-reference';

type Line = [process: number, type: HistoryOp['type'], f: string, value?: unknown];

function history(lines: Line[]): HistoryOp[] {
  return parseHistory(lines.map(([process, type, f, value]) => JSON.stringify({ process, type, f, value })).join('\n'));
}

/** Both verdicts, pruned and not (the unpruned search is the plain definition). */
function bothWays(h: HistoryOp[]): { pruned: ReturnType<typeof checkRegister>; plain: ReturnType<typeof checkRegister> } {
  return { pruned: checkRegister(h), plain: checkRegister(h, { prune: false }) };
}

describe('pruning unknown-outcome operations: scenarios', () => {
  it('a crashed write seen only through a crashed cas of its value still counts', () => {
    // write 1 (crashed), cas 1 -> 2 (crashed), a read of 2: only both crashed ops explain it.
    const { pruned, plain } = bothWays(
      history([
        [0, 'invoke', 'write', 1],
        [1, 'invoke', 'cas', [1, 2]],
        [2, 'invoke', 'read', null],
        [2, 'ok', 'read', 2],
      ]),
    );
    expect(plain.valid).toBe(true);
    expect(pruned.valid).toBe(true);
  });

  it('a crashed write seen only by a cas that reported a mismatch is kept (bounded), not left out', () => {
    // The cas found the register not null: only the crashed write of 1 can explain that.
    const seen = history([
      [0, 'invoke', 'write', 1],
      [1, 'invoke', 'cas', [null, 5]],
      [1, 'ok', 'cas', [null, 5]],
      [0, 'info', 'write', 1],
    ]);
    seen[2]!.result = false;
    const { pruned, plain } = bothWays(seen);
    expect(plain.valid).toBe(true);
    expect(pruned.valid).toBe(true);
    expect(pruned.stats).toMatchObject({ unknownLeftOut: 0, unknownBounded: 1 });
    // The same write invoked only after the cas completed cannot explain it.
    const late = history([
      [1, 'invoke', 'cas', [null, 5]],
      [1, 'ok', 'cas', [null, 5]],
      [0, 'invoke', 'write', 1],
      [0, 'info', 'write', 1],
    ]);
    late[1]!.result = false;
    expect(checkRegister(late).valid).toBe(false);
    expect(checkRegister(late, { prune: false }).valid).toBe(false);
  });

  it('values need not be unique: a crashed second write of a value a later read returns is kept', () => {
    const h = history([
      [0, 'invoke', 'write', 1],
      [0, 'ok', 'write', 1],
      [0, 'invoke', 'write', 2],
      [0, 'ok', 'write', 2],
      [1, 'invoke', 'write', 1],
      [1, 'info', 'write', 1],
      [2, 'invoke', 'read', null],
      [2, 'ok', 'read', 1],
    ]);
    const { pruned, plain } = bothWays(h);
    expect(plain.valid).toBe(true);
    expect(pruned.valid).toBe(true);
    expect(pruned.stats).toMatchObject({ unknownLeftOut: 0, unknownBounded: 1 });
  });

  it('crashed writes nobody read are left out; a crashed read constrains nothing', () => {
    const h = history([
      [0, 'invoke', 'write', 1],
      [0, 'ok', 'write', 1],
      [1, 'invoke', 'write', 7],
      [2, 'invoke', 'write', 8],
      [3, 'invoke', 'read', null],
      [3, 'info', 'read', null],
      [4, 'invoke', 'read', null],
      [4, 'ok', 'read', 1],
    ]);
    const v = checkRegister(h);
    expect(v.valid).toBe(true);
    expect(v.stats).toMatchObject({ unknownLeftOut: 2, unknownBounded: 0 });
  });

  it('on a key of reads and appends, a crashed append no read contains is left out, one a read contains is bounded', () => {
    const h = history([
      [0, 'invoke', 'append', 'a;'],
      [0, 'ok', 'append', 'a;'],
      [1, 'invoke', 'append', 'b;'], // crashed, seen below
      [2, 'invoke', 'append', 'c;'], // crashed, never seen
      [3, 'invoke', 'read', null],
      [3, 'ok', 'read', 'a;b;'],
    ]);
    const v = checkRegister(h);
    expect(v.valid).toBe(true);
    expect(v.stats).toMatchObject({ unknownLeftOut: 1, unknownBounded: 1 });
    // A read that needs the unseen-elsewhere append to come first is still judged right.
    const bad = history([
      [0, 'invoke', 'append', 'a;'],
      [0, 'ok', 'append', 'a;'],
      [3, 'invoke', 'read', null],
      [3, 'ok', 'read', 'a;b;'],
      [1, 'invoke', 'append', 'b;'], // invoked after the read completed
      [1, 'info', 'append', 'b;'],
    ]);
    expect(checkRegister(bad).valid).toBe(false);
  });

  it('a history that explodes without pruning (40 crashed writes, a violation no linear pass sees) is decided with it', () => {
    // 40 writes of unknown outcome could each take effect at any later moment or never:
    // proving the violation without pruning means trying 2^40 subsets of them.
    const lines: Line[] = [];
    for (let p = 10; p < 50; p++) lines.push([p, 'invoke', 'write', 1000 + p]);
    lines.push(
      [1, 'invoke', 'write', 1],
      [1, 'ok', 'write', 1],
      [2, 'invoke', 'write', 2],
      [3, 'invoke', 'read', null],
      [3, 'ok', 'read', 2],
      [4, 'invoke', 'read', null],
      [4, 'ok', 'read', 1], // after a read of 2, with no write of 1 left to take effect
      [2, 'ok', 'write', 2],
    );
    const h = history(lines);
    // The same ceilings for both; the clock advances by 1 ms per look, so "time" counts work.
    const budget = (): { timeoutMs: number; maxMemoryBytes: number; nowMs: () => number } => {
      let clock = 0;
      return { timeoutMs: 500, maxMemoryBytes: 64 * 2 ** 20, nowMs: () => clock++ };
    };
    const pruned = checkRegister(h, budget());
    expect(pruned.valid).toBe(false);
    expect(pruned.stats).toMatchObject({ unknownLeftOut: 40 });
    expect(checkRegister(h, { ...budget(), prune: false }).valid).toBe('unknown');
  });
});

describe('pruning unknown-outcome operations: properties', () => {
  // Small histories full of crashes, cas (matching and not) and repeated values: where a
  // wrong pruning rule would show.
  const crashy = fc.record({
    seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
    ops: fc.integer({ min: 1, max: 8 }),
    clients: fc.integer({ min: 1, max: 5 }),
    keys: fc.constant(1),
    valueRange: fc.integer({ min: 1, max: 3 }),
    readWriteOnly: fc.boolean(),
    appendOnly: fc.boolean(),
    infoRate: fc.constantFrom(0.2, 0.4, 0.6),
    failRate: fc.constantFrom(0, 0.1),
  });
  /** Rewrites a few reads' values so that about half the histories are not linearizable. */
  const corrupt = (h: HistoryOp[], picks: number[], valueRange: number, strings = false): HistoryOp[] => {
    const reads = h.filter((op) => op.type === 'ok' && op.f === 'read');
    if (reads.length === 0) return h;
    const victims = new Map(picks.map((x) => [reads[x % reads.length] as HistoryOp, x % (valueRange + 1)]));
    return h.map((op) => {
      const v = victims.get(op);
      if (v === undefined) return op;
      // Appends: drop the read's last piece or add one, so the value is plausible but maybe wrong.
      if (strings) return { ...op, value: v % 2 === 0 ? String(op.value ?? '').replace(/[^,]*,$/, '') : `${String(op.value ?? '')}${v},` };
      return { ...op, value: v === valueRange ? null : v };
    });
  };

  it('pruned, unpruned and the brute-force definition agree on small crash-heavy histories', () => {
    fc.assert(
      fc.property(crashy, fc.array(fc.nat(), { maxLength: 2 }), (p, picks) => {
        const h = corrupt(simulateRegisterHistory(p), picks, p.valueRange, p.appendOnly);
        const truth = linearizableByBruteForce(h);
        expect(checkRegister(h, { prune: false }).valid).toBe(truth);
        expect(checkRegister(h).valid).toBe(truth);
      }),
      { numRuns: 1500 },
    );
  });

  it('an invalid history stays invalid after pruning (and a valid one valid), on longer histories', () => {
    const longer = fc.record({
      seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
      ops: fc.integer({ min: 10, max: 40 }),
      clients: fc.integer({ min: 2, max: 6 }),
      keys: fc.integer({ min: 1, max: 2 }),
      valueRange: fc.integer({ min: 2, max: 6 }),
      readWriteOnly: fc.boolean(),
      appendOnly: fc.boolean(),
      infoRate: fc.constantFrom(0.1, 0.3),
      failRate: fc.constant(0.05),
    });
    fc.assert(
      fc.property(longer, fc.array(fc.nat(), { maxLength: 2 }), (p, picks) => {
        const h = corrupt(simulateRegisterHistory(p), picks, p.valueRange, p.appendOnly);
        const plain = checkRegister(h, { prune: false, maxMemoryBytes: 64 * 2 ** 20 });
        fc.pre(plain.valid !== 'unknown');
        expect(checkRegister(h).valid).toBe(plain.valid);
      }),
      { numRuns: 300 },
    );
  });
});
