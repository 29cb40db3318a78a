/**
 * The range map (issue 13, range sharding): splits keep replica sets, joins move whole
 * ranges only onto the newcomer, leaves move only the leaver's ranges, the table is the
 * same whatever order members are listed in, and HashRing and RangeMap answer through
 * the one Placement interface.
 */
import { describe, expect, it } from 'vitest';
import type { NodeId } from '../../core/algorithms/common/types';
import {
  RangeMap,
  RangePlacementService,
  initialRangeTable,
  placementLoad,
  placementMoves,
  rangeIndex,
  rangeLoad,
  reassignRanges,
  splitPointFor,
  splitRange,
  type Placement,
  type RangeTable,
} from '../../core/algorithms/placement';
import { HashRing } from '../../core/algorithms/ring';
import { MembershipService } from '../../core/algorithms/membership';

const FIVE: NodeId[] = ['n1', 'n2', 'n3', 'n4', 'n5'];
const KEYS = Array.from({ length: 2000 }, (_, i) => `key${String(i).padStart(5, '0')}`);

function splitEvenly(table: RangeTable, keys: readonly string[], parts: number): RangeTable {
  let t = table;
  for (let i = 1; i < parts; i++) t = splitRange(t, keys[Math.floor((i * keys.length) / parts)] as string);
  return t;
}

function owners(p: Placement, key: string, n = 3): string {
  return [...p.preferenceList(key, n)].sort().join(',');
}

