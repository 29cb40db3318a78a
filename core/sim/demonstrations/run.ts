/**
 * Runs a named demonstration (or its control) for one seed: the mechanism with the
 * demonstration's options and its script (found by the mechanism under the scenario name).
 * The report's replay line is the demonstration's own command.
 */
import { MECHANISMS } from '../mechanisms/index';
import type { SimProgress, SimReport } from '../report';
import type { Demonstration } from './types';

export interface DemonstrationRun {
  readonly seed: number;
  /** Run the control (bug off / safe mode) instead. */
  readonly control?: boolean;
  readonly keepHistory?: boolean;
}

export function runDemonstration(demo: Demonstration, run: DemonstrationRun, onProgress?: (p: SimProgress) => void): SimReport {
  const mechanism = MECHANISMS[demo.mechanism];
  if (mechanism === undefined) throw new Error(`demonstration ${demo.name} names an unknown mechanism "${demo.mechanism}"`);
  const options = { ...demo.options, ...(run.control === true ? demo.control.options : {}) };
  const report = mechanism.run({ ...options, scenario: demo.name, seed: run.seed, keepHistory: run.keepHistory === true }, onProgress);
  report.replay = `faultline sim --scenario ${demo.name} --seed ${run.seed}${run.control === true ? ' --control' : ''}`;
  return report;
}

/** The verdict of the expected model, if it found the violation. */
export function expectedViolation(demo: Demonstration, report: SimReport): SimReport['verdicts'][number] | undefined {
  return report.verdicts.find((v) => v.model === demo.expectedModel && v.valid === false);
}
