import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HistoryError, parseHistory, type HistoryOp } from '../../core/check/history';
import { checkTxn, type TxnAnomaly } from '../../core/check/txn';

const fixture = (name: string): HistoryOp[] =>
  parseHistory(readFileSync(join(__dirname, '../fixtures/txn', name), 'utf8'));

function anomalies(ops: HistoryOp[]): TxnAnomaly[] {
  const v = checkTxn(ops);
  return (v.evidence as { anomalies?: TxnAnomaly[] } | undefined)?.anomalies ?? [];
}

describe('checkTxn on hand-written histories', () => {
  it('accepts a serializable history with concurrent, failed and indeterminate transactions', () => {
    const v = checkTxn(fixture('valid.jsonl'));
    expect(v.valid).toBe(true);
    expect(v.model).toBe('txn');
    // T2 (info, its append of 2 to x observed) counts as committed; T4 (info, unobserved) does not.
    expect(v.stats).toMatchObject({ txns: 6, committed: 4, failed: 1, indeterminate: 2 });
  });

  it('loads a Jepsen history with keywords, numeric keys and nemesis operations', () => {
    const v = checkTxn(fixture('jepsen-keywords.jsonl'));
    expect(v.valid).toBe(true);
    expect(v.stats).toMatchObject({ txns: 3, committed: 3, keys: 2 });
  });

  it('names a G0 write cycle with its ww edges', () => {
    const v = checkTxn(fixture('g0.jsonl'));
    expect(v.valid).toBe(false);
    expect(v.summary).toContain('G0');
    const g0 = anomalies(fixture('g0.jsonl')).find((a) => a.type === 'G0')!;
    expect(g0.cycle?.map((e) => e.type)).toEqual(['ww', 'ww']);
    expect(new Set(g0.cycle?.map((e) => e.key))).toEqual(new Set(['x', 'y']));
    expect(g0.txns.map((t) => t.name).sort()).toEqual(['T0', 'T1']);
  });

  it('names G1a when a committed read sees a failed append', () => {
    const [a] = anomalies(fixture('g1a.jsonl'));
    expect(a?.type).toBe('G1a');
    expect(a?.explanation).toContain('failed');
  });

  it('names G1b when a read ends at a non-final append of another transaction', () => {
    const [a] = anomalies(fixture('g1b.jsonl'));
    expect(a?.type).toBe('G1b');
    expect(a?.txns.map((t) => t.name)).toEqual(['T1', 'T0']);
  });

  it('names G1c for circular information flow (wr edges both ways)', () => {
    const found = anomalies(fixture('g1c.jsonl'));
    expect(found.map((a) => a.type)).toEqual(['G1c']);
    expect(found[0]?.cycle?.map((e) => e.type)).toEqual(['wr', 'wr']);
  });

  it('names G-single for a lost update, explaining the rw edge in words', () => {
    const found = anomalies(fixture('g-single.jsonl'));
    expect(found.map((a) => a.type)).toEqual(['G-single']);
    const types = found[0]!.cycle!.map((e) => e.type).sort();
    expect(types).toEqual(['rw', 'ww']);
    const rw = found[0]!.cycle!.find((e) => e.type === 'rw')!;
    expect(rw.why).toMatch(/did not see T\d+'s append of \d, which comes next/);
  });

  it('names G2-item for write skew (two adjacent rw edges)', () => {
    const found = anomalies(fixture('g2.jsonl'));
    expect(found.map((a) => a.type)).toEqual(['G2-item']);
    expect(found[0]?.cycle?.map((e) => e.type)).toEqual(['rw', 'rw']);
  });

  it('flags a read of a value nobody appended as a garbage read', () => {
    const [a] = anomalies(fixture('impossible-never-appended.jsonl'));
    expect(a?.type).toBe('garbage-read');
    expect(a?.explanation).toContain('no transaction ever appended 5');
  });

  it('flags a read listing a value twice as duplicate-elements', () => {
    const [a] = anomalies(fixture('impossible-duplicate.jsonl'));
    expect(a?.type).toBe('duplicate-elements');
    expect(a?.explanation).toContain('twice');
  });

  it('flags a read that misses the transaction\'s own earlier append as internal', () => {
    const [a] = anomalies(fixture('impossible-own-append.jsonl'));
    expect(a?.type).toBe('internal');
    expect(a?.explanation).toContain('expected it to end with its own appends');
  });

  it('accepts a read that ends with the transaction\'s own appends', () => {
    const ops = parseHistory(
      [
        '{"process":0,"type":"invoke","f":"txn","value":[["append","x",1],["append","x",2],["r","x",null]]}',
        '{"process":0,"type":"ok","f":"txn","value":[["append","x",1],["append","x",2],["r","x",[1,2]]]}',
      ].join('\n'),
    );
    expect(checkTxn(ops).valid).toBe(true);
  });

  it('flags reads that are not prefixes of one another', () => {
    const v = checkTxn(fixture('incompatible-order.jsonl'));
    expect(v.valid).toBe(false);
    expect(anomalies(fixture('incompatible-order.jsonl')).map((a) => a.type)).toEqual(['incompatible-order']);
  });

  it('treats an indeterminate transaction whose append was observed as committed', () => {
    const found = anomalies(fixture('info-observed-cycle.jsonl'));
    expect(found.map((a) => a.type)).toEqual(['G-single']);
    expect(found[0]?.txns.map((t) => t.status).sort()).toEqual(['info', 'ok']);
  });

  it('ignores an unobserved indeterminate transaction but keeps reads of ok ones', () => {
    const ops = parseHistory(
      [
        '{"process":0,"type":"invoke","f":"txn","value":[["append","x",1]]}',
        '{"process":0,"type":"info","f":"txn","value":[["append","x",1]]}',
        '{"process":1,"type":"invoke","f":"txn","value":[["r","x",null]]}',
        '{"process":1,"type":"ok","f":"txn","value":[["r","x",[]]]}',
      ].join('\n'),
    );
    expect(checkTxn(ops).valid).toBe(true);
  });

  it('rejects as unusable (line and reason) a value appended twice to one key', () => {
    const ops = parseHistory(
      [
        '{"process":0,"type":"invoke","f":"txn","value":[["append","x",1]]}',
        '{"process":0,"type":"ok","f":"txn","value":[["append","x",1]]}',
        '{"process":1,"type":"invoke","f":"txn","value":[["append","x",1]]}',
        '{"process":1,"type":"ok","f":"txn","value":[["append","x",1]]}',
      ].join('\n'),
    );
    expect(() => checkTxn(ops)).toThrow(HistoryError);
    expect(() => checkTxn(ops)).toThrow(/line 3: value 1 is appended to key x twice/);
  });

  it('rejects as unusable a malformed micro-operation', () => {
    const ops = parseHistory('{"process":0,"type":"invoke","f":"txn","value":[["write","x",1]]}');
    expect(() => checkTxn(ops)).toThrow(/line 1: .*expected "append" or "r"/);
  });

  it('returns unknown when the time budget is already spent', () => {
    const v = checkTxn(fixture('g2.jsonl'), { timeoutMs: -1 });
    expect(v.valid).toBe('unknown');
    expect(v.evidence).toMatchObject({ error: 'TIMEOUT' });
  });
});