describe('range map', () => {
  it('a 3-member cluster starts as one range on every member', () => {
    const t = initialRangeTable(['n3', 'n1', 'n2'], 3);
    expect(t.ranges).toEqual([{ start: '', owners: ['n1', 'n2', 'n3'] }]);
    expect(new RangeMap(t).owner('zzz')).toBe('n1');
  });

  it('a 5-member founding table is pre-split so that every member leads one range and holds three, with no keys', () => {
    const t = initialRangeTable(['n3', 'n1', 'n2', 'n5', 'n4'], 3);
    expect(t.ranges).toEqual([
      { start: '', owners: ['n1', 'n2', 'n3'] },
      { start: '7', owners: ['n4', 'n5', 'n1'] },
      { start: 'e', owners: ['n2', 'n3', 'n4'] },
      { start: 'l', owners: ['n5', 'n1', 'n2'] },
      { start: 's', owners: ['n3', 'n4', 'n5'] },
    ]);
    expect(t.splits).toBe(0);
    expect(t.version).toBe(0);
    expect([...rangeLoad(t).values()]).toEqual([3, 3, 3, 3, 3]);
    expect(t.ranges.map((r) => r.owners[0]).sort()).toEqual(FIVE);
    // Neighbouring ranges together hold every member (2N >= 5).
    for (let i = 0; i + 1 < t.ranges.length; i++) expect(new Set([...(t.ranges[i]?.owners ?? []), ...(t.ranges[i + 1]?.owners ?? [])]).size).toBe(5);
    const map = new RangeMap(t);
    expect(map.owner('')).toBe('n1');
    expect(map.owner('key1')).toBe('n2');
    expect(map.preferenceList('zzz', 5)).toEqual(['n3', 'n4', 'n5', 'n1', 'n2']);
  });

  it('every founding table leads and holds on every member, whatever the cluster size', () => {
    for (let m = 1; m <= 40; m++) {
      const ids = Array.from({ length: m }, (_, i) => `n${String(i + 1).padStart(2, '0')}`);
      const t = initialRangeTable(ids, 3);
      expect(new RangeMap(t).ranges().every((r, i) => i === 0 || (r.start > (t.ranges[i - 1]?.start ?? '') && r.start !== ''))).toBe(true);
      for (const r of t.ranges) expect(new Set(r.owners).size).toBe(Math.min(3, m));
      if (m > 3) {
        expect(t.ranges.map((r) => r.owners[0]).sort()).toEqual(ids);
        expect([...rangeLoad(t).values()].every((c) => c === 3)).toBe(true);
      }
    }
  });

  it('splits keep every member holding and leading ranges, and every node computes the same table', () => {
    let a = initialRangeTable(FIVE, 3);
    let b = initialRangeTable([...FIVE].reverse(), 3);
    const sets = (t: RangeTable, key: string): string => [...new RangeMap(t).preferenceList(key, 3)].sort().join();
    for (const at of KEYS.filter((_, i) => i % 100 === 50)) {
      const next = splitRange(a, at);
      for (const k of KEYS) expect(sets(next, k)).toBe(sets(a, k));
      a = next;
      b = splitRange(b, at);
    }
    expect(a).toEqual(b);
    expect(a.splits).toBe(20);
    for (const [, held] of rangeLoad(a)) expect(held).toBeGreaterThanOrEqual(3);
    expect(new Set(a.ranges.map((r) => r.owners[0])).size).toBe(5);
  });

  it('a split cuts one range, keeps every key on the same replica set, and applies once', () => {
    const t0 = initialRangeTable(FIVE, 3);
    const t1 = splitRange(t0, '3');
    expect(t1.ranges.map((r) => r.start)).toEqual(['', '3', '7', 'e', 'l', 's']);
    expect(t1.splits).toBe(1);
    expect(t1.version).toBe(1);
    // The right half's leaseholder rotates; the set is the same.
    expect(t1.ranges[1]?.owners).toEqual(['n2', 'n3', 'n1']);
    // The next split of the same replica set hands the lease to the one leading fewest (n3).
    expect(splitRange(t1, '5').ranges[2]?.owners).toEqual(['n3', 'n1', 'n2']);
    expect(splitRange(t1, '3')).toBe(t1);
    const before = new RangeMap(t0);
    const after = new RangeMap(splitEvenly(t1, KEYS, 8));
    expect(placementMoves(before, after, KEYS, 3).moved).toBe(0);
    expect(() => splitRange(t1, '')).toThrow(/non-empty/);
  });

  it('finds the range of a key by its bounds', () => {
    const t = splitRange(splitRange(initialRangeTable(['n1', 'n2', 'n3'], 3), 'm'), 'c');
    const map = new RangeMap(t);
    expect(rangeIndex(t, '')).toBe(0);
    expect(rangeIndex(t, 'b')).toBe(0);
    expect(rangeIndex(t, 'c')).toBe(1);
    expect(rangeIndex(t, 'lzz')).toBe(1);
    expect(rangeIndex(t, 'm')).toBe(2);
    expect(map.rangeOf('d')).toEqual({ start: 'c', end: 'm', owners: t.ranges[1]?.owners });
    expect(map.ranges().at(-1)?.end).toBeNull();
  });

  it('a join moves whole ranges, only onto the newcomer, up to its fair share', () => {
    const t = splitEvenly(initialRangeTable(FIVE, 3), KEYS, 12);
    const joined = reassignRanges(t, [...FIVE, 'n6']);
    const load = rangeLoad(joined);
    expect(load.get('n6')).toBe(Math.floor((t.ranges.length * 3) / 6));
    for (let i = 0; i < t.ranges.length; i++) {
      const was = t.ranges[i]?.owners ?? [];
      const now = joined.ranges[i]?.owners ?? [];
      expect(now.filter((o) => !was.includes(o)).every((o) => o === 'n6')).toBe(true);
      expect(now).toHaveLength(3);
    }
    const moves = placementMoves(new RangeMap(t), new RangeMap(joined), KEYS, 3);
    // Whole ranges: a range moves all its keys or none.
    for (const r of new RangeMap(joined).ranges()) {
      const inRange = KEYS.filter((k) => k >= r.start && (r.end === null || k < r.end));
      const movedHere = inRange.filter((k) => moves.keys.includes(k)).length;
      expect([0, inRange.length]).toContain(movedHere);
    }
  });

  it('a leave moves only the leaver ranges, each to a member not already there', () => {
    let t = splitEvenly(initialRangeTable(FIVE, 3), KEYS, 6);
    t = reassignRanges(t, [...FIVE, 'n6']);
    const left = reassignRanges(t, FIVE.filter((m) => m !== 'n2').concat('n6'));
    for (let i = 0; i < t.ranges.length; i++) {
      const was = t.ranges[i]?.owners ?? [];
      const now = left.ranges[i]?.owners ?? [];
      expect(now).not.toContain('n2');
      expect(new Set(now).size).toBe(3);
      if (!was.includes('n2')) expect(now).toEqual(was);
    }
  });

  it('grows ranges to N replicas when members join a cluster smaller than N', () => {
    const t = reassignRanges(splitRange(initialRangeTable(['n1'], 3), 'm'), ['n1', 'n2', 'n3']);
    for (const r of t.ranges) expect([...r.owners].sort()).toEqual(['n1', 'n2', 'n3']);
  });

  it('is the same whatever order members are given in', () => {
    const a = reassignRanges(splitEvenly(initialRangeTable(FIVE, 3), KEYS, 5), ['n6', 'n5', 'n1', 'n2', 'n3', 'n4']);
    const b = reassignRanges(splitEvenly(initialRangeTable([...FIVE].reverse(), 3), KEYS, 5), ['n1', 'n2', 'n3', 'n4', 'n5', 'n6']);
    expect(a).toEqual(b);
  });

  it('picks the median stored key as the split point, past the threshold only', () => {
    expect(splitPointFor('', ['a', 'b'], 2)).toBeUndefined();
    expect(splitPointFor('', ['c', 'a', 'b'], 2)).toBe('b');
    expect(splitPointFor('b', ['b', 'c'], 1)).toBe('c');
    expect(splitPointFor('b', ['b'], 0)).toBeUndefined();
  });
});

