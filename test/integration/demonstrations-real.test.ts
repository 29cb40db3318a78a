/**
 * The real-process demonstrations (`faultline run --scenario NAME`, core/supervisor/demos):
 * each runs 3 times on a real 5-node cluster (12-24 s of workload each) and the checker must
 * catch its anomaly every time: exit 1, the demonstration's checker model, and evidence.
 * The protocol-bug demonstrations exit 2 and point to the simulator. Every run starts and
 * stops its own cluster (the command's finally), so no process outlives the file.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run as runCommand } from '../../core/cli/commands/run';
import { DEMONSTRATIONS } from '../../core/sim/demonstrations/index';
import { REAL_DEMONSTRATIONS } from '../../core/supervisor/demos/index';

const RUNS = [1, 2, 3];

describe('faultline run --scenario: the anomaly on every run (real processes)', () => {
  let out: string;
  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'faultline-demos-it-'));
  });
  afterAll(async () => {
    await rm(out, { recursive: true, force: true });
  });

  it.each(REAL_DEMONSTRATIONS.map((d) => [d.name, d] as const))('%s: caught in 3 runs of 3', async (name, demo) => {
    for (const seed of RUNS) {
      const dir = join(out, `${name}-${seed}`);
      const code = await runCommand(['--scenario', name, '--seed', String(seed), '--out', dir]);
      const written = JSON.parse(await readFile(join(dir, 'verdict.json'), 'utf8')) as {
        verdict: { valid: unknown; model: string; evidence?: unknown };
        timeline: { phase: string }[];
      };
      expect(code, `${name} seed ${seed}: exit`).toBe(1);
      expect(written.verdict.valid, `${name} seed ${seed}`).toBe(false);
      expect(written.verdict.model).toBe(demo.expectedModel);
      expect(written.verdict.evidence, `${name} seed ${seed}: evidence`).toBeDefined();
      // The scripted nemesis ran (the lock demonstration's fault is the client's SIGSTOP instead).
      if (demo.plan !== undefined) expect(written.timeline.filter((e) => e.phase === 'fault').length).toBeGreaterThan(0);
    }
  }, 240_000);

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
