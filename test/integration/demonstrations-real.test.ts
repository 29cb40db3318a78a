/**
 * The real-process demonstrations (`faultline run --scenario NAME`, core/supervisor/demos):
 * each one's three runs live in a file of its own under test/integration/demonstrations/
 * (so the runner spreads them over its workers), and this file checks that none is missing
 * one. The protocol-bug demonstrations exit 2 and point to the simulator.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { run as runCommand } from '../../core/cli/commands/run';
import { DEMONSTRATIONS } from '../../core/sim/demonstrations/index';
import { REAL_DEMONSTRATIONS } from '../../core/supervisor/demos/index';

describe('faultline run --scenario', () => {
  it('every real demonstration has its 3-runs file', () => {
    const files = readdirSync(join(__dirname, 'demonstrations')).filter((f) => f.endsWith('.test.ts'));
    expect(files.sort()).toEqual(REAL_DEMONSTRATIONS.map((d) => `${d.name}.test.ts`).sort());
  });

  it('a protocol-bug demonstration is simulator only: exit 2, saying where it runs', async () => {
    const simOnly = DEMONSTRATIONS.filter((d) => !REAL_DEMONSTRATIONS.some((r) => r.name === d.name));
    expect(simOnly.map((d) => d.name)).toEqual(expect.arrayContaining(['forgetful-acceptor', 'decide-alone']));
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      for (const d of simOnly) {
        expect(await runCommand(['--scenario', d.name])).toBe(2);
        expect(String(errors.mock.calls.at(-1)?.[0])).toContain(`simulator only: faultline sim --scenario ${d.name}`);
      }
      expect(await runCommand(['--scenario', 'no-such-thing'])).toBe(2);
      // A demonstration fixes its mode: another one is refused before any node starts.
      expect(await runCommand(['--scenario', 'async-loss', '--mode', 'quorum'])).toBe(2);
      expect(String(errors.mock.calls.at(-1)?.[0])).toContain('--mode cannot be set with --scenario async-loss');
    } finally {
      errors.mockRestore();
    }
  });
});
