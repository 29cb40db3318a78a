import { describe, expect, it } from 'vitest';
import { takeSelfHeal } from '../../core/cli/self-heal-arg';
import { parseRunArgs } from '../../core/cli/commands/run';
import { parseServeArgs } from '../../core/cli/commands/serve';
import { DEFAULT_SELF_HEAL_DELAY_MS } from '../../core/supervisor/self-heal';

describe('--self-heal [MS]', () => {
  it('is off unless given, takes the default alone, and a delay as the next word or after =', () => {
    expect(takeSelfHeal(['--nodes', '3'])).toEqual({ args: ['--nodes', '3'], delayMs: null });
    expect(takeSelfHeal(['--self-heal', '--nodes', '3'])).toEqual({ args: ['--nodes', '3'], delayMs: DEFAULT_SELF_HEAL_DELAY_MS });
    expect(takeSelfHeal(['--self-heal'])).toEqual({ args: [], delayMs: DEFAULT_SELF_HEAL_DELAY_MS });
    expect(takeSelfHeal(['--self-heal', '500', '--quiet'])).toEqual({ args: ['--quiet'], delayMs: 500 });
    expect(takeSelfHeal(['--self-heal=0'])).toEqual({ args: [], delayMs: 0 });
  });

  it('refuses a delay that is not a whole number of ms in range', () => {
    expect(takeSelfHeal(['--self-heal=abc'])).toMatch(/--self-heal takes a delay in ms from 0 to 600000, got "abc"/);
    expect(takeSelfHeal(['--self-heal=9999999'])).toMatch(/got "9999999"/);
    expect(takeSelfHeal(['--self-heal=-5'])).toMatch(/got "-5"/);
  });

  it('reaches faultline run', () => {
    expect(parseRunArgs(['--workload', 'register'])).toMatchObject({ selfHealMs: null });
    expect(parseRunArgs(['--workload', 'register', '--self-heal', '750', '--time', '5'])).toMatchObject({ selfHealMs: 750, timeS: 5 });
    expect(parseRunArgs(['--workload', 'register', '--self-heal=x'])).toMatch(/--self-heal takes/);
  });

  it('reaches faultline serve (and up)', () => {
    expect(parseServeArgs([])).toMatchObject({ selfHealMs: null });
    expect(parseServeArgs(['--self-heal', '--nodes', '3'])).toMatchObject({ selfHealMs: DEFAULT_SELF_HEAL_DELAY_MS, nodes: 3 });
    expect(parseServeArgs(['--self-heal=1500'])).toMatchObject({ selfHealMs: 1500 });
  });
});
