import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KvService, canonicalJson, type KvCommand, type KvResult } from '../../core/algorithms/kv';

class Log {
  readonly svc: KvService;
  private index = 0;
  constructor(svc = new KvService()) {
    this.svc = svc;
  }
  do(cmd: KvCommand): KvResult {
    return this.svc.apply(cmd, ++this.index);
  }
}

describe('register semantics', () => {
  it('starts at null, then reads what was last written', () => {
    const log = new Log();
    expect(log.do({ f: 'read', key: 'x' })).toEqual({ ok: true, f: 'read', key: 'x', value: null });
    expect(log.do({ f: 'write', key: 'x', value: 3 })).toEqual({ ok: true, f: 'write', key: 'x', value: 3 });
    log.do({ f: 'write', key: 'y', value: 'other key' });
    expect(log.do({ f: 'read', key: 'x' })).toMatchObject({ value: 3 });
    log.do({ f: 'write', key: 'x', value: null });
    expect(log.do({ f: 'read', key: 'x' })).toMatchObject({ value: null });
    expect(log.svc.snapshot()).toEqual([{ key: 'y', value: 'other key' }]);
  });

  it('cas sets the new value only when the current one matches', () => {
    const log = new Log();
    expect(log.do({ f: 'cas', key: 'x', value: [null, 1] })).toEqual({ ok: true, f: 'cas', key: 'x', result: true, value: 1 });
    expect(log.do({ f: 'cas', key: 'x', value: [0, 2] })).toEqual({ ok: true, f: 'cas', key: 'x', result: false, value: 1 });
    expect(log.do({ f: 'read', key: 'x' })).toMatchObject({ value: 1 }); // false changed nothing
    expect(log.do({ f: 'cas', key: 'x', value: [1, 2] })).toMatchObject({ result: true, value: 2 });
  });

  it('cas compares by canonical JSON, not by object identity or key order', () => {
    const log = new Log();
    log.do({ f: 'write', key: 'x', value: { a: 1, b: [1, { c: 2, d: 3 }] } });
    expect(log.do({ f: 'cas', key: 'x', value: [{ b: [1, { d: 3, c: 2 }], a: 1 }, 'swapped'] })).toMatchObject({ result: true });
    expect(log.do({ f: 'cas', key: 'x', value: ['swapped ', 'no'] })).toMatchObject({ result: false });
    expect(log.do({ f: 'cas', key: 'x', value: [1, 'no'] })).toMatchObject({ result: false });
  });

  it('append concatenates strings, with null counting as ""', () => {
    const log = new Log();
    expect(log.do({ f: 'append', key: 's', value: 'ab' })).toEqual({ ok: true, f: 'append', key: 's', value: 'ab' });
    expect(log.do({ f: 'append', key: 's', value: 'c' })).toMatchObject({ value: 'abc' });
    expect(log.do({ f: 'read', key: 's' })).toMatchObject({ value: 'abc' });
  });

  it('refuses to append to a non-string and changes nothing', () => {
    const log = new Log();
    log.do({ f: 'write', key: 'n', value: 7 });
    expect(log.do({ f: 'append', key: 'n', value: 'x' })).toMatchObject({ ok: false, code: 'NOT_A_STRING', message: expect.stringMatching(/7/) });
    expect(log.do({ f: 'read', key: 'n' })).toMatchObject({ value: 7 });
  });

  it('stores a copy: a client mutating its object afterwards changes nothing', () => {
    const log = new Log();
    const mine = { list: [1] };
    log.do({ f: 'write', key: 'x', value: mine });
    mine.list.push(2);
    const read = log.do({ f: 'read', key: 'x' });
    expect(read).toMatchObject({ value: { list: [1] } });
    if (read.ok && read.f === 'read') (read.value as { list: number[] }).list.push(99);
    expect(log.svc.read('x')).toEqual({ list: [1] });
  });
});

