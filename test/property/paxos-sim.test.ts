import { describe, expect, it } from 'vitest';
import { FAULT_KINDS } from '../../core/sim/timeline';
import { sweep } from './sim-sweep';

// Many short schedules with every fault on: drop, dup, partition (every shape), crash
// (half of them torn), pause, skew. Paxos safety and linearizability must hold in all.
const ALL = [...FAULT_KINDS];

describe('paxos under every fault (simulated)', () => {
  it('5 nodes, random nemesis mix: 1000 seeds', () => {
    const r = sweep('paxos', 10_000, 1000, { nodes: 5, faults: ALL, ops: 30 });
    expect(r.failures).toEqual([]);
    expect(r.ops).toBeGreaterThan(r.runs * 25);
  });

  it('3 nodes, dense chaos scenario: 200 seeds', () => {
    const r = sweep('paxos', 2_000, 200, { nodes: 3, faults: ALL, ops: 30, scenario: 'chaos' });
    expect(r.failures).toEqual([]);
    expect(r.faults).toBeGreaterThan(r.runs * 2);
  });

  it('5 nodes, leader churn and crash storms: 100 seeds', () => {
    const a = sweep('paxos', 3_000, 50, { nodes: 5, faults: ALL, ops: 30, scenario: 'leader-churn' });
    const b = sweep('paxos', 4_000, 50, { nodes: 5, faults: ALL, ops: 30, scenario: 'crash-storm' });
    expect([...a.failures, ...b.failures]).toEqual([]);
  });

  // The schedules built to expose the deliberate bugs (negative-sim.test.ts) must find
  // nothing in the correct implementation; they go beyond the liveness cap on purpose.
  it('3 nodes, targeted scenarios (stale-accept, bridge-amnesia, leader-strikes): 120 seeds', () => {
    const a = sweep('paxos', 5_000, 40, { nodes: 3, faults: ALL, ops: 60, scenario: 'stale-accept' });
    const b = sweep('paxos', 6_000, 40, { nodes: 3, faults: ALL, ops: 60, scenario: 'bridge-amnesia' });
    const c = sweep('paxos', 7_000, 40, { nodes: 5, faults: ALL, ops: 60, scenario: 'leader-strikes' });
    expect([...a.failures, ...b.failures, ...c.failures]).toEqual([]);
  });
});
