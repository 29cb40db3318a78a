/**
 * One real-process demonstration (`faultline run --scenario NAME`, core/supervisor/demos)
 * run 3 times on a real 5-node cluster: the checker must catch its anomaly every time (exit
 * 1, the demonstration's checker model, evidence). One file per demonstration
 * (test/integration/demonstrations/) so the runner spreads the minutes they take over its
 * workers. Every run starts and stops its own cluster (the command's finally), so no process
 * outlives the file.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run as runCommand } from '../../core/cli/commands/run';
import { REAL_DEMONSTRATIONS } from '../../core/supervisor/demos/index';

const RUNS = [1, 2, 3];

export function describeRealDemonstration(name: string): void {
  describe(`faultline run --scenario ${name}: the anomaly on every run (real processes)`, () => {
    let out: string;
    beforeAll(async () => {
      out = await mkdtemp(join(tmpdir(), 'faultline-demos-it-'));
    });
    afterAll(async () => {
      await rm(out, { recursive: true, force: true });
    });

    it('caught in 3 runs of 3', async () => {
      const demo = REAL_DEMONSTRATIONS.find((d) => d.name === name);
      expect(demo, `${name} is a real demonstration`).toBeDefined();
      for (const seed of RUNS) {
        const dir = join(out, `${name}-${seed}`);
        const code = await runCommand(['--scenario', name, '--seed', String(seed), '--out', dir]);
        const written = JSON.parse(await readFile(join(dir, 'verdict.json'), 'utf8')) as {
          verdict: { valid: unknown; model: string; evidence?: unknown };
          timeline: { phase: string }[];
        };
        expect(code, `${name} seed ${seed}: exit`).toBe(1);
        expect(written.verdict.valid, `${name} seed ${seed}`).toBe(false);
        expect(written.verdict.model).toBe(demo?.expectedModel);
        expect(written.verdict.evidence, `${name} seed ${seed}: evidence`).toBeDefined();
        // The scripted nemesis ran (the lock demonstration's fault is the client's SIGSTOP instead).
        if (demo?.plan !== undefined) expect(written.timeline.filter((e) => e.phase === 'fault').length).toBeGreaterThan(0);
      }
    }, 240_000);
  });
}
