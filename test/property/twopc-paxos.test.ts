import { describe, expect, it } from 'vitest';
import { blockedInCoordinatorCrashes, checkSchedules } from './twopc-schedules';

describe('2PC with decisions in a Paxos log under random fault schedules', () => {
  it('is atomic and serializable on 300 schedules, never blocked', () => checkSchedules('paxos', 300));

  it('does not block when coordinators crash mid-prepare', () => {
    expect(blockedInCoordinatorCrashes('paxos', 5)).toBe(0);
  });
});
