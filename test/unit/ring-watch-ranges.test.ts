/**
 * The panel's ring detail under range placement (core/supervisor/panel/ring-watch.ts):
 * it follows the newest range table any node reports, lists each range's bounds, owners
 * and workload keys, owns keys by their range's leaseholder, and yields every split once
 * (the timeline's placement.split lines), not the splits of the first table it sees.
 */
import { describe, expect, it } from 'vitest';
import type { NodeRangesStatus, NodeStatus } from '../../core/protocol/panel';
import { RingWatch } from '../../core/supervisor/panel/ring-watch';

const MEMBERS = ['n1', 'n2', 'n3'];

function status(id: string, ranges: NodeRangesStatus | undefined, epoch = 0): NodeStatus {
  return {
    id,
    ring: { epoch, members: MEMBERS.map((m) => ({ id: m, weight: 1 })), replMembers: MEMBERS, pendingTransfers: 0, learner: false, ...(ranges ? { ranges } : {}) },
  } as unknown as NodeStatus;
}

const table = (version: number, starts: string[]): NodeRangesStatus => ({
  version,
  splits: starts.length - 1,
  ranges: starts.map((start, i) => ({ start, owners: i % 2 === 0 ? ['n1', 'n2', 'n3'] : ['n2', 'n3', 'n1'] })),
});

describe('ring watch, range placement', () => {
  it('shows the newest table, counts keys per range and owns keys by leaseholder', () => {
    const w = new RingWatch();
    w.noteKeys(['a1', 'a2', 'm1', 'z9']);
    const statuses = new Map([
      ['n1', status('n1', table(1, ['', 'm']))],
      ['n2', status('n2', table(0, ['']))],
    ]);
    expect(w.update(statuses, 100)).toBe(true);
    const d = w.detail(statuses);
    expect(d?.ranges?.version).toBe(1);
    expect(d?.ranges?.ranges).toEqual([
      { start: '', end: 'm', owners: ['n1', 'n2', 'n3'], keys: 2 },
      { start: 'm', end: null, owners: ['n2', 'n3', 'n1'], keys: 2 },
    ]);
    expect(d?.keys.find((k) => k.key === 'z9')?.owner).toBe('n2');
    expect(d?.keys.find((k) => k.key === 'a1')?.owner).toBe('n1');
    // The first table is history: its split is listed, but not news for the timeline.
    expect(w.takeSplits()).toEqual([]);
    expect(d?.ranges?.splitLog.map((s) => s.at)).toEqual(['m']);
  });

  it('yields each new split once, with the range it cut and the new range owners', () => {
    const w = new RingWatch();
    w.update(new Map([['n1', status('n1', table(1, ['', 'm']))]]), 100);
    w.takeSplits();
    expect(w.update(new Map([['n1', status('n1', table(2, ['', 'f', 'm']))]]), 200)).toBe(true);
    expect(w.takeSplits()).toEqual([{ atMs: 200, at: 'f', range: '', owners: ['n2', 'n3', 'n1'] }]);
    expect(w.takeSplits()).toEqual([]);
    // An older table reported late changes nothing.
    expect(w.update(new Map([['n2', status('n2', table(1, ['', 'm']))]]), 300)).toBe(false);
    expect(w.detail(new Map())?.ranges?.splits).toBe(2);
  });

  it('under hashing there is no range detail', () => {
    const w = new RingWatch();
    const statuses = new Map([['n1', status('n1', undefined)]]);
    w.update(statuses, 0);
    expect(w.detail(statuses)?.ranges).toBeUndefined();
    expect(w.takeSplits()).toEqual([]);
  });
});
