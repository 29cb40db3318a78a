import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
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
