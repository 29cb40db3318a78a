/**
 * A replica under range placement (core/algorithms/replication/range-splits.ts and the
 * node's table handling): only a range's leaseholder asks for a split, at the median key,
 * to every member, again only after a pause; a new table is persisted, changes no key's
 * replica set on a split, survives a restart, and an older table arriving late is ignored.
 * Keys '1', '2', '3' lie in the founding range [start..'7') that n1 leads (5 members).
 */
import { describe, expect, it } from 'vitest';
import type { NodeId } from '../../core/algorithms/common/types';
import { initialRangeTable, splitRange } from '../../core/algorithms/placement';
import { ReplicationNode, type ReplEvent, type ReplRecord } from '../../core/algorithms/replication';

const IDS: NodeId[] = ['n1', 'n2', 'n3', 'n4', 'n5'];

function node(id: NodeId, durable: readonly ReplRecord[] = []): ReplicationNode {
  return new ReplicationNode({ id, members: IDS, mode: 'quorum', placement: 'range', splitKeys: 2 }, durable);
}

/** Stores `keys` on `n` as copies from n2 (what a replica receives), returning the records written. */
function store(n: ReplicationNode, keys: string[]): ReplRecord[] {
  const out: ReplRecord[] = [];
  for (const key of keys) {
    const r = n.step({ kind: 'message', from: 'n2', msg: { type: 'copy', reason: 'transfer', key, stored: { version: { counter: 1, node: 'n2' }, value: key } }, nowMs: 0 });
    out.push(...r.persist);
  }
  return out;
}

const splitAsks = (events: readonly ReplEvent[]) => events.filter((e) => e.type === 'split-wanted');

describe('replication with range placement', () => {
  it('the leaseholder asks every member for a split at the median key, and asks again only after a pause', () => {
    const n1 = node('n1');
    store(n1, ['1', '2', '3']);
    const first = n1.step({ kind: 'tick', nowMs: 10 });
    expect(splitAsks(first.events)).toEqual([{ type: 'split-wanted', at: '2', range: '', keys: 3, from: 'n1' }]);
    expect(first.send.filter((s) => s.msg.type === 'split-wanted').map((s) => s.to).sort()).toEqual(['n2', 'n3', 'n4', 'n5']);
    expect(splitAsks(n1.step({ kind: 'tick', nowMs: 300 }).events)).toEqual([]);
    expect(splitAsks(n1.step({ kind: 'tick', nowMs: 1_100 }).events)).toHaveLength(1);
  });

  it('a replica that is not the leaseholder never asks, and one under the threshold neither', () => {
    const n2 = node('n2');
    store(n2, ['1', '2', '3']);
    expect(splitAsks(n2.step({ kind: 'tick', nowMs: 10 }).events)).toEqual([]);
    const n1 = node('n1');
    store(n1, ['1', '2']);
    expect(splitAsks(n1.step({ kind: 'tick', nowMs: 10 }).events)).toEqual([]);
  });

  it('surfaces a peer\'s split request for whoever orders splits', () => {
    const r = node('n3').step({ kind: 'message', from: 'n1', msg: { type: 'split-wanted', at: '2', range: '', keys: 3 }, nowMs: 0 });
    expect(r.events).toEqual([{ type: 'split-wanted', at: '2', range: '', keys: 3, from: 'n1' }]);
  });

  it('a new table is persisted and moves no key; a restart keeps it; an older one arriving late changes nothing', () => {
    const n1 = node('n1');
    const records = store(n1, ['1', '2', '3']);
    const before = ['1', '2', '3'].map((k) => [...n1.replicasOf(k)].sort().join());
    const table = splitRange(initialRangeTable(IDS, 3), '2');
    const r = n1.step({ kind: 'request', request: { kind: 'membership', id: 'm1', members: IDS, ranges: table }, nowMs: 20 });
    expect(r.replies).toEqual([{ id: 'm1', ok: true }]);
    expect(r.persist).toContainEqual({ type: 'ranges', table });
    expect(r.events).toContainEqual({ type: 'range-split', at: '2', range: '', owners: ['n2', 'n3', 'n1'], version: 1 });
    expect(r.events.some((e) => e.type === 'key-moved')).toBe(false);
    expect(['1', '2', '3'].map((k) => [...n1.replicasOf(k)].sort().join())).toEqual(before);
    expect(n1.replicasOf('3')[0]).toBe('n2'); // the new range's leaseholder rotated
    expect(n1.rangeTable()).toEqual(table);
    // The split it asked for is answered: it stops asking.
    expect(splitAsks(n1.step({ kind: 'tick', nowMs: 2_000 }).events)).toEqual([]);

    const restarted = node('n1', [...records, ...r.persist]);
    expect(restarted.rangeTable()).toEqual(table);
    const late = restarted.step({ kind: 'request', request: { kind: 'membership', id: 'm0', members: IDS, ranges: initialRangeTable(IDS, 3) }, nowMs: 30 });
    expect(late.replies).toEqual([{ id: 'm0', ok: true }]);
    expect(late.persist).toEqual([]);
    expect(restarted.rangeTable()).toEqual(table);
  });

  it('hash placement has no range table and never asks for a split', () => {
    const n1 = new ReplicationNode({ id: 'n1', members: IDS, mode: 'quorum' });
    store(n1, ['a', 'b', 'c', 'd', 'e']);
    expect(n1.rangeTable()).toBeNull();
    expect(splitAsks(n1.step({ kind: 'tick', nowMs: 10 }).events)).toEqual([]);
  });
});