describe('one Placement interface for hashing and ranges', () => {
  it('sequential keys make one range hot where hashing spreads them', () => {
    const ring: Placement = (() => {
      const r = new HashRing();
      for (const m of FIVE) r.add(m);
      return r;
    })();
    const ranges: Placement = new RangeMap(splitEvenly(initialRangeTable(FIVE, 3), KEYS.slice(0, 100), 4));
    const hashLoad = placementLoad(ring, KEYS);
    const rangeLoadNow = placementLoad(ranges, KEYS);
    expect(hashLoad.maxOverMean).toBeLessThan(1.5);
    // Every key past the last split point lands on one range: one node owns almost all.
    expect(rangeLoadNow.maxOverMean).toBeGreaterThan(3);
    expect(owners(ring, 'key00001')).toMatch(/n/);
  });
});

describe('range placement on the log', () => {
  it('a leader proposes wanted splits once, applying twice changes nothing, a join reassigns in the same apply', () => {
    const svc = new RangePlacementService(FIVE, 3);
    const membership = svc.followMembership(new MembershipService({ initial: FIVE.map((id) => ({ id })) }));
    svc.want('m');
    svc.want('m');
    const proposals = svc.leaderTick();
    expect(proposals).toEqual([{ type: 'split', at: 'm' }]);
    expect(svc.leaderTick()).toEqual([]);
    expect(svc.apply({ type: 'split', at: 'm' }, 1)).toMatchObject({ ok: true, kind: 'split' });
    expect(svc.apply({ type: 'split', at: 'm' }, 2)).toMatchObject({ ok: true, kind: 'unchanged' });
    expect(svc.apply({ type: 'split', at: '' }, 3)).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
    const before = svc.table;
    membership.apply({ type: 'join', node: 'n6' }, 4);
    expect(svc.table.members).toContain('n6');
    expect(svc.table.version).toBe(before.version + 1);
    const copy = new RangePlacementService(FIVE, 3);
    copy.restoreSnapshot(JSON.parse(JSON.stringify(svc.snapshotState())));
    expect(copy.table).toEqual(svc.table);
  });
});
