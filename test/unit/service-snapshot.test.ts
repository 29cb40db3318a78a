/**
 * Snapshots of the replicated services (log compaction): a service restored from another's
 * snapshot holds the same replicated state and answers every later command the same way;
 * lease deadlines are local and restart without ever ending a lease early. Plus the
 * replication store's minimal records, which must rebuild the store exactly.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ServiceMux } from '../../core/algorithms/common/compose';
import { KvService } from '../../core/algorithms/kv';
import { LockService, type LockCommand } from '../../core/algorithms/locks';
import { ReplicaStore } from '../../core/algorithms/replication/store';
import type { ReplRecord } from '../../core/algorithms/replication/types';

function lockCommands(from: number, count: number): LockCommand[] {
  const out: LockCommand[] = [];
  for (let i = from; i < from + count; i++) {
    const lock = `L${i % 3}`;
    if (i % 4 === 3) out.push({ type: 'cancel', lock, owner: `o${i - 1}` });
    else out.push({ type: 'acquire', lock, owner: `o${i}`, ttlMs: 1000 });
  }
  return out;
}

describe('LockService snapshots', () => {
  it('a restored table equals the original and answers later commands identically', () => {
    const a = new LockService();
    let index = 0;
    for (const c of lockCommands(0, 20)) a.apply(c, ++index);
    const b = new LockService();
    b.restoreSnapshot(JSON.parse(JSON.stringify(a.snapshotState())));
    expect(b.replicatedState()).toEqual(a.replicatedState());
    expect(b.appliedIndex).toBe(a.appliedIndex);
    const holder = a.replicatedState()[0]?.holder;
    if (!holder) throw new Error('expected a held lock');
    const later: LockCommand[] = [{ type: 'release', lock: 'L0', owner: holder.owner, token: holder.token }, ...lockCommands(20, 10)];
    for (const c of later) {
      index++;
      expect(b.apply(c, index)).toEqual(a.apply(c, index));
    }
    expect(b.replicatedState()).toEqual(a.replicatedState());
  });

  it('a restored holder without a local deadline is never expired before a full lease from the restore', () => {
    const a = new LockService();
    const acquire: LockCommand = { type: 'acquire', lock: 'L', owner: 'o', ttlMs: 1000 };
    a.afterApply(acquire, a.apply(acquire, 1), 1, 0); // granted at t=0 on a's clock: deadline 1000
    const b = new LockService();
    b.restoreSnapshot(a.snapshotState());
    // Long after the original deadline (1000) on the old clock, b only starts counting now.
    expect(b.leaderTick(5000)).toEqual([]);
    expect(b.leaderTick(5999)).toEqual([]);
    expect(b.leaderTick(6000)).toEqual([{ type: 'expire', lock: 'L', token: 1, renewedAt: 1 }]);
    // After a leader change the lease also restarts at the election.
    const c = new LockService();
    c.restoreSnapshot(a.snapshotState());
    c.onLeadership(7000);
    expect(c.leaderTick(7999)).toEqual([]);
    expect(c.leaderTick(8000)).toHaveLength(1);
  });

  it('refuses a snapshot of the wrong shape, naming what it expected', () => {
    expect(() => new LockService().restoreSnapshot({ lastIndex: -1, locks: [] })).toThrow(/lastIndex: integer >= 0/);
  });
});

describe('KvService snapshots', () => {
  it('a restored store equals the original and answers later commands identically', () => {
    const a = new KvService();
    a.apply({ f: 'write', key: 'x', value: { n: 1 } }, 1);
    a.apply({ f: 'append', key: 's', value: 'ab' }, 2);
    a.apply({ f: 'cas', key: 'x', value: [{ n: 1 }, [1, 2]] }, 3);
    a.apply({ f: 'write', key: 'gone', value: 5 }, 4);
    a.apply({ f: 'write', key: 'gone', value: null }, 5);
    const b = new KvService();
    b.restoreSnapshot(JSON.parse(JSON.stringify(a.snapshotState())));
    expect(b.snapshot()).toEqual(a.snapshot());
    expect(b.snapshotState()).toEqual(a.snapshotState());
    expect(b.apply({ f: 'cas', key: 'x', value: [[1, 2], 'z'] }, 6)).toEqual(a.apply({ f: 'cas', key: 'x', value: [[1, 2], 'z'] }, 6));
    expect(b.apply({ f: 'append', key: 's', value: 'c' }, 7)).toEqual(a.apply({ f: 'append', key: 's', value: 'c' }, 7));
  });

  it('restoring replaces the whole state (keys absent from the snapshot are gone)', () => {
    const a = new KvService();
    a.apply({ f: 'write', key: 'k', value: 1 }, 1);
    const b = new KvService();
    b.apply({ f: 'write', key: 'stale', value: 2 }, 1);
    b.restoreSnapshot(a.snapshotState());
    expect(b.snapshot()).toEqual([{ key: 'k', value: 1 }]);
    expect(() => b.restoreSnapshot([['k', 1]])).toThrow(/\[key, json\] string pairs/);
  });
});

describe('ServiceMux snapshots', () => {
  it('carries one state per service and restores each', () => {
    const a = new ServiceMux({ locks: new LockService(), kv: new KvService() });
    a.apply({ service: 'kv', cmd: { f: 'write', key: 'k', value: 'v' } }, 1);
    a.apply({ service: 'locks', cmd: { type: 'acquire', lock: 'L', owner: 'o', ttlMs: 1000 } }, 2);
    const b = new ServiceMux({ locks: new LockService(), kv: new KvService() });
    b.restoreSnapshot(a.snapshotState());
    expect(b.snapshotState()).toEqual(a.snapshotState());
    expect(b.service<KvService>('kv').read('k')).toBe('v');
  });

  it('cannot snapshot when one service cannot', () => {
    const mux = new ServiceMux({ kv: new KvService(), plain: { apply: () => null } });
    expect(mux.snapshotState()).toBeUndefined();
    expect(() => new ServiceMux({ kv: new KvService() }).restoreSnapshot({})).toThrow(/no state for service "kv"/);
  });
});

describe('replication store: minimal records', () => {
  const key = fc.constantFrom('a', 'b', 'c');
  const node = fc.constantFrom('n1', 'n2', 'n3');
  const version = fc.record({ counter: fc.integer({ min: 1, max: 5 }), node });
  const record: fc.Arbitrary<ReplRecord> = fc.oneof(
    fc.record({ type: fc.constant('stored' as const), key, version, value: fc.integer() }),
    fc.record({ type: fc.constant('issued' as const), key, counter: fc.integer({ min: 1, max: 9 }) }),
    fc.record({ type: fc.constant('hint' as const), key, owner: node, version, value: fc.integer() }),
    fc.record({ type: fc.constant('hint-delivered' as const), key, owner: node, version }),
    fc.record({ type: fc.constant('dropped' as const), key }),
    fc.record({ type: fc.constant('members' as const), members: fc.subarray(['n1', 'n2', 'n3', 'n4']) }),
  );

  function view(s: ReplicaStore): unknown {
    return {
      keys: s.keys(),
      values: s.keys().map((k) => s.get(k)),
      issued: ['a', 'b', 'c'].map((k) => s.issued(k)),
      // Owners with no hint left keep their (empty) slot in the original's Map, so the order
      // ACROSS owners may differ after a rebuild; it only orders hand-offs, not what is held.
      hints: s.hints().sort((x, y) => (x.owner + x.key < y.owner + y.key ? -1 : 1)),
      members: s.members,
    };
  }

  it('a store rebuilt from records() equals the original, now and after any later records', () => {
    fc.assert(
      fc.property(fc.array(record, { maxLength: 40 }), fc.array(record, { maxLength: 10 }), (history, later) => {
        const a = new ReplicaStore(['n1', 'n2', 'n3']);
        for (const r of history) a.apply(r);
        const b = new ReplicaStore(['n1', 'n2', 'n3']);
        const minimal = a.records();
        for (const r of minimal) b.apply(r);
        expect(view(b)).toEqual(view(a));
        expect(minimal.length).toBeLessThanOrEqual(history.length);
        for (const r of later) {
          a.apply(r);
          b.apply(r);
        }
        expect(view(b)).toEqual(view(a));
      }),
      { numRuns: 300, seed: 42 },
    );
  });
});
