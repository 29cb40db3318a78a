/**
 * NodeCompactor's bookkeeping without files: which records a compaction writes for parts
 * that can snapshot, parts that cannot, and records of parts the machine does not host.
 */
import { describe, expect, it } from 'vitest';
import { ComposedMachine, emptyReady, type Tagged } from '../../core/algorithms/common';
import { NodeCompactor } from '../../core/node/compaction';

function part(durableSnapshot?: () => unknown[] | undefined) {
  const m = { id: 'n1', step: () => emptyReady<unknown, unknown, unknown, unknown>() };
  return durableSnapshot ? Object.assign(m, { durableSnapshot }) : m;
}

describe('NodeCompactor', () => {
  it('writes each snapshotting part minimal records, and every record of the others and of unknown parts', () => {
    const machine = new ComposedMachine('n1', { a: part(() => ['a-min']), b: part() });
    const restored: Tagged[] = [
      { part: 'a', body: 'a1' },
      { part: 'b', body: 'b1' },
      { part: 'old', body: 'o1' },
    ];
    const compactor = new NodeCompactor(machine, restored);
    compactor.note([
      { part: 'a', body: 'a2' },
      { part: 'b', body: 'b2' },
    ]);
    expect(compactor.snapshotRecords()).toEqual([
      { part: 'a', body: 'a-min' },
      { part: 'b', body: 'b1' },
      { part: 'b', body: 'b2' },
      { part: 'old', body: 'o1' },
    ]);
  });

  it('does not compact at all when a part cannot snapshot right now', () => {
    const machine = new ComposedMachine('n1', { a: part(() => undefined), b: part(() => []) });
    expect(new NodeCompactor(machine, []).snapshotRecords()).toBeUndefined();
  });
});
