import { describe, expect, it } from 'vitest';
import { checkRegister } from '../../core/check/register';
import { simulateRegisterHistory } from '../../core/check/simulate-register';

describe('checkRegister: a step budget (maxSteps)', () => {
  const h = simulateRegisterHistory({ seed: 6, ops: 2000, clients: 10, keys: 1 });

  it('too few steps to decide: unknown, saying the step budget ran out and how many steps it had', () => {
    const v = checkRegister(h, { maxSteps: 1_000 });
    expect(v.valid).toBe('unknown');
    expect(v.summary).toMatch(/the step budget ran out \(1000 steps\)/);
    expect(v.stats).toMatchObject({ outOfSteps: 1, outOfTime: 0, outOfMemory: 0 });
    expect(v.stats!.steps).toBeLessThanOrEqual(1_000);
  });

  it('replays: the same budget gives the same verdict, evidence and figures', () => {
    expect(checkRegister(h, { maxSteps: 30_000 })).toEqual(checkRegister(h, { maxSteps: 30_000 }));
  });

  it('ran out of time, not steps: the summary names the time', () => {
    let clock = 0;
    const v = checkRegister(h, { maxSteps: 10 ** 12, timeoutMs: 5, nowMs: () => (clock += 10) });
    expect(v.valid).toBe('unknown');
    expect(v.summary).toMatch(/the 5 ms time budget ran out/);
    expect(v.stats).toMatchObject({ outOfSteps: 0, outOfTime: 1 });
  });

  it('a budget large enough decides as if there were none', () => {
    const small = simulateRegisterHistory({ seed: 2, ops: 200, clients: 4, keys: 3 });
    expect(checkRegister(small, { maxSteps: 10_000_000 }).valid).toBe(checkRegister(small).valid);
  });
});
