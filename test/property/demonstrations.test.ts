/**
 * The named demonstrations in the simulator (core/sim/demonstrations): each shows its
 * anomaly on EVERY seed of a 20-seed sweep, reported by its checker model with evidence,
 * and its control (the same fault script with the bug off, or in the safe mode) passes on
 * every seed. A demonstration added to the registry is swept here without a new test.
 */
import { describe, expect, it } from 'vitest';
import { DEMONSTRATIONS } from '../../core/sim/demonstrations/index';
import { expectedViolation, runDemonstration } from '../../core/sim/demonstrations/run';
import { findDemonstration } from '../../core/sim/demonstrations/index';
import { parseSimArgs } from '../../core/cli/commands/sim';
import { findLostWrites } from '../../core/sim/mechanisms/semi-sync';
import { parseDemonstrationArgs } from '../../core/cli/sim-demonstration';

const SEEDS = Array.from({ length: 20 }, (_, i) => i + 1);

describe('named demonstrations: the anomaly on every seed, the control on none', () => {
  it.each(DEMONSTRATIONS.map((d) => [d.name, d] as const))('%s: caught on 20 of 20 seeds; its control passes on 20 of 20', (name, demo) => {
    const missed: number[] = [];
    for (const seed of SEEDS) {
      const report = runDemonstration(demo, { seed });
      const v = expectedViolation(demo, report);
      if (v === undefined) missed.push(seed);
      else {
        expect(report.outcome).toBe('violation');
        expect(v.evidence, `${name} seed ${seed}: the violation carries its evidence`).toBeDefined();
      }
      expect(report.replay).toBe(`faultline sim --scenario ${name} --seed ${seed}`);
    }
    expect(missed, `${name}: seeds where ${demo.expectedModel} caught nothing`).toEqual([]);
    const violated: string[] = [];
    for (const seed of SEEDS) {
      const report = runDemonstration(demo, { seed, control: true });
      if (report.outcome !== 'pass') violated.push(`${seed}: ${report.verdicts.filter((x) => x.valid !== true).map((x) => `${x.model}: ${x.summary}`).join('; ')}`);
    }
    expect(violated, `${name}: control seeds that did not pass`).toEqual([]);
  }, 120_000);

  it('semi-sync-loss: the seeds it once missed (writes to the struck key through a returning backup overtook the lost versions before any read) are caught, their controls pass', () => {
    const demo = findDemonstration('semi-sync-loss')!;
    for (const seed of [253, 1024, 1063]) {
      const report = runDemonstration(demo, { seed, keepHistory: true });
      expect(expectedViolation(demo, report), `seed ${seed}`).toBeDefined();
      // The scenario's own reads (process -1) of the struck key, through a returning backup, see the loss by themselves.
      const writesAndScenarioReads = (report.history ?? []).filter((op) => op.f === 'write' || op.process === -1);
      expect(findLostWrites(writesAndScenarioReads).aloneLost, `seed ${seed}: the scenario's reads missed a write acknowledged alone`).toBeGreaterThan(0);
      expect(runDemonstration(demo, { seed, control: true }).outcome, `seed ${seed} control`).toBe('pass');
    }
  });

  it('a seed replays the same run', () => {
    for (const demo of DEMONSTRATIONS) {
      const a = runDemonstration(demo, { seed: 7, keepHistory: true });
      const b = runDemonstration(demo, { seed: 7, keepHistory: true });
      expect(b.verdicts, demo.name).toEqual(a.verdicts);
      expect(b.history, demo.name).toEqual(a.history);
    }
  });

  it('the command line: a demonstration fixes everything but the seeds and the output', () => {
    const demo = findDemonstration('async-loss')!;
    expect(parseDemonstrationArgs(demo, ['--scenario', 'async-loss'])).toEqual({ firstSeed: 1, seeds: 20, json: false, control: false, historyFile: undefined });
    expect(parseDemonstrationArgs(demo, ['--scenario', 'async-loss', '--seed', '5'])).toMatchObject({ firstSeed: 5, seeds: 1 });
    expect(parseDemonstrationArgs(demo, ['--scenario=async-loss', '--seeds', '40', '--control'])).toMatchObject({ firstSeed: 1, seeds: 40, control: true });
    expect(parseDemonstrationArgs(demo, ['--scenario', 'async-loss', '--mechanism', 'replication'])).toMatchObject({ seeds: 20 });
    expect(parseDemonstrationArgs(demo, ['--scenario', 'async-loss', '--mode', 'quorum'])).toMatch(/--mode cannot be set with --scenario async-loss/);
    expect(parseDemonstrationArgs(demo, ['--scenario', 'async-loss', '--mechanism', 'paxos'])).toMatch(/runs --mechanism replication/);
    expect(parseDemonstrationArgs(demo, ['--scenario', 'async-loss', '--seeds', '0'])).toMatch(/--seeds needs an integer >= 1/);
    // The fault schedules of core/sim/scenarios.ts stay what they were.
    expect(parseSimArgs(['--mechanism', 'paxos', '--scenario', 'bridge-amnesia', '--bug', 'forget-promise']).opts).toMatchObject({ scenario: 'bridge-amnesia' });
  });
});
