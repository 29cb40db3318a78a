/**
 * Shared by the two 2PC property files (one per mode, so each stays well under a minute):
 * random seeded fault schedules, and the assertion that both checkers passed.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { runTwoPc, type TwoPcMode } from '../../core/sim/mechanisms/twopc';
import { FAULT_KINDS } from '../../core/sim/timeline';

export const schedules = fc.record({
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  nodes: fc.integer({ min: 3, max: 5 }),
  faults: fc.subarray([...FAULT_KINDS], { minLength: 1 }),
});

export function checkSchedules(mode: TwoPcMode, numRuns: number): void {
  let committed = 0;
  fc.assert(
    fc.property(schedules, ({ seed, nodes, faults }) => {
      const r = runTwoPc({ seed, nodes, faults, ops: 20, mode, keepHistory: false });
      // A failure message that replays the run.
      expect(r.verdicts.filter((v) => v.valid !== true).map((v) => `${v.summary} -- ${r.replay}`)).toEqual([]);
      expect(r.verdicts.map((v) => v.model)).toEqual(['txn-atomicity', 'txn', 'txn-blocking']);
      // The decision log never leaves a yes voter blocked.
      if (mode === 'paxos') expect(r.verdicts[2]?.stats?.blocked).toBe(0);
      committed += r.opCounts.ok;
    }),
    { numRuns },
  );
  // The workload did commit transactions: the checks were not vacuous.
  expect(committed).toBeGreaterThan(numRuns);
}

/** Runs the coordinator-crash scenario on `seeds` seeds; returns how often participants blocked. */
export function blockedInCoordinatorCrashes(mode: TwoPcMode, seeds: number): number {
  let blocked = 0;
  for (let seed = 1; seed <= seeds; seed++) {
    const r = runTwoPc({ seed, faults: [], scenario: 'coordinator-crash', ops: 80, mode, keepHistory: false });
    expect(r.verdicts.filter((v) => v.valid !== true).map((v) => `${v.summary} -- ${r.replay}`)).toEqual([]);
    blocked += r.verdicts[2]?.stats?.blocked ?? 0;
  }
  return blocked;
}
