import { describe, expect, it } from 'vitest';
import { FAULT_KINDS } from '../../core/sim/timeline';
import { sweep } from './sim-sweep';

// Lock safety with fencing under every fault, including clients paused past their lease
// between their lease check and their write (the GC pause fencing exists for).
const ALL = [...FAULT_KINDS];

describe('locks under every fault (simulated)', () => {
  it('5 nodes, random nemesis mix: 1000 seeds', () => {
    const r = sweep('locks', 10_000, 1000, { nodes: 5, faults: ALL, ops: 30 });
    expect(r.failures).toEqual([]);
    expect(r.ops).toBeGreaterThan(r.runs * 20);
  });

  it('3 nodes, dense chaos scenario: 200 seeds', () => {
    const r = sweep('locks', 2_000, 200, { nodes: 3, faults: ALL, ops: 30, scenario: 'chaos' });
    expect(r.failures).toEqual([]);
  });

  it('leaders struck mid-write and dueling through a bridge: 80 seeds', () => {
    const a = sweep('locks', 3_000, 40, { nodes: 5, faults: ALL, ops: 45, scenario: 'leader-strikes' });
    const b = sweep('locks', 4_000, 40, { nodes: 3, faults: ALL, ops: 45, scenario: 'bridge-amnesia' });
    expect([...a.failures, ...b.failures]).toEqual([]);
  });
});
