/**
 * The transaction checker against the definitions (Adya's thesis; the Elle paper) and
 * against histories shaped like Elle's published examples, under each consistency model.
 * Histories are written here as [process, type, micro-ops] triples, in real-time order.
 */
import { describe, expect, it } from 'vitest';
import type { HistoryOp } from '../../core/check/history';
import { checkTxn, type TxnAnomaly } from '../../core/check/txn';
import { BudgetExhausted, SearchBudget } from '../../core/check/txn-graph';
import { boundary, CONSISTENCY_MODELS, prohibitedBy, type ConsistencyModel } from '../../core/check/txn-models';

type Mop = [string, string | number, unknown];
type Event = [number | string, 'invoke' | 'ok' | 'fail' | 'info', Mop[]];

function history(events: Event[]): HistoryOp[] {
  return events.map(([process, type, value], index) => ({ index, process, type, f: 'txn', value }));
}

/** An invoke immediately followed by its ok completion (reads filled). */
function serialTxn(process: number | string, mops: Mop[]): Event[] {
  return [
    [process, 'invoke', mops.map(([f, k, v]) => [f, k, f === 'r' ? null : v])],
    [process, 'ok', mops],
  ];
}

function check(events: Event[], consistency?: ConsistencyModel, maxSearchSteps?: number) {
  const v = checkTxn(history(events), { consistency, maxSearchSteps });
  const ev = v.evidence as { anomalyTypes?: string[]; anomalies?: TxnAnomaly[]; not?: string[] } | undefined;
  return { v, types: v.valid === false ? (ev?.anomalyTypes ?? []) : [], anomalies: ev?.anomalies ?? [], not: ev?.not };
}

// Write skew through reads of empty keys: T1 reads x empty and appends y; T2 reads y empty
// and appends x, concurrently; a later T3 sees both appends.
const writeSkewEmpty: Event[] = [
  [1, 'invoke', [['r', 'x', null], ['append', 'y', 1]]],
  [2, 'invoke', [['r', 'y', null], ['append', 'x', 1]]],
  [1, 'ok', [['r', 'x', null], ['append', 'y', 1]]],
  [2, 'ok', [['r', 'y', null], ['append', 'x', 1]]],
  ...serialTxn(3, [['r', 'x', [1]], ['r', 'y', [1]]]),
];

// The same skew with x and y starting at [0], and no later read: neither append of 1 is seen.
const writeSkewUnobserved: Event[] = [
  ...serialTxn(0, [['append', 'x', 0], ['append', 'y', 0]]),
  [1, 'invoke', [['r', 'x', null], ['append', 'y', 1]]],
  [2, 'invoke', [['r', 'y', null], ['append', 'x', 1]]],
  [1, 'ok', [['r', 'x', [0]], ['append', 'y', 1]]],
  [2, 'ok', [['r', 'y', [0]], ['append', 'x', 1]]],
  ...serialTxn(0, [['r', 'x', [0, 1]]]).slice(0, 0),
];

// Read skew: T1 reads x before T2's appends to x and y, and y after them.
const readSkew: Event[] = [
  ...serialTxn(0, [['append', 'x', 0], ['append', 'y', 0]]),
  [1, 'invoke', [['r', 'x', null], ['r', 'y', null]]],
  ...serialTxn(2, [['append', 'x', 1], ['append', 'y', 1]]),
  [1, 'ok', [['r', 'x', [0]], ['r', 'y', [0, 1]]]],
];

// T1 -rw-> T2 -wr-> T3 -rw-> T4 -wr-> T1: two anti-dependencies, never next to each other.
const nonadjacent: Event[] = [
  [1, 'invoke', [['r', 'a', null], ['r', 'd', null]]],
  [2, 'invoke', [['append', 'a', 1], ['append', 'b', 1]]],
  [3, 'invoke', [['r', 'b', null], ['r', 'c', null]]],
  [4, 'invoke', [['append', 'c', 1], ['append', 'd', 1]]],
  [2, 'ok', [['append', 'a', 1], ['append', 'b', 1]]],
  [4, 'ok', [['append', 'c', 1], ['append', 'd', 1]]],
  [1, 'ok', [['r', 'a', []], ['r', 'd', [1]]]],
  [3, 'ok', [['r', 'b', [1]], ['r', 'c', []]]],
];

