import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../core/check/canonical';
import { HistoryError, pairOperations, parseHistory } from '../../core/check/history';

function parseError(text: string): HistoryError {
  try {
    parseHistory(text);
  } catch (e) {
    expect(e).toBeInstanceOf(HistoryError);
    return e as HistoryError;
  }
  throw new Error('expected a HistoryError');
}

describe('parseHistory', () => {
  it('reads JSONL, skips blank lines, keeps 1-based lines and 0-based indexes', () => {
    const ops = parseHistory('\n{"process":1,"type":"invoke","f":"read"}\n\n{"process":1,"type":"ok","f":"read","value":null}\n');
    expect(ops.map((o) => [o.index, o.line, o.type])).toEqual([
      [0, 2, 'invoke'],
      [1, 4, 'ok'],
    ]);
  });

  it('accepts other tools\' histories: string processes, extra fields, no time, Jepsen keywords, numeric keys', () => {
    const ops = parseHistory(
      [
        '{"process":"c1","type":":invoke","f":":write","key":7,"value":1,"node":"n2"}',
        '{"process":"c1","type":":ok","f":":write","key":7,"value":1}',
      ].join('\n'),
    );
    expect(ops[0]).toMatchObject({ process: 'c1', type: 'invoke', f: 'write', key: '7', node: 'n2' });
    expect(ops[1]?.time).toBeUndefined();
  });

  it('names the line of bad JSON', () => {
    const e = parseError('{"process":1,"type":"invoke","f":"read"}\n{"process":1,');
    expect(e.line).toBe(2);
    expect(e.reason).toMatch(/not valid JSON/);
  });

  it('names missing and wrong-typed fields', () => {
    expect(parseError('{"type":"invoke","f":"read"}').reason).toMatch(/"process" must be a number or a string, got missing/);
    expect(parseError('{"process":1,"type":"done","f":"read"}').reason).toMatch(/"type" must be one of/);
    expect(parseError('{"process":1,"type":"invoke","f":3}').reason).toMatch(/"f" must be a non-empty string/);
    expect(parseError('{"process":1,"type":"invoke","f":"read","time":"noon"}').reason).toMatch(/"time" must be a number/);
    expect(parseError('[1,2]').reason).toMatch(/expected a JSON object, got an array/);
  });

  it('refuses a completion without a pending invoke from that process', () => {
    const e = parseError('{"process":1,"type":"invoke","f":"read"}\n{"process":2,"type":"ok","f":"read","value":1}');
    expect(e.line).toBe(2);
    expect(e.reason).toMatch(/no pending invoke from that process/);
  });

  it('refuses a second invoke while one is pending, naming the first', () => {
    const e = parseError('{"process":1,"type":"invoke","f":"read"}\n\n{"process":1,"type":"invoke","f":"write","value":2}');
    expect(e.line).toBe(3);
    expect(e.reason).toMatch(/still pending/);
    expect(e.reason).toMatch(/line 1/);
  });

  it('keeps process 1 and process "1" apart', () => {
    const ops = parseHistory('{"process":1,"type":"invoke","f":"read"}\n{"process":"1","type":"invoke","f":"read"}');
    expect(pairOperations(ops)).toHaveLength(2);
  });

  it('pairs completions and classifies outcomes (no completion = unknown)', () => {
    const ops = parseHistory(
      [
        '{"process":1,"type":"invoke","f":"write","value":1}',
        '{"process":2,"type":"invoke","f":"write","value":2}',
        '{"process":1,"type":"fail","f":"write","value":1}',
        '{"process":3,"type":"invoke","f":"write","value":3}',
        '{"process":3,"type":"info","f":"write","value":3}',
      ].join('\n'),
    );
    expect(pairOperations(ops).map((o) => [o.process, o.outcome])).toEqual([
      [1, 'fail'],
      [2, 'unknown'],
      [3, 'unknown'],
    ]);
  });
});

describe('canonicalJson', () => {
  it('sorts object keys so equal values compare equal, and keeps types apart', () => {
    expect(canonicalJson({ b: 1, a: [2, { d: 3, c: null }] })).toBe('{"a":[2,{"c":null,"d":3}],"b":1}');
    expect(canonicalJson(1)).not.toBe(canonicalJson('1'));
    expect(canonicalJson(undefined)).toBe('null');
  });
});

describe('pairOperations reuses the pairing of an unchanged history only', () => {
  const text = ['{"process":0,"type":"invoke","f":"write","key":"k","value":1}', '{"process":0,"type":"ok","f":"write","key":"k","value":1}', '{"process":1,"type":"invoke","f":"read","key":"k"}'].join('\n');

  it('hands out the same records in a fresh array each time', () => {
    const ops = parseHistory(text);
    const a = pairOperations(ops);
    const b = pairOperations(ops);
    expect(a).not.toBe(b);
    expect(a).toEqual(b);
    expect(a[0]).toBe(b[0]);
    a.pop(); // one caller's array is its own
    expect(pairOperations(ops)).toHaveLength(2);
  });

  it('pairs again when the array changed: an op added, or one replaced', () => {
    const ops = parseHistory(text);
    expect(pairOperations(ops)[1]?.outcome).toBe('unknown');
    ops.push({ index: 3, process: 1, type: 'ok', f: 'read', key: 'k', value: 1 });
    expect(pairOperations(ops)[1]?.outcome).toBe('ok');
    ops[3] = { index: 3, process: 1, type: 'fail', f: 'read', key: 'k' };
    expect(pairOperations(ops)[1]?.outcome).toBe('fail');
    ops[3] = { index: 3, process: 2, type: 'ok', f: 'read', key: 'k' };
    expect(() => pairOperations(ops)).toThrow(HistoryError);
  });

  it('keeps processes 3 and "3" apart, and large or fractional process ids work', () => {
    const lines = [
      { process: 3, type: 'invoke', f: 'read', key: 'k' },
      { process: '3', type: 'invoke', f: 'write', key: 'k', value: 1 },
      { process: 1e9, type: 'invoke', f: 'write', key: 'k', value: 2 },
      { process: 2.5, type: 'invoke', f: 'write', key: 'k', value: 3 },
      { process: -1, type: 'invoke', f: 'write', key: 'k', value: 4 },
      { process: 3, type: 'ok', f: 'read', key: 'k', value: null },
      { process: '3', type: 'ok', f: 'write', key: 'k', value: 1 },
      { process: 1e9, type: 'ok', f: 'write', key: 'k', value: 2 },
      { process: 2.5, type: 'ok', f: 'write', key: 'k', value: 3 },
      { process: -1, type: 'ok', f: 'write', key: 'k', value: 4 },
    ];
    const pairs = pairOperations(parseHistory(lines.map((l) => JSON.stringify(l)).join('\n')));
    expect(pairs.map((p) => [p.process, p.f, p.outcome])).toEqual([
      [3, 'read', 'ok'],
      ['3', 'write', 'ok'],
      [1e9, 'write', 'ok'],
      [2.5, 'write', 'ok'],
      [-1, 'write', 'ok'],
    ]);
  });
});
