import { describe, expect, it } from 'vitest';
import { runTwoPc } from '../../core/sim/mechanisms/twopc';
import { FAULT_KINDS } from '../../core/sim/timeline';
import { blockedInCoordinatorCrashes, checkSchedules } from './twopc-schedules';

describe('classic 2PC under random fault schedules', () => {
  it('is atomic and serializable on 500 schedules', () => checkSchedules('classic', 500));

  it('blocks when coordinators crash mid-prepare (and stays safe)', () => {
    expect(blockedInCoordinatorCrashes('classic', 5)).toBeGreaterThan(0);
  });
});

describe('negative controls: the checkers catch deliberate 2PC bugs', () => {
  for (const [bug, model] of [
    ['decide-alone', 'txn-atomicity'],
    ['vote-before-persist', 'txn'],
  ] as const) {
    it(`finds ${bug} within 40 seeded schedules (${model} says why)`, () => {
      const caught: string[] = [];
      for (let seed = 1; seed <= 40 && caught.length === 0; seed++) {
        const r = runTwoPc({ seed, faults: [...FAULT_KINDS], ops: 60, mode: 'classic', twopcBug: bug, keepHistory: false });
        for (const v of r.verdicts) if (v.valid === false) caught.push(v.model);
      }
      expect(caught).toContain(model);
    });
  }
});
