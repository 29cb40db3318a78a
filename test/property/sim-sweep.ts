/**
 * Shared by the simulator's property tests: run a mechanism over a range of seeds with
 * every fault on, collect the failing ones with their replay command and first violation.
 * FAULTLINE_SIM_SEED_BASE shifts the range (explore new schedules locally without editing
 * the test); FAULTLINE_SIM_SCALE multiplies the number of seeds.
 */
import { MECHANISMS } from '../../core/sim/mechanisms/index';
import type { SimOptions } from '../../core/sim/report';

export const SEED_BASE = Number(process.env.FAULTLINE_SIM_SEED_BASE ?? 0);
export const SCALE = Number(process.env.FAULTLINE_SIM_SCALE ?? 1);

export interface SweepFailure {
  seed: number;
  replay: string;
  violation: string;
}

/**
 * `failures` holds the seeds that found a violation AND those a checker could not decide
 * (unknown is no pass), each saying which; `unknowns` counts the latter on their own.
 */
export function sweep(mechanism: string, firstSeed: number, count: number, opts: Omit<SimOptions, 'seed'>): { runs: number; ops: number; faults: number; failures: SweepFailure[]; unknowns: number } {
  const m = MECHANISMS[mechanism];
  if (m === undefined) throw new Error(`no mechanism ${mechanism}`);
  const failures: SweepFailure[] = [];
  let ops = 0;
  let faults = 0;
  let unknowns = 0;
  const n = Math.max(1, Math.round(count * SCALE));
  for (let seed = SEED_BASE + firstSeed; seed < SEED_BASE + firstSeed + n; seed++) {
    const r = m.run({ ...opts, seed, keepHistory: false });
    ops += r.ops;
    faults += r.faults.length;
    if (r.outcome === 'unknown') unknowns++;
    if (!r.ok) {
      const v = r.verdicts.find((x) => x.valid === false) ?? r.verdicts.find((x) => x.valid === 'unknown');
      failures.push({ seed, replay: r.replay, violation: `${r.outcome} ${v?.model}: ${v?.summary}` });
    }
  }
  return { runs: n, ops, faults, failures, unknowns };
}
