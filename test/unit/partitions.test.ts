import { describe, expect, it } from 'vitest';
import { linkOpen, majority, partitionCuts } from '../../core/algorithms/common';

const five = ['n1', 'n2', 'n3', 'n4', 'n5'];

/** Who each node can reach directly, itself included. */
function reach(nodes: string[], cuts: ReturnType<typeof partitionCuts>): Record<string, string[]> {
  return Object.fromEntries(nodes.map((a) => [a, nodes.filter((b) => a === b || linkOpen(cuts, a, b))]));
}

describe('named partitions', () => {
  it('isolate cuts one node off in both directions', () => {
    const r = reach(five, partitionCuts(five, { shape: 'isolate', node: 'n3' }));
    expect(r.n3).toEqual(['n3']);
    expect(r.n1).toEqual(['n1', 'n2', 'n4', 'n5']);
  });

  it('one-way lets the node speak but not hear', () => {
    const cuts = partitionCuts(five, { shape: 'one-way', node: 'n1' });
    expect(linkOpen(cuts, 'n1', 'n2')).toBe(true);
    expect(linkOpen(cuts, 'n2', 'n1')).toBe(false);
  });

  it('halves leaves no majority on the small side', () => {
    const r = reach(five, partitionCuts(five, { shape: 'halves' }));
    expect(r.n1).toEqual(['n1', 'n2']);
    expect(r.n5).toEqual(['n3', 'n4', 'n5']);
  });

  it('majorities ring: everyone sees a majority, no two see the same one', () => {
    for (const n of [3, 5, 7, 9]) {
      const nodes = Array.from({ length: n }, (_, i) => `n${i + 1}`);
      const r = reach(nodes, partitionCuts(nodes, { shape: 'majorities-ring' }));
      for (const a of nodes) expect(r[a]!.length).toBeGreaterThanOrEqual(majority(n));
      if (n >= 5) expect(new Set(nodes.map((a) => r[a]!.join())).size).toBe(n);
    }
  });

  it('bridge joins two halves only through the middle node', () => {
    const r = reach(five, partitionCuts(five, { shape: 'bridge' }));
    expect(r.n3).toEqual(five);
    expect(r.n1).toEqual(['n1', 'n2', 'n3']);
    expect(r.n5).toEqual(['n3', 'n4', 'n5']);
  });

  it('names what is missing', () => {
    expect(() => partitionCuts(five, { shape: 'isolate', node: 'n9' })).toThrow(/needs a node among/);
  });
});
