import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HistoryError, parseHistory, type HistoryOp } from '../../core/check/history';
import { checkRegister, type RegisterEvidence } from '../../core/check/register';
import { simulateRegisterHistory } from '../../core/check/simulate-register';
import { linearizableByBruteForce } from '../support/register-reference';

const fixture = (name: string): HistoryOp[] =>
  parseHistory(readFileSync(join(__dirname, '..', 'fixtures', 'histories', name), 'utf8'));

type Line = [process: number, type: HistoryOp['type'], f: string, value?: unknown, extra?: Record<string, unknown>];

/** A history from compact lines; all on one register unless `key` is given in extra. */
function history(lines: Line[]): HistoryOp[] {
  return parseHistory(lines.map(([process, type, f, value, extra]) => JSON.stringify({ process, type, f, value, ...extra })).join('\n'));
}

describe('checkRegister: fixtures', () => {
  it('accepts concurrent writes, reads, a successful cas and a cas that returned false', () => {
    const v = checkRegister(fixture('register-valid-concurrent.jsonl'));
    expect(v.valid).toBe(true);
    expect(v.stats?.keys).toBe(2);
  });

  it('rejects a stale read after two sequential writes, naming the key and the three operations', () => {
    const v = checkRegister(fixture('register-invalid-stale-read.jsonl'));
    expect(v.valid).toBe(false);
    const e = v.evidence as RegisterEvidence;
    expect(e.key).toBe('k1');
    expect(e.operations.map((o) => [o.f, o.value, o.invokeLine])).toEqual([
      ['write', 1, 1],
      ['write', 2, 3],
      ['read', 1, 5],
    ]);
    expect(e.stuckAt).toMatchObject({ f: 'read', value: 1, process: 2, invokeLine: 5, completeLine: 6 });
    expect(v.summary).toMatch(/key "k1"/);
    expect(v.summary).toMatch(/read that returned 1/);
  });

  it('lets an unknown-outcome write take effect late, even after a read that missed it', () => {
    expect(checkRegister(fixture('register-valid-info-late.jsonl')).valid).toBe(true);
  });

  it('explains a read of a value nobody wrote (no key: one register)', () => {
    const v = checkRegister(fixture('register-invalid-never-written.jsonl'));
    expect(v.valid).toBe(false);
    expect((v.evidence as RegisterEvidence).key).toBeNull();
    expect(v.summary).toMatch(/no operation on that key ever wrote 3/);
    expect((v.evidence as RegisterEvidence).operations.map((o) => o.f)).toEqual(['read']);
  });
});

