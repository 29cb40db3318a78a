import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Prng } from '../../core/algorithms/common/prng';
import { HistoryError, parseHistory, type HistoryOp } from '../../core/check/history';
import { checkLocks, findLockViolations, type LockViolation } from '../../core/check/locks';

const fixture = (name: string): HistoryOp[] =>
  parseHistory(readFileSync(join(__dirname, '..', 'fixtures', 'histories', name), 'utf8'));

type Line = [process: number, type: HistoryOp['type'], f: string, key: string, value?: unknown];
const history = (lines: Line[]): HistoryOp[] =>
  parseHistory(lines.map(([process, type, f, key, value]) => JSON.stringify({ process, type, f, key, value })).join('\n'));

const acquire = (p: number, token: number, lock = 'L'): Line[] => [
  [p, 'invoke', 'acquire', lock],
  [p, 'ok', 'acquire', lock, token],
];
const release = (p: number, token: number, type: HistoryOp['type'] = 'ok', lock = 'L'): Line[] => [
  [p, 'invoke', 'release', lock, token],
  [p, type, 'release', lock, token],
];
const write = (p: number, token: number, type: HistoryOp['type'] = 'ok', resource = 'db'): Line[] => [
  [p, 'invoke', 'write', resource, { token, data: `by ${p}` }],
  [p, type, 'write', resource, { token, data: `by ${p}` }],
];

const codes = (v: LockViolation[]): string[] => v.map((x) => x.code);