// A stale read only real-time order forbids: T2 starts after T1 completed and misses its append.
const staleRead: Event[] = [...serialTxn(1, [['append', 'x', 1]]), ...serialTxn(2, [['r', 'x', []]])];

// The same on one process: the strong-session models forbid it through process order.
const ownWriteMissed: Event[] = [...serialTxn(1, [['append', 'x', 1]]), ...serialTxn(1, [['r', 'x', []]])];

describe('rw edges the version order implies', () => {
  it('a read of an empty key (null) anti-depends on the first append of that key: write skew is G2-item', () => {
    const { v, types, anomalies } = check(writeSkewEmpty);
    expect(v.valid).toBe(false);
    expect(types).toEqual(['G2-item']);
    expect(anomalies[0]!.cycle!.map((e) => e.type)).toEqual(['rw', 'rw']);
    expect(anomalies[0]!.cycle!.map((e) => e.why).join(' ')).toContain('initial (empty) state');
  });

  it('an empty list reads the same as null', () => {
    const asLists = writeSkewEmpty.map(([p, t, m]): Event => [p, t, t === 'ok' ? m.map(([f, k, val]) => [f, k, f === 'r' && val === null ? [] : val]) : m]);
    expect(check(asLists).types).toEqual(['G2-item']);
  });

  it('a committed append no read contains comes after every read of its key: unobserved write skew is G2-item', () => {
    const { types, anomalies } = check(writeSkewUnobserved);
    expect(types).toEqual(['G2-item']);
    const rw = anomalies[0]!.cycle!.filter((e) => e.type === 'rw');
    expect(rw).toHaveLength(2);
    expect(rw[0]!.why).toContain('which no read saw');
    // The micro-operations behind each edge: the read in the source, the append in the target.
    expect(rw.map((e) => e.mops![0])).toEqual(expect.arrayContaining([['r', 'x', [0]], ['r', 'y', [0]]]));
    expect(rw.map((e) => (e.mops![1] as unknown[])[0])).toEqual(['append', 'append']);
  });

  it('an unobserved append of an indeterminate transaction adds no edge (it may not have committed)', () => {
    const infoSkew = writeSkewUnobserved.map(([p, t, m]): Event => [p, p === 2 && t === 'ok' ? 'info' : t, m]);
    expect(check(infoSkew).v.valid).toBe(true);
  });

  it('read skew through an unobserved append is G-single', () => {
    const { types, anomalies, not } = check(readSkew);
    expect(types).toEqual(['G-single']);
    expect(anomalies[0]!.cycle!.map((e) => e.type).sort()).toEqual(['rw', 'wr']);
    expect(not).toEqual(['consistent-view', 'repeatable-read']);
    expect(anomalies[0]!.not).toEqual(['consistent-view', 'repeatable-read']);
  });

  it('a serial history with unobserved appends stays valid', () => {
    const events: Event[] = [
      ...serialTxn(1, [['r', 'x', []], ['append', 'x', 1]]),
      ...serialTxn(2, [['r', 'x', [1]], ['append', 'x', 2], ['append', 'y', 1]]),
      ...serialTxn(3, [['r', 'y', [1]], ['append', 'x', 3]]),
    ];
    for (const model of CONSISTENCY_MODELS) expect(check(events, model).v.valid).toBe(true);
  });
});