describe('checkRegister: scenarios', () => {
  it('a read concurrent with a write may see either value', () => {
    for (const seen of [null, 1]) {
      const v = checkRegister(
        history([
          [1, 'invoke', 'write', 1],
          [2, 'invoke', 'read'],
          [2, 'ok', 'read', seen],
          [1, 'ok', 'write', 1],
        ]),
      );
      expect(v.valid).toBe(true);
    }
  });

  it('two concurrent reads may not see the new value and then the old one in real-time order', () => {
    const v = checkRegister(
      history([
        [1, 'invoke', 'write', 1],
        [2, 'invoke', 'read'],
        [2, 'ok', 'read', 1],
        [3, 'invoke', 'read'],
        [3, 'ok', 'read', null],
        [1, 'ok', 'write', 1],
      ]),
    );
    expect(v.valid).toBe(false);
    expect((v.evidence as RegisterEvidence).stuckAt).toMatchObject({ process: 3, value: null });
  });

  it('an unknown-outcome write may also never take effect', () => {
    const v = checkRegister(
      history([
        [1, 'invoke', 'write', 5],
        [1, 'info', 'write', 5],
        [2, 'invoke', 'read'],
        [2, 'ok', 'read', null],
        [2, 'invoke', 'read'],
        [2, 'ok', 'read', null],
      ]),
    );
    expect(v.valid).toBe(true);
  });

  it('an unknown-outcome write cannot take effect before it was invoked', () => {
    const v = checkRegister(
      history([
        [2, 'invoke', 'read'],
        [2, 'ok', 'read', 5],
        [1, 'invoke', 'write', 5],
        [1, 'info', 'write', 5],
      ]),
    );
    expect(v.valid).toBe(false);
  });

  it('many crashed writes nobody observed do not make an invalid history undecidable', () => {
    // 40 writes of unknown outcome could each take effect at any later moment or never
    // (2^40 combinations); their values are never read, so the checker may leave them out.
    const crashed: Line[] = [];
    for (let p = 10; p < 50; p++) crashed.push([p, 'invoke', 'write', 1000 + p], [p, 'info', 'write', 1000 + p]);
    const stale: Line[] = [
      [1, 'invoke', 'write', 1],
      [1, 'ok', 'write', 1],
      [1, 'invoke', 'write', 2],
      [1, 'ok', 'write', 2],
      [2, 'invoke', 'read'],
      [2, 'ok', 'read', 1],
    ];
    const v = checkRegister(history([...crashed, ...stale]), { timeoutMs: 30_000 });
    expect(v.valid).toBe(false);
    expect((v.evidence as RegisterEvidence).operations).toHaveLength(3);
  });

  it('proves a stale read without search and names the write it missed', () => {
    const v = checkRegister(
      history([
        [1, 'invoke', 'write', 'a'],
        [1, 'ok', 'write', 'a'],
        [2, 'invoke', 'write', 'b'],
        [3, 'invoke', 'read'],
        [3, 'ok', 'read', 'b'],
        [2, 'ok', 'write', 'b'],
        [1, 'invoke', 'write', 'c'],
        [1, 'ok', 'write', 'c'],
        [3, 'invoke', 'read'],
        [3, 'ok', 'read', 'b'],
      ]),
    );
    expect(v.valid).toBe(false);
    expect(v.summary).toMatch(/stale read/);
    expect(v.stats?.steps).toBe(0);
    expect((v.evidence as RegisterEvidence).operations.map((o) => [o.process, o.f, o.value])).toEqual([
      [2, 'write', 'b'],
      [1, 'write', 'c'],
      [3, 'read', 'b'],
    ]);
  });

  it('a value whose only write started after the read completed cannot have been read', () => {
    const v = checkRegister(
      history([
        [1, 'invoke', 'read'],
        [1, 'ok', 'read', 9],
        [2, 'invoke', 'write', 9],
        [2, 'ok', 'write', 9],
      ]),
    );
    expect(v.valid).toBe(false);
    expect(v.summary).toMatch(/started only after it had completed/);
    expect((v.evidence as RegisterEvidence).operations).toHaveLength(2);
  });

  it('a stale-looking read is fine when another write of the same value may come later', () => {
    const v = checkRegister(
      history([
        [1, 'invoke', 'write', 'a'],
        [1, 'ok', 'write', 'a'],
        [1, 'invoke', 'write', 'b'],
        [1, 'ok', 'write', 'b'],
        [2, 'invoke', 'write', 'a'],
        [2, 'info', 'write', 'a'],
        [3, 'invoke', 'read'],
        [3, 'ok', 'read', 'a'],
      ]),
    );
    expect(v.valid).toBe(true);
  });

  it('a failed write certainly had no effect', () => {
    const v = checkRegister(
      history([
        [1, 'invoke', 'write', 5],
        [1, 'fail', 'write', 5],
        [2, 'invoke', 'read'],
        [2, 'ok', 'read', 5],
      ]),
    );
    expect(v.valid).toBe(false);
  });

  it('a cas that returned false asserts the value differed and changes nothing', () => {
    const base: Line[] = [
      [1, 'invoke', 'write', 1],
      [1, 'ok', 'write', 1],
    ];
    const casFalse: Line[] = [
      [2, 'invoke', 'cas', [1, 2]],
      [2, 'ok', 'cas', [1, 2], { result: false }],
    ];
    expect(checkRegister(history([...base, ...casFalse])).valid).toBe(false);
    const afterOther: Line[] = [
      [1, 'invoke', 'write', 3],
      [1, 'ok', 'write', 3],
      ...casFalse,
      [3, 'invoke', 'read'],
      [3, 'ok', 'read', 3],
    ];
    expect(checkRegister(history([...base, ...afterOther])).valid).toBe(true);
  });

  it('a successful cas needs the expected value and installs the new one', () => {
    const ok: Line[] = [
      [1, 'invoke', 'write', 1],
      [1, 'ok', 'write', 1],
      [2, 'invoke', 'cas', [1, 2]],
      [2, 'ok', 'cas', [1, 2], { result: true }],
      [3, 'invoke', 'read'],
      [3, 'ok', 'read', 2],
    ];
    expect(checkRegister(history(ok)).valid).toBe(true);
    const wrongExpectation = ok.map((l): Line => (l[2] === 'cas' ? [l[0], l[1], 'cas', [9, 2], l[4]] : l));
    expect(checkRegister(history(wrongExpectation)).valid).toBe(false);
  });

  it('append concatenates strings, null counting as the empty string', () => {
    const lines: Line[] = [
      [1, 'invoke', 'append', 'a'],
      [1, 'ok', 'append', 'a'],
      [2, 'invoke', 'append', 'b'],
      [3, 'invoke', 'read'],
      [3, 'ok', 'read', 'ab'],
      [2, 'ok', 'append', 'b'],
    ];
    expect(checkRegister(history(lines)).valid).toBe(true);
    const reordered = lines.map((l): Line => (l[2] === 'read' && l[1] === 'ok' ? [3, 'ok', 'read', 'ba'] : l));
    expect(checkRegister(history(reordered)).valid).toBe(false);
  });

  it('values are compared by canonical JSON (object key order does not matter)', () => {
    const v = checkRegister(
      history([
        [1, 'invoke', 'write', { a: 1, b: [1, 2] }],
        [1, 'ok', 'write', { a: 1, b: [1, 2] }],
        [2, 'invoke', 'read'],
        [2, 'ok', 'read', { b: [1, 2], a: 1 }],
      ]),
    );
    expect(v.valid).toBe(true);
  });

  it('keys are independent registers', () => {
    const v = checkRegister(
      history([
        [1, 'invoke', 'write', 1, { key: 'x' }],
        [1, 'ok', 'write', 1, { key: 'x' }],
        [2, 'invoke', 'read', null, { key: 'y' }],
        [2, 'ok', 'read', 1, { key: 'y' }],
      ]),
    );
    expect(v.valid).toBe(false);
    expect((v.evidence as RegisterEvidence).key).toBe('y');
  });

  it('refuses operations outside the model with the line', () => {
    expect(() => checkRegister(history([[1, 'invoke', 'acquire']]))).toThrow(HistoryError);
    try {
      checkRegister(history([[1, 'invoke', 'cas', 3], [1, 'ok', 'cas', 3]]));
      expect.unreachable();
    } catch (e) {
      expect((e as HistoryError).reason).toMatch(/cas needs "value": \[expected, new\]/);
      expect((e as HistoryError).line).toBe(2);
    }
  });

  it('finds an invalid key quickly although another key is expensive', () => {
    // One big, highly concurrent valid key plus one small invalid key, and a clock that runs
    // out after the first slice of work: only because the small key is scheduled first is
    // the verdict invalid rather than unknown.
    const big = simulateRegisterHistory({ seed: 3, ops: 3000, clients: 10, keys: 1, valueRange: 2 });
    const bad = history([
      [100, 'invoke', 'read', null, { key: 'bad' }],
      [100, 'ok', 'read', 42, { key: 'bad' }],
    ]).map((op, i) => ({ ...op, index: big.length + i }));
    let clock = 0;
    const v = checkRegister([...big, ...bad], { timeoutMs: 5, nowMs: () => (clock += 10) });
    expect(v.valid).toBe(false);
    expect((v.evidence as RegisterEvidence).key).toBe('bad');
  });

  it('gives up with unknown when the memory budget is exhausted instead of exhausting memory', () => {
    const h = simulateRegisterHistory({ seed: 5, ops: 2000, clients: 10, keys: 1, valueRange: 3 });
    const v = checkRegister(h, { maxMemoryBytes: 200_000 });
    expect(v.valid).toBe('unknown');
    expect(v.summary).toMatch(/memory ceiling/);
  });

  it('two keys share one memory ceiling: the search never holds more than it, and says unknown when it is reached', () => {
    const h = simulateRegisterHistory({ seed: 7, ops: 2000, clients: 40, keys: 2, valueRange: 5, infoRate: 0.05 });
    const v = checkRegister(h, { maxMemoryBytes: 8 * 2 ** 20 });
    expect(v.valid).toBe('unknown');
    expect(v.stats).toMatchObject({ outOfMemory: 1, outOfTime: 0 });
    expect(v.stats!.peakMemoryMB).toBeGreaterThan(0);
    expect(v.stats!.peakMemoryMB).toBeLessThanOrEqual(8);
    expect(v.summary).toMatch(/--max-memory MB/);
  });

  it('the strings appends build count against the ceiling too (a crowded append key ends unknown, within it)', () => {
    const h = simulateRegisterHistory({ seed: 7, ops: 3000, clients: 40, keys: 1, valueRange: 1000, appends: true, infoRate: 0.05 });
    const v = checkRegister(h, { maxMemoryBytes: 16 * 2 ** 20 });
    expect(v.valid).toBe('unknown');
    expect(v.stats).toMatchObject({ outOfMemory: 1 });
    expect(v.stats!.peakMemoryMB).toBeLessThanOrEqual(16);
  });

  it('gives up with unknown when the time budget runs out', () => {
    const h = simulateRegisterHistory({ seed: 6, ops: 2000, clients: 10, keys: 1 });
    let clock = 0;
    const v = checkRegister(h, { timeoutMs: 5, nowMs: () => (clock += 10) });
    expect(v.valid).toBe('unknown');
    expect(v.summary).toMatch(/time budget/);
  });
});