describe('checkLocks', () => {
  it('accepts a clean hand-over with fencing (a stale write rejected)', () => {
    const v = checkLocks(fixture('lock-valid.jsonl'));
    expect(v.valid).toBe(true);
    expect(v.model).toBe('lock');
  });

  it('reports a fenced resource that accepted a stale token, naming both writes', () => {
    const v = checkLocks(fixture('lock-invalid-stale-write.jsonl'));
    expect(v.valid).toBe(false);
    const [first] = (v.evidence as { violations: LockViolation[] }).violations;
    expect(first?.code).toBe('STALE_WRITE_ACCEPTED');
    expect(first?.key).toBe('db');
    expect(first?.operations.map((o) => [o.process, o.invokeLine])).toEqual([
      [2, 5],
      [1, 7],
    ]);
    expect(v.summary).toMatch(/accepted process 1's write with token 1/);
  });

  it('reports two grants with the same token', () => {
    const v = findLockViolations(history([...acquire(1, 5), ...acquire(2, 5)]));
    expect(codes(v)).toEqual(['DUPLICATE_TOKEN']);
    expect(v[0]?.operations.map((o) => o.process)).toEqual([1, 2]);
  });

  it('reports a grant whose token is not larger than one granted before it started', () => {
    const v = findLockViolations(history([...acquire(1, 5), ...acquire(2, 4)]));
    expect(codes(v)).toEqual(['TOKEN_NOT_INCREASING']);
    expect(v[0]?.explanation).toMatch(/token 4/);
  });

  it('allows concurrent grants to complete in either token order', () => {
    const v = findLockViolations(
      history([
        [1, 'invoke', 'acquire', 'L'],
        [2, 'invoke', 'acquire', 'L'],
        [2, 'ok', 'acquire', 'L', 6],
        [1, 'ok', 'acquire', 'L', 5],
      ]),
    );
    expect(v).toEqual([]);
  });

  it('keeps locks apart: the same token on two locks is fine', () => {
    expect(findLockViolations(history([...acquire(1, 1, 'A'), ...acquire(2, 1, 'B')]))).toEqual([]);
  });

  it('reports a release accepted after a newer grant (the lease had passed on)', () => {
    const v = findLockViolations(history([...acquire(1, 1), ...acquire(2, 2), ...release(1, 1)]));
    expect(codes(v)).toEqual(['RELEASE_BY_NON_HOLDER']);
    expect(v[0]?.operations.map((o) => [o.process, o.f])).toEqual([
      [2, 'acquire'],
      [1, 'release'],
    ]);
  });

  it('accepts a rejected release from a non-holder', () => {
    expect(findLockViolations(history([...acquire(1, 1), ...acquire(2, 2), ...release(1, 1, 'fail')]))).toEqual([]);
  });

  it('reports a token released twice and a release of a token never granted', () => {
    expect(codes(findLockViolations(history([...acquire(1, 1), ...release(1, 1), ...release(2, 1)])))).toEqual(['RELEASE_BY_NON_HOLDER']);
    const never = findLockViolations(history([...acquire(1, 1), ...release(2, 9)]));
    expect(codes(never)).toEqual(['RELEASE_BY_NON_HOLDER']);
    expect(never[0]?.explanation).toMatch(/no acquire of this lock was ever granted token 9/);
  });

  it('allows the same holder to write several times with one token', () => {
    expect(findLockViolations(history([...acquire(1, 3), ...write(1, 3), ...write(1, 3)]))).toEqual([]);
  });

  it('does not blame concurrent writes completing out of token order', () => {
    const v = findLockViolations(
      history([
        [1, 'invoke', 'write', 'db', { token: 2 }],
        [2, 'invoke', 'write', 'db', { token: 1 }],
        [1, 'ok', 'write', 'db', { token: 2 }],
        [2, 'ok', 'write', 'db', { token: 1 }],
      ]),
    );
    expect(v).toEqual([]);
  });

  it('refuses an ok acquire without a numeric token, naming the line', () => {
    try {
      checkLocks(history([[1, 'invoke', 'acquire', 'L'], [1, 'ok', 'acquire', 'L', 'seven']]));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(HistoryError);
      expect((e as HistoryError).line).toBe(2);
    }
  });
});

/**
 * A correct leased lock with a fenced resource, simulated: each operation takes effect at
 * a random moment inside its window; leases expire at random. `acceptStale` breaks the
 * resource so it accepts every write (the negative control).
 */
function simulateLock(seed: number, steps: number, clients: number, acceptStale: boolean): HistoryOp[] {
  const rng = new Prng(seed);
  const lines: string[] = [];
  let holder: { client: number; token: number } | undefined;
  let nextToken = 1;
  let highestWritten = 0;
  const held = new Map<number, number>();
  const pending = new Map<number, { f: string; value: unknown; done?: { type: string; value: unknown } }>();
  const emit = (process: number, type: string, f: string, key: string, value: unknown): void => {
    lines.push(JSON.stringify({ process, type, f, key, value }));
  };
  const keyOf = (f: string): string => (f === 'write' ? 'db' : 'L');
  for (let step = 0; step < steps || pending.size > 0; step++) {
    if (rng.chance(0.05)) holder = undefined; // the lease ran out
    const c = rng.int(clients);
    const p = pending.get(c);
    if (!p) {
      if (step >= steps) continue;
      const token = held.get(c);
      const f = token === undefined ? 'acquire' : rng.chance(0.6) ? 'write' : 'release';
      const value = f === 'acquire' ? null : f === 'write' ? { token, data: step } : token;
      pending.set(c, { f, value });
      emit(c, 'invoke', f, keyOf(f), value);
    } else if (!p.done) {
      // The operation takes effect now.
      if (p.f === 'acquire') {
        if (holder) p.done = { type: 'fail', value: null };
        else {
          holder = { client: c, token: nextToken++ };
          held.set(c, holder.token);
          p.done = { type: 'ok', value: holder.token };
        }
      } else if (p.f === 'write') {
        const token = (p.value as { token: number }).token;
        const accept = acceptStale || token >= highestWritten;
        if (accept) highestWritten = Math.max(highestWritten, token);
        p.done = { type: accept ? 'ok' : 'fail', value: p.value };
      } else {
        const mine = holder !== undefined && holder.token === p.value;
        if (mine) holder = undefined;
        held.delete(c);
        p.done = { type: mine ? 'ok' : 'fail', value: p.value };
      }
    } else {
      emit(c, p.done.type, p.f, keyOf(p.f), p.done.value);
      if (p.f === 'write' && p.done.type === 'fail') held.delete(c); // fenced off: give up the lock
      pending.delete(c);
    }
  }
  return parseHistory(lines.join('\n'));
}

describe('checkLocks: properties', () => {
  it('histories of a correct leased, fenced lock are always valid', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 6 }), (seed, clients) => {
        const v = checkLocks(simulateLock(seed, 300, clients, false));
        expect(v.summary).toMatch(/holds/);
        expect(v.valid).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('a resource that ignores fencing is caught whenever it accepted a stale token', () => {
    let caught = 0;
    for (let seed = 1; seed <= 50; seed++) {
      const v = findLockViolations(simulateLock(seed, 400, 4, true));
      expect(v.every((x) => x.code === 'STALE_WRITE_ACCEPTED')).toBe(true);
      if (v.length > 0) caught++;
    }
    expect(caught).toBeGreaterThan(10);
  });
});
