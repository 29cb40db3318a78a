/**
 * Jepsen EDN histories read directly (core/check/edn.ts, history-format.ts), the CLI's
 * --format and --consistency, the shipped examples/, and the txn workload's model.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EdnError, readEdnForms } from '../../core/check/edn';
import { HistoryError } from '../../core/check/history';
import { detectFormat, parseHistoryText } from '../../core/check/history-format';
import { checkTxn } from '../../core/check/txn';
import { TxnWorkload } from '../../core/supervisor/workload/txn';

const root = join(__dirname, '..', '..');

function faultline(...args: string[]): { status: number | null; lines: Record<string, unknown>[]; stderr: string } {
  const r = spawnSync(process.execPath, [join(root, 'bin', 'faultline.mjs'), 'check', ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  const lines = r.stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { status: r.status, lines, stderr: r.stderr };
}

describe('the EDN reader', () => {
  it('reads the values Jepsen histories use', () => {
    const [form] = readEdnForms('{:a nil, :b true, :c -12, :d 1.5, :e "s\\"q\\n", :f [1 (2 3) #{4}], :g :ns/kw, "k" sym, :h 9007199254740993N, :i \\x}');
    expect(form!.value).toEqual({ a: null, b: true, c: -12, d: 1.5, e: 's"q\n', f: [1, [2, 3], [4]], g: 'ns/kw', k: 'sym', h: '9007199254740993', i: 'x' });
  });

  it('skips comments, commas and #_ forms, and reads tagged values as what they tag', () => {
    const forms = readEdnForms('; a comment\n#_{:gone 1} #jepsen.history.Op{:type :ok, :time #inst "2020-01-01"}\n[1,,2]');
    expect(forms.map((f) => f.value)).toEqual([{ type: 'ok', time: '2020-01-01' }, [1, 2]]);
    expect(forms.map((f) => f.line)).toEqual([2, 3]);
  });

  it('keeps a key named __proto__ as a key (no prototype change)', () => {
    const [form] = readEdnForms('{:__proto__ {:polluted true}}');
    const map = form!.value as Record<string, unknown>;
    expect(Object.getPrototypeOf(map)).toBe(Object.prototype);
    expect(Object.keys(map)).toEqual(['__proto__']);
    expect((map as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('names the line of what it cannot read', () => {
    expect(() => readEdnForms('{:a 1}\n{:a [1 2}')).toThrow(/line 2: unexpected '}'/);
    expect(() => readEdnForms('{:a "open')).toThrow(/line 1: the text ends inside a string/);
    expect(() => readEdnForms('{:a}')).toThrow(/even number of forms/);
  });
});

describe('the EDN reader on generated input', () => {
  // Values as EDN prints them: keyword map keys, strings escaped, vectors and lists mixed.
  const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
    leaf: fc.oneof(fc.constant(null), fc.boolean(), fc.integer(), fc.string()),
    node: fc.oneof({ depthSize: 'small' }, tie('leaf'), fc.array(tie('node'), { maxLength: 4 }), fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9-]{0,6}$/), tie('node'), { maxKeys: 4 })),
  })).node;
  const edn = (v: unknown, i = 0): string => {
    if (v === null) return 'nil';
    if (typeof v === 'string') return JSON.stringify(v);
    if (typeof v !== 'object') return String(v);
    if (Array.isArray(v)) return i % 2 === 0 ? `[${v.map((x) => edn(x, i + 1)).join(' ')}]` : `(${v.map((x) => edn(x, i + 1)).join(', ')})`;
    return `{${Object.entries(v as Record<string, unknown>).map(([k, x]) => `:${k} ${edn(x, i + 1)}`).join(', ')}}`;
  };

  it('reads back what was printed', () => {
    fc.assert(
      fc.property(value, (v) => {
        expect(readEdnForms(edn(v)).map((f) => f.value)).toEqual([v]);
      }),
      { numRuns: 300 },
    );
  });

  it('on arbitrary text either reads or fails with an EdnError naming a line, never anything else', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('{', '}', '[', ']', '(', ')', '"', '\\', ':', '#', '_', ';', 'a', '1', ' ', '\n', 'n', 'N', '.', '-', '/', 'u') , maxLength: 40 }), (text) => {
        try {
          readEdnForms(text);
        } catch (e) {
          expect(e).toBeInstanceOf(EdnError);
          expect((e as EdnError).line).toBeGreaterThanOrEqual(1);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('EDN histories', () => {
  const edn = [
    '{:type :invoke, :f :txn, :value [[:r 1 nil] [:append 2 1]], :process 0, :time 1, :index 0}',
    '{:type :invoke, :f :txn, :value [[:r 2 nil] [:append 1 1]], :process 1, :time 2, :index 1}',
    '{:type :info, :f :kill, :value nil, :process :nemesis, :time 3, :index 2}',
    '{:type :ok, :f :txn, :value [[:r 1 []] [:append 2 1]], :process 0, :time 4, :index 3}',
    '{:type :info, :f :kill, :value :done, :process :nemesis, :time 5, :index 4}',
    '{:type :ok, :f :txn, :value [[:r 2 []] [:append 1 1]], :process 1, :time 6, :index 5}',
  ].join('\n');

  it('detects the format by content', () => {
    expect(detectFormat(edn)).toBe('edn');
    expect(detectFormat('{"process":0}')).toBe('jsonl');
    expect(detectFormat('  [{:type :ok}]')).toBe('edn');
    expect(detectFormat('')).toBe('jsonl');
  });

  it('load into the same operations as JSONL, nemesis faults left out', () => {
    const ops = parseHistoryText(edn);
    expect(ops).toHaveLength(4);
    expect(ops[0]).toMatchObject({ index: 0, line: 1, process: 0, type: 'invoke', f: 'txn', value: [['r', 1, null], ['append', 2, 1]] });
    expect(ops[2]).toMatchObject({ index: 2, line: 4, type: 'ok' });
    const v = checkTxn(ops);
    expect(v.valid).toBe(false);
    expect((v.evidence as { anomalyTypes: string[] }).anomalyTypes).toEqual(['G2-item']);
  });

  it('accept a history printed as one vector of ops', () => {
    const ops = parseHistoryText(`[${edn}]`);
    expect(ops).toHaveLength(4);
  });

  it('fill in :f and :process where Elle\'s hand-written histories leave them out', () => {
    const ops = parseHistoryText('{:type :invoke :value [[:append 1 1]]}\n{:type :ok :value [[:append 1 1]]}\n{:type :invoke :value [[:r 1 nil]]}\n{:type :ok :value [[:r 1 [1]]]}');
    expect(ops.map((o) => [o.f, o.process, o.type])).toEqual([
      ['txn', 'implicit-0', 'invoke'],
      ['txn', 'implicit-0', 'ok'],
      ['txn', 'implicit-1', 'invoke'],
      ['txn', 'implicit-1', 'ok'],
    ]);
    expect(checkTxn(ops).valid).toBe(true);
  });

  it('unusable input is a HistoryError with the line', () => {
    expect(() => parseHistoryText('{:type :invoke, :f :txn, :process 0}\n{:type :bogus, :f :txn, :process 0}')).toThrow(HistoryError);
    expect(() => parseHistoryText('{:type :invoke, :f :txn, :process 0}\n{:type :bogus, :f :txn, :process 0}')).toThrow(/line 2: "type" must be one of/);
    expect(() => parseHistoryText('{:type :ok', 'edn')).toThrow(/line 1: not valid EDN/);
  });
});

describe('faultline check: examples, --format and --consistency (real process)', () => {
  it('the README commands on the shipped examples give the verdicts the README promises', () => {
    expect(faultline('--model', 'register', 'examples/register-valid.jsonl').status).toBe(0);
    expect(faultline('--model', 'register', 'examples/register-stale-read.jsonl').status).toBe(1);
    expect(faultline('--model', 'lock', 'examples/lock-fenced.jsonl', 'examples/lock-stale-write.jsonl').status).toBe(1);
    expect(faultline('--model', 'txn', 'examples/txn-valid.jsonl', 'examples/txn-stale-read.jsonl').status).toBe(0);
    const skew = faultline('--model', 'txn', 'examples/txn-write-skew.jsonl', 'examples/txn-read-skew.edn');
    expect(skew.status).toBe(1);
    expect(skew.lines.map((l) => (l.evidence as { anomalyTypes: string[] }).anomalyTypes)).toEqual([['G2-item'], ['G-single']]);
  });

  it('--consistency picks the model: a stale read passes serializable and fails strict-serializable', () => {
    const r = faultline('--model', 'txn', '--consistency', 'strict-serializable', 'examples/txn-stale-read.jsonl');
    expect(r.status).toBe(1);
    expect(r.lines[0]).toMatchObject({ valid: false, evidence: { consistency: 'strict-serializable', anomalyTypes: ['G-single-realtime'], not: ['strong-snapshot-isolation'] } });
    expect(faultline('--model', 'txn', '--consistency', 'snapshot-isolation', 'examples/txn-write-skew.jsonl').status).toBe(0);
  });

  it('refuses a bad --consistency or --format, or --consistency on another model (exit 2)', () => {
    expect(faultline('--model', 'txn', '--consistency', 'acid', 'examples/txn-valid.jsonl')).toMatchObject({ status: 2, stderr: expect.stringContaining('--consistency must be one of') });
    expect(faultline('--model', 'register', '--consistency', 'serializable', 'examples/register-valid.jsonl')).toMatchObject({ status: 2, stderr: expect.stringContaining('txn only') });
    expect(faultline('--model', 'txn', '--format', 'xml', 'examples/txn-valid.jsonl')).toMatchObject({ status: 2, stderr: expect.stringContaining('--format must be one of') });
  });

  it('--format jsonl on an EDN file is unusable input with the line', () => {
    const r = faultline('--model', 'txn', '--format', 'jsonl', 'examples/txn-read-skew.edn');
    expect(r.status).toBe(2);
    expect(r.lines[0]).toMatchObject({ valid: 'unusable', line: 1 });
  });
});

describe('faultline run --workload txn', () => {
  it('checks its histories as strict-serializable: a read that misses a completed append is caught', () => {
    const ops = parseHistoryText(
      [
        '{"process":0,"type":"invoke","f":"txn","value":[["append","k0",1]]}',
        '{"process":0,"type":"ok","f":"txn","value":[["append","k0",1]]}',
        '{"process":1,"type":"invoke","f":"txn","value":[["r","k0",null]]}',
        '{"process":1,"type":"ok","f":"txn","value":[["r","k0",[]]]}',
      ].join('\n'),
    );
    const v = new TxnWorkload().check(ops);
    expect(v.valid).toBe(false);
    expect((v.evidence as { anomalyTypes: string[] }).anomalyTypes).toEqual(['G-single-realtime']);
  });
});
