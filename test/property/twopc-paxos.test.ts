import { describe, it } from 'vitest';
import { checkSchedules } from './twopc-schedules';

describe('2PC with decisions in a Paxos log under random fault schedules', () => {
  it('is atomic and serializable on 300 schedules', () => checkSchedules('paxos', 300));
});