describe('orders with a failed append inside', () => {
  it('edges skip the failed append: a read before it anti-depends on the next committed one', () => {
    // x's order is [1 (A), 9 (F, failed), 2 (B)]; R read x = [1] and y = [1], B's append to y.
    const events: Event[] = [
      ...serialTxn('a', [['append', 'x', 1]]),
      [5, 'invoke', [['append', 'x', 9]]],
      [5, 'fail', [['append', 'x', 9]]],
      [6, 'invoke', [['r', 'x', null], ['r', 'y', null]]],
      ...serialTxn('b', [['append', 'x', 2], ['append', 'y', 1]]),
      [6, 'ok', [['r', 'x', [1]], ['r', 'y', [1]]]],
      ...serialTxn('c', [['r', 'x', [1, 9, 2]]]),
    ];
    const { types, anomalies } = check(events);
    expect(types).toEqual(['G1a', 'dirty-update', 'G-single']);
    const rw = anomalies.find((a) => a.type === 'G-single')!.cycle!.find((e) => e.type === 'rw')!;
    expect(rw.why).toMatch(/did not see T\d+'s append of 2/);
  });
});

describe("the Elle paper's example", () => {
  // Shaped like the paper's example: three transactions over keys 253, 255 and 256 (with
  // earlier writers of the values they read): T1 reads 255 without T2's append of 8, T3
  // reads 255 with it, and T3 reads 256 without T1's append of 3, which no read ever sees.
  const elleExample: Event[] = [
    ...serialTxn(9, [['append', 253, 1], ['append', 255, 2], ['append', 256, 1]]),
    ...serialTxn(9, [['append', 253, 3], ['append', 255, 3], ['append', 256, 2]]),
    ...serialTxn(9, [['append', 253, 4], ['append', 255, 4]]),
    ...serialTxn(9, [['append', 255, 5]]),
    [1, 'invoke', [['append', 250, 10], ['r', 253, null], ['r', 255, null], ['append', 256, 3]]],
    [2, 'invoke', [['append', 255, 8], ['r', 253, null]]],
    [3, 'invoke', [['append', 257, 4], ['r', 255, null], ['r', 256, null], ['r', 253, null]]],
    [1, 'ok', [['append', 250, 10], ['r', 253, [1, 3, 4]], ['r', 255, [2, 3, 4, 5]], ['append', 256, 3]]],
    [2, 'ok', [['append', 255, 8], ['r', 253, [1, 3, 4]]]],
    [3, 'ok', [['append', 257, 4], ['r', 255, [2, 3, 4, 5, 8]], ['r', 256, [1, 2]], ['r', 253, [1, 3, 4]]]],
  ];

  it('as published (T3 appends 4 to 256 itself and reads [1, 2, 4]) it is G-single: T1 -rw-> T2 -wr-> T3 -ww-> T1', () => {
    // T1's append of 3 to 256 is never read, so it comes after 4, the last append any read saw.
    const published = elleExample.map(([p, t, m]): Event => [
      p,
      t,
      p !== 3 ? m : m.map(([f, k, v]): Mop => (f === 'append' ? ['append', 256, 4] : k === 256 && t === 'ok' ? ['r', 256, [1, 2, 4]] : [f, k, v])),
    ]);
    const { types, anomalies } = check(published);
    expect(types).toEqual(['G-single']);
    const cycle = anomalies[0]!.cycle!;
    expect(cycle.map((e) => e.type).sort()).toEqual(['rw', 'wr', 'ww']);
    expect(cycle.find((e) => e.type === 'ww')!.why).toMatch(/appended 3 to 256, which no read saw, so it comes after T\d+'s append of 4/);
    expect(check(published, 'snapshot-isolation').types).toEqual(['G-single']);
  });

  it('with T3 reading 256 before any append of its own it is G2-item: T1 -rw-> T2 -wr-> T3 -rw-> T1', () => {
    const { types, anomalies } = check(elleExample);
    expect(types).toEqual(['G2-item']);
    const cycle = anomalies[0]!.cycle!;
    expect(cycle.map((e) => e.type).sort()).toEqual(['rw', 'rw', 'wr']);
    expect(new Set(cycle.map((e) => e.key))).toEqual(new Set(['255', '256']));
  });

  it('is allowed by snapshot isolation (the two rw edges are adjacent)', () => {
    expect(check(elleExample, 'snapshot-isolation').v.valid).toBe(true);
  });
});

describe('snapshot isolation without G-single (shaped like Elle\'s si-without-g-single)', () => {
  // A appends to k; B appends to m and misses A's append to k; C misses B's append to m
  // and D's append to n, and appends to k after A; D appends to n and sees A's append to k
  // but not C's. Every cycle passes through C, whose edges out are all anti-dependencies
  // into transactions whose only edges out are anti-dependencies too: two adjacent rw edges.
  const events: Event[] = [
    ...serialTxn('a', [['append', 'k', 1]]),
    ...serialTxn('b', [['append', 'm', 1], ['r', 'k', null]]),
    ...serialTxn('c', [['r', 'n', null], ['r', 'm', null], ['append', 'k', 2]]),
    ...serialTxn('d', [['append', 'n', 1], ['r', 'k', [1]]]),
  ];

  it('is G2-item, not G-single or G-nonadjacent, and allowed by snapshot isolation', () => {
    expect(check(events).types).toEqual(['G2-item']);
    expect(check(events, 'snapshot-isolation').v.valid).toBe(true);
    expect(check(events, 'consistent-view').v.valid).toBe(true);
  });
});

describe('consistency models', () => {
  it('snapshot isolation allows write skew; repeatable read and serializable do not', () => {
    expect(check(writeSkewEmpty, 'snapshot-isolation').v.valid).toBe(true);
    expect(check(writeSkewEmpty, 'repeatable-read').types).toEqual(['G2-item']);
    expect(check(writeSkewEmpty, 'strict-serializable').types).toEqual(['G2-item']);
    expect(check(writeSkewEmpty).not).toEqual(['repeatable-read']);
  });

  it('G-nonadjacent: snapshot isolation forbids it, consistent view and read committed allow it', () => {
    const { types, anomalies, not } = check(nonadjacent, 'snapshot-isolation');
    expect(types).toEqual(['G-nonadjacent']);
    expect(anomalies[0]!.cycle!.map((e) => e.type)).toEqual(['rw', 'wr', 'rw', 'wr']);
    expect(not).toEqual(['repeatable-read', 'snapshot-isolation']);
    expect(check(nonadjacent, 'serializable').types).toEqual(['G-nonadjacent']);
    expect(check(nonadjacent, 'consistent-view').v.valid).toBe(true);
    expect(check(nonadjacent, 'read-committed').v.valid).toBe(true);
  });

  it('read skew breaks snapshot isolation and consistent view but not read committed', () => {
    expect(check(readSkew, 'snapshot-isolation').types).toEqual(['G-single']);
    expect(check(readSkew, 'consistent-view').types).toEqual(['G-single']);
    expect(check(readSkew, 'read-committed').v.valid).toBe(true);
  });

  it('a stale read is serializable but not strict-serializable (G-single-realtime)', () => {
    expect(check(staleRead, 'serializable').v.valid).toBe(true);
    const { types, anomalies, not } = check(staleRead, 'strict-serializable');
    expect(types).toEqual(['G-single-realtime']);
    expect(anomalies[0]!.cycle!.map((e) => e.type).sort()).toEqual(['realtime', 'rw']);
    expect(anomalies[0]!.cycle!.find((e) => e.type === 'realtime')!.why).toMatch(/completed \(op 1\) before T2 was invoked/);
    expect(not).toEqual(['strong-snapshot-isolation']);
    expect(check(staleRead, 'strong-session-serializable').v.valid).toBe(true);
  });

  it('write skew closed by real-time order is G2-item-realtime: serializable, not strict-serializable', () => {
    // T3 runs across the whole history; T1 completes before T2 starts. T2 misses T3's
    // append to b, T3 misses T1's append to a: T1 -realtime-> T2 -rw-> T3 -rw-> T1.
    const events: Event[] = [
      [3, 'invoke', [['r', 'a', null], ['append', 'b', 1]]],
      ...serialTxn(1, [['append', 'a', 1]]),
      ...serialTxn(2, [['r', 'b', []]]),
      [3, 'ok', [['r', 'a', []], ['append', 'b', 1]]],
    ];
    expect(check(events).v.valid).toBe(true);
    const { types, anomalies, not } = check(events, 'strict-serializable');
    expect(types).toEqual(['G2-item-realtime']);
    expect(anomalies[0]!.cycle!.map((e) => e.type).sort()).toEqual(['realtime', 'rw', 'rw']);
    expect(not).toEqual(['strict-serializable']);
    expect(check(events, 'strong-snapshot-isolation').v.valid).toBe(true);
  });

  it("missing one's own earlier write is G-single-process under the strong-session models", () => {
    expect(check(ownWriteMissed, 'serializable').v.valid).toBe(true);
    expect(check(ownWriteMissed, 'strong-session-snapshot-isolation').types).toEqual(['G-single-process']);
    expect(check(ownWriteMissed, 'strong-session-serializable').types).toEqual(['G-single-process']);
    // Process order is also real-time order here (the first completed before the second began).
    expect(check(ownWriteMissed, 'strict-serializable').types).toEqual(['G-single-realtime']);
  });

  it('G0 and G1c break read uncommitted and read committed; G1a and G1b need read committed', () => {
    const g0: Event[] = [
      [1, 'invoke', [['append', 'x', 1], ['append', 'y', 1]]],
      [2, 'invoke', [['append', 'x', 2], ['append', 'y', 2]]],
      [1, 'ok', [['append', 'x', 1], ['append', 'y', 1]]],
      [2, 'ok', [['append', 'x', 2], ['append', 'y', 2]]],
      ...serialTxn(3, [['r', 'x', [1, 2]], ['r', 'y', [2, 1]]]),
    ];
    expect(check(g0, 'read-uncommitted').types).toEqual(['G0']);
    expect(check(g0).not).toEqual(['read-uncommitted']);
    const g1a: Event[] = [
      [1, 'invoke', [['append', 'x', 1]]],
      [1, 'fail', [['append', 'x', 1]]],
      ...serialTxn(2, [['r', 'x', [1]]]),
    ];
    expect(check(g1a, 'read-uncommitted').v.valid).toBe(true);
    expect(check(g1a, 'read-committed').types).toEqual(['G1a']);
  });

  it('the model table: each stronger model forbids at least what the weaker ones do', () => {
    expect([...prohibitedBy('serializable')]).toEqual(expect.arrayContaining(['G0', 'G1a', 'G1b', 'G1c', 'G-single', 'G-nonadjacent', 'G2-item', 'internal']));
    expect(prohibitedBy('serializable').has('G-single-realtime')).toBe(false);
    expect(prohibitedBy('strict-serializable').has('G2-item-realtime')).toBe(true);
    expect(prohibitedBy('snapshot-isolation').has('G2-item')).toBe(false);
    expect(prohibitedBy('repeatable-read').has('G-nonadjacent')).toBe(true);
    for (const a of prohibitedBy('serializable')) expect(prohibitedBy('strict-serializable').has(a)).toBe(true);
    for (const a of prohibitedBy('read-committed')) expect(prohibitedBy('snapshot-isolation').has(a)).toBe(true);
    expect(boundary(['G1c']).not).toEqual(['read-committed']);
    expect(boundary(['G-single-realtime']).not).toEqual(['strong-snapshot-isolation']);
    expect(boundary(['incompatible-order']).not).toEqual(['read-committed']);
    // As Elle: a transaction contradicting its own reads breaks read atomic (and so
    // snapshot isolation and serializability), not read committed.
    expect(boundary(['internal']).not).toEqual(['read-atomic']);
    expect(boundary(['internal']).alsoNot).not.toContain('read-committed');
    expect(boundary(['G2-item']).alsoNot).not.toContain('read-atomic');
  });
});

describe('reads inside one transaction', () => {
  it('internal: a second read must equal the first plus the appends since', () => {
    const events: Event[] = [...serialTxn(0, [['append', 'x', 0], ['append', 'x', 9]]), ...serialTxn(1, [['r', 'x', [0]], ['append', 'x', 1], ['r', 'x', [0, 9, 1]]])];
    const { types } = check(events);
    expect(types).toContain('internal');
  });

  it('dirty-update: a committed append right after a failed one in the key\'s order', () => {
    const events: Event[] = [
      [1, 'invoke', [['append', 'x', 1]]],
      [1, 'fail', [['append', 'x', 1]]],
      ...serialTxn(2, [['append', 'x', 2]]),
      ...serialTxn(3, [['r', 'x', [1, 2]]]),
    ];
    const { types, not } = check(events);
    expect(types).toEqual(['G1a', 'dirty-update']);
    expect(not).toEqual(['read-committed']);
    // An append of unknown outcome in between does not settle it.
    const throughInfo: Event[] = [
      ...serialTxn(0, [['append', 'x', 0]]),
      [1, 'invoke', [['append', 'x', 1]]],
      [1, 'fail', [['append', 'x', 1]]],
      [4, 'invoke', [['append', 'x', 4]]],
      [4, 'info', [['append', 'x', 4]]],
      ...serialTxn(2, [['append', 'x', 2]]),
      ...serialTxn(3, [['r', 'x', [0, 1, 4, 2]]]),
    ];
    const found = check(throughInfo);
    expect(found.types).toEqual(['G1a', 'dirty-update']);
    expect(found.anomalies.find((a) => a.type === 'dirty-update')!.explanation).toMatch(/appended 2 to x on top of T\d+'s append of 1/);
    const notDirty: Event[] = [
      [1, 'invoke', [['append', 'x', 1]]],
      [1, 'fail', [['append', 'x', 1]]],
      ...serialTxn(3, [['r', 'x', [1]]]),
    ];
    expect(check(notDirty).types).toEqual(['G1a']);
  });

  it('future-read: a read holding an append its own transaction makes later', () => {
    const events: Event[] = [...serialTxn(1, [['r', 'x', [1]], ['append', 'x', 1]])];
    expect(check(events).types).toContain('future-read');
  });
});

describe('budgets', () => {
  // A ring of write skews: T_i reads k_i empty and appends to k_{i+1}; a final read sees all.
  function ring(n: number): Event[] {
    const events: Event[] = [];
    for (let i = 0; i < n; i++) events.push([i, 'invoke', [['r', `k${i}`, null], ['append', `k${(i + 1) % n}`, 1]]]);
    for (let i = 0; i < n; i++) events.push([i, 'ok', [['r', `k${i}`, []], ['append', `k${(i + 1) % n}`, 1]]]);
    events.push(...serialTxn('reader', Array.from({ length: n }, (_, i): Mop => ['r', `k${i}`, [1]])));
    return events;
  }

  it('a deadline reached inside the search ends the budget like running out of steps', () => {
    const budget: SearchBudget = new SearchBudget(1_000_000, () => budget.exhaust('time'));
    const slice = budget.slice(10_000);
    expect(() => {
      for (let i = 0; i < 5000; i++) slice.spend();
    }).toThrow(BudgetExhausted);
    expect(budget.used).toBe(4097);
    expect(budget.exhaustedBy).toBe('time');
  });

  it('finds the ring as a G2-item cycle when the budget allows', () => {
    const { types, anomalies } = check(ring(30));
    expect(types).toEqual(['G2-item']);
    expect(anomalies[0]!.cycle).toHaveLength(30);
    // The words name the first and last hops only; the evidence keeps all 30.
    expect(anomalies[0]!.explanation).toContain('... 18 more hops (in the evidence) ...');
    expect(anomalies[0]!.explanation.match(/\(rw\)/g)).toHaveLength(12);
  });

  it('a search out of steps reports the cycle the component proves (serializable) instead of timing out', () => {
    const { v, types, anomalies } = check(ring(30), 'serializable', 10);
    expect(v.valid).toBe(false);
    expect(types).toEqual(['PL-3-cycle-exists']);
    expect(anomalies[0]!.explanation).toMatch(/strongly connected component of 30 committed transactions/);
  });

  it('a search out of steps is undecided where a cycle alone proves nothing (snapshot isolation)', () => {
    const { v } = check(ring(30), 'snapshot-isolation', 10);
    expect(v.valid).toBe('unknown');
    expect(v.evidence).toMatchObject({ error: 'SEARCH_BUDGET', consistency: 'snapshot-isolation' });
    expect(v.summary).toMatch(/component of 30 transactions/);
  });
});
