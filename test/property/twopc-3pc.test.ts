/**
 * Three-phase commit in the simulator. Without partitions (crashes, pauses, drops,
 * duplicates, clock skew, and messages always delayed and reordered) it must stay atomic
 * and serializable and never leave a participant waiting for its coordinator. With the
 * network split through a pre-commit round (demonstration 3pc-split-brain) it must break
 * atomicity on every seed, and the atomicity checker must say so: that is the lesson. The
 * same split through classic 2PC's commit round blocks instead, and stays atomic.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectedViolation, runDemonstration } from '../../core/sim/demonstrations/run';
import { threePcSplitBrain } from '../../core/sim/demonstrations/threepc-split-brain';
import { runTwoPc } from '../../core/sim/mechanisms/twopc';
import { FAULT_KINDS } from '../../core/sim/timeline';
import { blockedInCoordinatorCrashes } from './twopc-schedules';

const NO_PARTITION = FAULT_KINDS.filter((f) => f !== 'partition');

describe('3PC under random fault schedules without partitions', () => {
  it('is atomic and serializable on 300 schedules, and no participant ever waits for its coordinator', () => {
    let committed = 0;
    fc.assert(
      fc.property(
        fc.record({ seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }), nodes: fc.integer({ min: 3, max: 5 }), faults: fc.subarray([...NO_PARTITION], { minLength: 1 }) }),
        ({ seed, nodes, faults }) => {
          const r = runTwoPc({ seed, nodes, faults, ops: 30, mode: '3pc', keepHistory: false });
          expect(r.verdicts.filter((v) => v.valid !== true).map((v) => `${v.summary} -- ${r.replay}`)).toEqual([]);
          expect(r.verdicts.map((v) => v.model)).toEqual(['txn-atomicity', 'txn', 'txn-blocking']);
          expect(r.verdicts[0]?.stats?.inDoubtAtEnd).toBe(0);
          expect(r.verdicts[2]?.stats?.blocked).toBe(0);
          committed += r.opCounts.ok;
        },
      ),
      { numRuns: 300 },
    );
    expect(committed).toBeGreaterThan(300); // the checks were not vacuous
  });

  it('does not block when coordinators crash mid-prepare (classic 2PC does, on the same schedules)', () => {
    expect(blockedInCoordinatorCrashes('3pc', 5)).toBe(0);
    expect(blockedInCoordinatorCrashes('classic', 5)).toBeGreaterThan(0);
  });
});

describe('demonstration 3pc-split-brain', () => {
  it('breaks atomicity on every seed of a 20-seed sweep, caught by the atomicity checker with the two sides named', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const r = runDemonstration(threePcSplitBrain, { seed });
      const atomicity = expectedViolation(threePcSplitBrain, r);
      expect(atomicity, `seed ${seed}: ${r.replay}`).toBeDefined();
      const [first] = (atomicity?.evidence as { violations: { txn: string; committed: string[]; aborted: string[] }[] }).violations;
      expect(first?.committed.some((w) => w.startsWith('participant '))).toBe(true);
      expect(first?.aborted.some((w) => w.startsWith('participant '))).toBe(true);
      expect(r.faults.some((f) => f.kind === 'partition' && f.detail.startsWith('3pc-split-brain:'))).toBe(true);
    }
  });

  it('control: the same splits in classic 2PC stay atomic on every seed (the cut-off side blocks instead)', () => {
    let blocked = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const r = runDemonstration(threePcSplitBrain, { seed, control: true });
      expect(r.verdicts.filter((v) => v.valid !== true).map((v) => `${v.summary} -- ${r.replay}`)).toEqual([]);
      expect(r.faults.some((f) => f.kind === 'partition' && f.detail.startsWith('3pc-split-brain:'))).toBe(true);
      blocked += Number(r.verdicts.find((v) => v.model === 'txn-blocking')?.stats?.blocked ?? 0);
    }
    expect(blocked).toBeGreaterThan(0);
  });
});
