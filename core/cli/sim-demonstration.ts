/**
 * `faultline sim --scenario NAME` for a named demonstration (core/sim/demonstrations): the
 * demonstration fixes the mechanism, mode, bug and fault script, so only the seeds and the
 * output are chosen here. It sweeps 20 seeds unless told otherwise and ends with one line,
 * "caught on 20 of 20 seeds"; `--control` runs the same script with the bug off or in the
 * safe mode, which must pass on every seed.
 *
 * Exit: 1 the expected violation was found (the demonstration worked), 0 every seed passed
 * (a control that held), 2 unusable arguments, 3 a checker could not decide.
 */
import { writeFileSync } from 'node:fs';
import { type Demonstration } from '../sim/demonstrations/index';
import { expectedViolation, runDemonstration } from '../sim/demonstrations/run';
import { type SimReport, formatReport } from '../sim/report';

/** What a demonstration takes besides --scenario (anything else is fixed by it). */
const FLAGS = ['seed', 'seeds', 'history', 'mechanism'] as const;
const SWITCHES = ['json', 'control'] as const;

export interface DemonstrationArgs {
  firstSeed: number;
  seeds: number;
  json: boolean;
  control: boolean;
  historyFile: string | undefined;
}

/** Parses the arguments of a demonstration run; a string is the usage error. */
export function parseDemonstrationArgs(demo: Demonstration, args: readonly string[]): DemonstrationArgs | string {
  const values = new Map<string, string>();
  const switches = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (!arg.startsWith('--')) return `unexpected argument "${arg}"; flags start with --`;
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
    if ((SWITCHES as readonly string[]).includes(name)) {
      switches.add(name);
      continue;
    }
    const value = eq > 0 ? arg.slice(eq + 1) : args[++i];
    if (value === undefined) return `--${name} needs a value`;
    if (name === 'scenario') continue;
    if (!(FLAGS as readonly string[]).includes(name)) {
      return `--${name} cannot be set with --scenario ${demo.name}: the demonstration fixes the mechanism, mode, bug and faults; it takes ${[...FLAGS.filter((f) => f !== 'mechanism'), ...SWITCHES].map((f) => `--${f}`).join(', ')}`;
    }
    values.set(name, value);
  }
  const mechanism = values.get('mechanism');
  if (mechanism !== undefined && mechanism !== demo.mechanism) return `--scenario ${demo.name} runs --mechanism ${demo.mechanism}, not ${mechanism}`;
  const int = (flag: string, min: number): number | string => {
    const text = values.get(flag) as string;
    const n = Number(text);
    return Number.isInteger(n) && n >= min ? n : `--${flag} needs an integer >= ${min}, got "${text}"`;
  };
  const firstSeed = values.has('seed') ? int('seed', 0) : 1;
  if (typeof firstSeed === 'string') return firstSeed;
  // A demonstration is a sweep: 20 seeds unless one seed (or a count) was asked for.
  const seeds = values.has('seeds') ? int('seeds', 1) : values.has('seed') ? 1 : 20;
  if (typeof seeds === 'string') return seeds;
  return { firstSeed, seeds, json: switches.has('json'), control: switches.has('control'), historyFile: values.get('history') };
}

/** Runs the sweep and prints it; returns the exit code. */
export function runDemonstrationSweep(demo: Demonstration, a: DemonstrationArgs): number {
  const what = a.control ? `control of ${demo.name}: ${demo.control.summary}` : `${demo.name}: ${demo.summary}`;
  if (!a.json) console.log(`${what}\n  (${demo.mechanism}; the checker that must ${a.control ? 'pass' : 'catch it'}: ${demo.expectedModel})`);
  const caught: number[] = [];
  const violated: number[] = [];
  const undecided: number[] = [];
  let historyReport: SimReport | undefined;
  let shownFull = false;
  for (let seed = a.firstSeed; seed < a.firstSeed + a.seeds; seed++) {
    const report = runDemonstration(demo, { seed, control: a.control, keepHistory: a.historyFile !== undefined });
    const expected = expectedViolation(demo, report);
    if (expected !== undefined) caught.push(seed);
    if (report.outcome === 'violation') violated.push(seed);
    if (report.outcome === 'unknown') undecided.push(seed);
    if (a.historyFile !== undefined && (historyReport === undefined || (historyReport.outcome !== 'violation' && report.outcome === 'violation'))) historyReport = report;
    const { history: _history, ...printable } = report;
    if (a.json) {
      console.log(JSON.stringify(printable));
      continue;
    }
    // The first violation in full (its evidence and fault timeline), the others in one line each.
    if (report.outcome !== 'pass' && !shownFull) {
      shownFull = true;
      console.log(formatReport(report, 20));
    } else {
      const v = expected ?? report.verdicts.find((x) => x.valid !== true);
      const word = expected !== undefined ? 'caught' : report.outcome === 'pass' ? 'passed' : report.outcome;
      console.log(`  seed ${seed}: ${word}${v === undefined ? '' : `, ${v.model}: ${truncate(v.summary, 160)}`}`);
    }
  }
  if (historyReport?.history !== undefined && a.historyFile !== undefined) {
    writeFileSync(a.historyFile, historyReport.history.map((op) => JSON.stringify({ ...op, index: undefined })).join('\n') + '\n');
    process.stderr.write(`history of seed ${historyReport.seed} written to ${a.historyFile}\n`);
  }
  const range = `seeds ${a.firstSeed}..${a.firstSeed + a.seeds - 1}`;
  if (!a.json) {
    if (a.control) console.log(`control passed on ${a.seeds - violated.length - undecided.length} of ${a.seeds} seeds (${range})`);
    else console.log(`caught on ${caught.length} of ${a.seeds} seeds (${range}; checker ${demo.expectedModel})`);
    const missed = a.control ? violated : Array.from({ length: a.seeds }, (_, i) => a.firstSeed + i).filter((s) => !caught.includes(s));
    if (missed.length > 0) console.log(`${a.control ? 'VIOLATED' : 'MISSED'} on seeds ${missed.slice(0, 20).join(', ')}${missed.length > 20 ? ', ...' : ''}`);
  }
  return violated.length > 0 ? 1 : undecided.length > 0 ? 3 : 0;
}

function truncate(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n)}…`;
}