describe('checkRegister: properties', () => {
  it('agrees with a brute-force reference on small histories with unknown outcomes, failures, cas and append', () => {
    const small = fc.record({
      seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
      ops: fc.integer({ min: 1, max: 7 }),
      clients: fc.integer({ min: 1, max: 4 }),
      keys: fc.integer({ min: 1, max: 2 }),
      valueRange: fc.integer({ min: 1, max: 3 }),
      appends: fc.boolean(),
      readWriteOnly: fc.boolean(),
      infoRate: fc.constantFrom(0, 0.25),
      failRate: fc.constantFrom(0, 0.1),
    });
    fc.assert(
      fc.property(small, fc.array(fc.nat(), { maxLength: 3 }), (p, picks) => {
        // Corrupt a few reads so that about half the histories are not linearizable.
        const h = simulateRegisterHistory(p);
        const reads = h.filter((op) => op.type === 'ok' && op.f === 'read');
        const victims = new Map(picks.filter(() => reads.length > 0).map((x) => [reads[x % reads.length] as HistoryOp, x % 3]));
        const mutated = h.map((op) => {
          const v = victims.get(op);
          return v === undefined ? op : { ...op, value: p.appends ? `${v},` : v === 2 ? null : v };
        });
        expect(checkRegister(mutated).valid).toBe(linearizableByBruteForce(mutated));
      }),
      { numRuns: 400 },
    );
  });

  const params = fc.record({
    seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
    ops: fc.integer({ min: 1, max: 120 }),
    clients: fc.integer({ min: 1, max: 6 }),
    keys: fc.integer({ min: 1, max: 3 }),
    valueRange: fc.integer({ min: 1, max: 4 }),
    appends: fc.boolean(),
  });

  it('histories of a real linearizable register with random concurrency are always valid', () => {
    fc.assert(
      fc.property(params, (p) => {
        expect(checkRegister(simulateRegisterHistory(p)).valid).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('changing one read to a value never written makes the history invalid', () => {
    fc.assert(
      fc.property(params, fc.nat(), (p, pick) => {
        const h = simulateRegisterHistory(p);
        const reads = h.filter((op) => op.type === 'ok' && op.f === 'read');
        fc.pre(reads.length > 0);
        const victim = reads[pick % reads.length] as HistoryOp;
        const mutated = h.map((op) => (op === victim ? { ...op, value: 'never-written' } : op));
        const v = checkRegister(mutated);
        expect(v.valid).toBe(false);
        const e = v.evidence as RegisterEvidence;
        expect(e.key).toBe(victim.key);
        expect(e.operations.some((o) => o.completeIndex === victim.index)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});