describe('refusals', () => {
  it('refuses values JSON cannot carry, unknown functions and wrong shapes', () => {
    const log = new Log();
    expect(log.do({ f: 'write', key: 'x', value: Number.NaN })).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
    expect(log.do({ f: 'write', key: 'x', value: [1, undefined] })).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT', message: expect.stringMatching(/\$\[1\]/) });
    expect(log.do({ f: 'write', key: 'x', value: undefined })).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
    expect(log.do({ f: 'cas', key: 'x', value: [1] as unknown as [unknown, unknown] })).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
    expect(log.do({ f: 'append', key: 'x', value: 5 as unknown as string })).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
    expect(log.do({ f: 'delete', key: 'x' } as unknown as KvCommand)).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
    expect(log.svc.snapshot()).toEqual([]);
  });

  it('bounds value size and key count', () => {
    const log = new Log(new KvService({ maxValueChars: 10, maxKeys: 2 }));
    expect(log.do({ f: 'write', key: 'a', value: 'x'.repeat(20) })).toMatchObject({ ok: false, code: 'VALUE_TOO_LARGE' });
    log.do({ f: 'write', key: 'a', value: 1 });
    log.do({ f: 'write', key: 'b', value: 2 });
    expect(log.do({ f: 'write', key: 'c', value: 3 })).toMatchObject({ ok: false, code: 'TOO_MANY_KEYS' });
    expect(log.do({ f: 'write', key: 'a', value: 4 })).toMatchObject({ ok: true }); // overwriting is fine
    expect(log.do({ f: 'append', key: 'b2', value: 'x'.repeat(20) })).toMatchObject({ ok: false, code: 'VALUE_TOO_LARGE' });
  });
});

describe('local reads', () => {
  it('answer from local state, which may be behind the log', () => {
    const leader = new Log();
    const follower = new Log();
    const w: KvCommand = { f: 'write', key: 'x', value: 'new' };
    leader.do(w);
    expect(leader.svc.queryLocal({ f: 'read', key: 'x' })).toMatchObject({ value: 'new' });
    expect(follower.svc.queryLocal({ f: 'read', key: 'x' })).toMatchObject({ value: null }); // stale
    expect(follower.svc.queryLocal(w)).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
    expect(follower.svc.snapshot()).toEqual([]);
  });
});

describe('canonicalJson', () => {
  it('sorts object keys at every depth and drops undefined fields', () => {
    expect(canonicalJson({ b: 1, a: { d: [true, null], c: 'x' }, u: undefined })).toBe('{"a":{"c":"x","d":[true,null]},"b":1}');
  });
});

const keyArb = fc.constantFrom('x', 'y');
const valueArb = fc.oneof(fc.constant(null), fc.integer({ min: 0, max: 3 }), fc.constantFrom('', 'a', 'b'));
const kvCommandArb: fc.Arbitrary<KvCommand> = fc.oneof(
  fc.record({ f: fc.constant('read' as const), key: keyArb }),
  fc.record({ f: fc.constant('write' as const), key: keyArb, value: valueArb }),
  fc.record({ f: fc.constant('cas' as const), key: keyArb, value: fc.tuple(valueArb, valueArb) }),
  fc.record({ f: fc.constant('append' as const), key: keyArb, value: fc.constantFrom('a', 'b') }),
);

describe('properties', () => {
  it('matches a plain model and is deterministic across replicas', () => {
    fc.assert(
      fc.property(fc.array(kvCommandArb, { maxLength: 60, size: 'max' }), (cmds) => {
        const a = new KvService();
        const b = new KvService();
        const model = new Map<string, unknown>();
        cmds.forEach((cmd, i) => {
          const ra = a.apply(cmd, i + 1);
          expect(b.apply(cmd, i + 1)).toEqual(ra);
          const current = model.get(cmd.key) ?? null;
          switch (cmd.f) {
            case 'read':
              expect(ra).toMatchObject({ ok: true, value: current });
              break;
            case 'write':
              model.set(cmd.key, cmd.value);
              break;
            case 'cas': {
              const hit = JSON.stringify(current) === JSON.stringify(cmd.value[0]);
              expect(ra).toMatchObject({ ok: true, result: hit });
              if (hit) model.set(cmd.key, cmd.value[1]);
              break;
            }
            case 'append':
              if (current === null || typeof current === 'string') {
                model.set(cmd.key, (current ?? '') + cmd.value);
                expect(ra).toMatchObject({ ok: true });
              } else {
                expect(ra).toMatchObject({ ok: false, code: 'NOT_A_STRING' });
              }
              break;
            default:
              throw new Error('unknown f');
          }
        });
        expect(b.snapshot()).toEqual(a.snapshot());
        for (const key of ['x', 'y']) expect(a.read(key)).toEqual(model.get(key) ?? null);
      }),
      { numRuns: 300 },
    );
  });
});
