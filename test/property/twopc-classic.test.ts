import { describe, it } from 'vitest';
import { checkSchedules } from './twopc-schedules';

describe('classic 2PC under random fault schedules', () => {
  it('is atomic and serializable on 500 schedules', () => checkSchedules('classic', 500));
});
