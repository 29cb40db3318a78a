/**
 * The JSONL fast path (core/check/json-line.ts) never changes what a line means: on any
 * text, it either declines (undefined, and JSON.parse decides) or returns exactly the
 * fields and values JSON.parse finds. And it does not decline the lines it is for (a fast
 * path that always declined would pass the first property and help nobody).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseHistory } from '../../core/check/history';
import { scanHistoryLine, type ScannedLine } from '../../core/check/json-line';

const FIELDS = ['process', 'type', 'f', 'key', 'value', 'result', 'time', 'error'] as const;

/** What JSON.parse makes of a line, in the scanner's terms (absent fields undefined). */
function viaJsonParse(text: string): Record<string, unknown> | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  return parsed as Record<string, unknown>;
}

function fieldsOf(line: ScannedLine): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of FIELDS) if (line[f] !== undefined) out[f] = line[f];
  return out;
}

/** Scalars and arrays, as the format's values are (no objects: those are the other path). */
const plainScalar = fc.oneof(
  fc.integer({ min: -1e15 + 1, max: 1e15 - 1 }),
  fc.string({ maxLength: 30 }).filter((s) => !/[\\"\u0000-\u001f]/.test(s)),
  fc.constantFrom(null, true, false),
);
const plainValue = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, plainScalar, fc.array(tie('value'), { maxLength: 4 })),
})).value;

/** Any JSON value at all, with escapes, floats, big numbers and nested objects. */
const anyValue = fc.jsonValue({ maxDepth: 3 });

const fieldName = fc.oneof(fc.constantFrom(...FIELDS), fc.constantFrom('index', '__proto__', 'proc', 'types', 'k', 'err', 'errors', 'f2'), fc.string({ maxLength: 8 }));

/** A line as other tools might print it: spaces around tokens, fields in any order. */
function printLine(entries: [string, unknown][], spaced: boolean): string {
  const sep = spaced ? ', ' : ',';
  const colon = spaced ? ': ' : ':';
  const body = entries.map(([k, v]) => `${JSON.stringify(k)}${colon}${JSON.stringify(v, null, spaced ? 1 : undefined).replace(/\n/g, ' ')}`).join(sep);
  return spaced ? ` { ${body} } ` : `{${body}}`;
}

describe('the JSONL fast path agrees with JSON.parse', () => {
  it('on any line: it declines, or it returns what JSON.parse finds', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fieldName, fc.oneof(anyValue, plainValue)), { maxLength: 8 }), fc.boolean(), (entries, spaced) => {
        const text = printLine(entries, spaced);
        const scanned = scanHistoryLine(text, 0, text.length);
        if (scanned === undefined) return;
        const parsed = viaJsonParse(text);
        expect(parsed, text).toBeDefined();
        // Only the format's fields, and each as JSON.parse has it (the last of repeats).
        expect(Object.keys(parsed as object).every((k) => (FIELDS as readonly string[]).includes(k)), text).toBe(true);
        expect(fieldsOf(scanned), text).toEqual(Object.fromEntries(Object.entries(parsed as object).filter(([, v]) => v !== undefined)));
        // -0 and 0 differ in the register model's eyes only through JSON.parse; keep them equal to it.
        for (const f of FIELDS) if (typeof scanned[f] === 'number') expect(Object.is(scanned[f], (parsed as Record<string, unknown>)[f]), text).toBe(true);
      }),
      { seed: 20261127, numRuns: 3000 },
    );
  });

  it('on the lines it is for (the format fields, plain values, compact or spaced): it never declines', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...FIELDS), plainValue), { minLength: 1, maxLength: 7 }), fc.boolean(), (entries, spaced) => {
        const text = printLine(entries, spaced);
        const scanned = scanHistoryLine(text, 0, text.length);
        expect(scanned, text).toBeDefined();
        expect(fieldsOf(scanned as ScannedLine)).toEqual(Object.fromEntries(Object.entries(JSON.parse(text) as object).filter(([, v]) => v !== undefined)));
      }),
      { seed: 20261128, numRuns: 2000 },
    );
  });

  it('reads only its own line: a truncated line is declined, not completed from the next', () => {
    const text = '{"process":1,"type":"invoke","f":"read","key":"k1"}\n{"process":2}';
    const firstEnd = text.indexOf('\n');
    for (let end = 0; end < firstEnd; end++) expect(scanHistoryLine(text, 0, end), text.slice(0, end)).toBeUndefined();
    expect(scanHistoryLine(text, 0, firstEnd)).toMatchObject({ process: 1, type: 'invoke', f: 'read', key: 'k1' });
  });

  it('declines what JSON.parse must decide: escapes, objects, fractions, leading zeros, other fields, trailing text', () => {
    for (const line of [
      '{"process":1,"type":"invoke","f":"read","key":"a\\"b"}',
      '{"process":1,"type":"ok","f":"write","value":{"token":1}}',
      '{"process":1,"type":"ok","f":"write","value":1.5}',
      '{"process":1,"type":"ok","f":"write","value":1e3}',
      '{"process":01,"type":"ok","f":"write"}',
      '{"process":1,"type":"ok","f":"write","index":7}',
      '{"process":1,"type":"ok","f":"write","__proto__":7}',
      '{"process":1,"type":"ok","f":"write"} x',
      '{"process":1,"type":"ok","f":"write",}',
      '{"process":1 "type":"ok"}',
      '{"process":-,"type":"ok"}',
      '{"process":1,"type":"ok","f":"write","value":[1,]}',
      '{"process":1,"type":"ok","f":"write","value":nul}',
    ]) {
      expect(scanHistoryLine(line, 0, line.length), line).toBeUndefined();
    }
  });

  it('a history mixing both paths parses as JSON.parse alone would have it', () => {
    const lines = [
      '{"process":0,"type":"invoke","f":"write","key":"k","value":1,"time":5}',
      '{"process":0,"type":"ok","f":"write","key":"k","value":1,"note":"other tool"}',
      ' { "process" : 1 , "type" : "invoke" , "f" : "read" , "key" : "k" } ',
      '{"process":1,"type":"ok","f":"read","key":"k","value":{"v":1}}',
      '{"process":2,"type":"invoke","f":"cas","key":"k\\u0041","value":[1,2]}',
      '{"process":2,"type":"info","f":"cas","key":"kA","value":[1,2]}',
    ];
    const ops = parseHistory(lines.join('\n'));
    expect(ops).toHaveLength(6);
    lines.forEach((line, i) => {
      const expected = JSON.parse(line) as Record<string, unknown>;
      for (const [k, v] of Object.entries(expected)) expect(ops[i]?.[k], `${line}: ${k}`).toEqual(v);
      expect(ops[i]?.line).toBe(i + 1);
    });
    expect(ops[4]?.key).toBe('kA');
  });
});
