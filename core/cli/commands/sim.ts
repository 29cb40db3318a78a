/**
 * `faultline sim`: runs a mechanism in the deterministic simulator under a seeded fault
 * schedule and judges the recorded history with the checkers. One seed determines the
 * whole run; a failure prints the command that replays it.
 *
 * Exit: 0 every check passed, 1 a violation was found, 2 unusable arguments, 3 a checker
 * could not decide in time (and nothing was violated).
 */
import { writeFileSync } from 'node:fs';
import { MECHANISMS, mechanismNames } from '../../sim/mechanisms/index';
import { type SimOptions, type SimReport, formatReport } from '../../sim/report';
import { SCENARIOS, scenarioNames } from '../../sim/scenarios';
import { DEMONSTRATIONS, findDemonstration } from '../../sim/demonstrations/index';
import { parseDemonstrationArgs, runDemonstrationSweep } from '../sim-demonstration';
import { FAULT_KINDS, type FaultKind } from '../../sim/timeline';

export const summary = 'run a mechanism in the deterministic simulator under seeded faults and check it';

const BUGS = {
  'forget-promise': 'Paxos acceptors forget their promise on restart',
  'pick-any-value': 'a new Paxos leader re-proposes any accepted value, not the highest-ballot one',
  unfenced: 'the lock resource accepts writes with stale fencing tokens',
  'stale-reads': 'register reads are answered from any replica\'s local state, without the log',
} as const;
type BugName = keyof typeof BUGS;

class UsageError extends Error {}

interface Parsed {
  mechanism: string;
  firstSeed: number;
  seeds: number;
  json: boolean;
  historyFile: string | undefined;
  opts: SimOptions & Record<string, unknown>;
}

function help(): string {
  const lines = [
    'usage: faultline sim --mechanism NAME [--seed N] [--seeds M] [--nodes N] [--faults LIST] [--ops N]',
    '                     [--clients K] [--scenario NAME] [--bug NAME] [--no-assertions] [--json] [--history FILE]',
    '       faultline sim --scenario DEMONSTRATION [--seed N] [--seeds M (default 20)] [--control] [--json] [--history FILE]',
    '',
    'Demonstrations (each fixes mechanism, mode, bug and a fault script; its anomaly shows on every seed;',
    '--control runs the same script with the bug off or in the safe mode, which must pass):',
    ...DEMONSTRATIONS.map((d) => `  ${d.name.padEnd(20)} ${d.summary}`),
    '',
    '  --mechanism   one of: ' + mechanismNames().join(', '),
    '  --seed N      the seed (default 1); with --seeds M, runs seeds N..N+M-1',
    '  --nodes N     cluster size (default 5)',
    `  --faults L    comma list of ${FAULT_KINDS.join(', ')}, or "all" (default) or "none"`,
    '  --ops N       client operations per run (default 200)',
    '  --clients K   concurrent client processes (default 4)',
    '  --scenario S  a named fault schedule: ' + scenarioNames().filter((n) => findDemonstration(n) === undefined).map((n) => `${n} (${SCENARIOS[n]?.summary})`).join('; '),
    '  --bug B       a deliberate defect (negative control), repeatable: ' + Object.keys(BUGS).join(', '),
    '  --no-assertions  Paxos replicas skip their invariant assertions (so a --bug reaches the checkers)',
    '  --json        one JSON report per seed on stdout',
    '  --history F   write the history (JSON lines) of the first failing run, or of the last run, to F',
  ];
  for (const name of mechanismNames()) {
    const flags = MECHANISMS[name]?.flags ?? {};
    for (const [flag, f] of Object.entries(flags)) lines.push(`  --${flag.padEnd(11)} (${name}) ${f.summary}`);
  }
  lines.push('', 'exit: 0 all checks passed, 1 a violation, 2 bad arguments, 3 a checker ran out of time or memory');
  return lines.join('\n');
}

function integer(flag: string, text: string | undefined, min: number): number {
  const n = Number(text);
  if (text === undefined || !Number.isInteger(n) || n < min) {
    throw new UsageError(`${flag} needs an integer >= ${min}, got ${text === undefined ? 'nothing' : `"${text}"`}`);
  }
  return n;
}

function camel(flag: string): string {
  return flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

export function parseSimArgs(args: readonly string[]): Parsed {
  const values = new Map<string, string>();
  const bugs: BugName[] = [];
  let json = false;
  let noAssertions = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--json') {
      json = true;
      continue;
    }
    if (arg === '--no-assertions') {
      noAssertions = true;
      continue;
    }
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument "${arg}"; flags start with --`);
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
    const value = eq > 0 ? arg.slice(eq + 1) : args[++i];
    if (value === undefined) throw new UsageError(`--${name} needs a value`);
    if (name === 'bug') {
      for (const b of value.split(',')) {
        if (!(b in BUGS)) throw new UsageError(`unknown --bug "${b}"; valid: ${Object.keys(BUGS).join(', ')}`);
        bugs.push(b as BugName);
      }
      continue;
    }
    values.set(name, value);
  }
  const mechanism = values.get('mechanism');
  if (mechanism === undefined) throw new UsageError(`--mechanism is required; valid: ${mechanismNames().join(', ')}`);
  const mech = MECHANISMS[mechanism];
  if (mech === undefined) throw new UsageError(`unknown mechanism "${mechanism}"; valid: ${mechanismNames().join(', ')}`);

  const faultsText = values.get('faults') ?? 'all';
  let faults: FaultKind[];
  if (faultsText === 'all') faults = [...FAULT_KINDS];
  else if (faultsText === 'none' || faultsText === '') faults = [];
  else {
    faults = [];
    for (const f of faultsText.split(',')) {
      if (!(FAULT_KINDS as readonly string[]).includes(f)) throw new UsageError(`unknown fault "${f}"; valid: ${FAULT_KINDS.join(', ')} (or all, none)`);
      if (!faults.includes(f as FaultKind)) faults.push(f as FaultKind);
    }
  }
  const opts: SimOptions & Record<string, unknown> = {
    seed: values.has('seed') ? integer('--seed', values.get('seed'), 0) : 1,
    faults,
    ops: values.has('ops') ? integer('--ops', values.get('ops'), 1) : 200,
  };
  if (values.has('nodes')) opts.nodes = integer('--nodes', values.get('nodes'), 1);
  if (values.has('clients')) opts.clients = integer('--clients', values.get('clients'), 1);
  const scenario = values.get('scenario');
  // Mechanisms may have scenarios of their own, so each one validates the name (and the
  // run below turns its error into exit 2).
  if (scenario !== undefined) opts.scenario = scenario;
  if (bugs.length > 0) {
    const controls: NonNullable<SimOptions['controls']> = {};
    const paxosBugs: NonNullable<NonNullable<SimOptions['controls']>['paxosBugs']> = {};
    for (const b of bugs) {
      if (b === 'forget-promise') paxosBugs.forgetPromiseOnRestart = true;
      else if (b === 'pick-any-value') paxosBugs.pickAnyAcceptedValue = true;
      else if (b === 'unfenced') controls.unfenced = true;
      else controls.staleReads = true;
    }
    if (Object.keys(paxosBugs).length > 0) controls.paxosBugs = paxosBugs;
    opts.controls = controls;
  }
  if (noAssertions) opts.controls = { ...opts.controls, assertionsOff: true };
  const known = new Set(['mechanism', 'seed', 'seeds', 'nodes', 'faults', 'ops', 'clients', 'scenario', 'history']);
  for (const [name, text] of values) {
    if (known.has(name)) continue;
    const flag = mech.flags?.[name];
    if (flag === undefined) {
      const theirs = Object.keys(mech.flags ?? {}).map((f) => `--${f}`);
      throw new UsageError(`unknown flag --${name} for mechanism ${mechanism}; valid: ${[...known, 'bug', 'no-assertions', 'json'].map((f) => `--${f}`).concat(theirs).join(', ')}`);
    }
    try {
      opts[camel(name)] = flag.parse(text);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }
  return {
    mechanism,
    firstSeed: opts.seed,
    seeds: values.has('seeds') ? integer('--seeds', values.get('seeds'), 1) : 1,
    json,
    historyFile: values.get('history'),
    opts,
  };
}

/** 0 pass, 1 a violation (an invariant stop included), 3 undecided: unknown is no pass. */
export function exitCode(r: SimReport): number {
  return r.outcome === 'violation' ? 1 : r.outcome === 'unknown' ? 3 : 0;
}

export async function run(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    console.log(help());
    return 0;
  }
  const demo = demonstrationIn(args);
  if (demo !== undefined) {
    const a = parseDemonstrationArgs(demo, args);
    if (typeof a === 'string') {
      console.error(`faultline sim: ${a}\n\n${help()}`);
      return 2;
    }
    return runDemonstrationSweep(demo, a);
  }
  let parsed: Parsed;
  try {
    parsed = parseSimArgs(args);
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`faultline sim: ${e.message}\n\n${help()}`);
      return 2;
    }
    throw e;
  }
  const mech = MECHANISMS[parsed.mechanism];
  if (mech === undefined) return 2;
  let worst = 0;
  const failing: number[] = [];
  const undecided: number[] = [];
  let historyReport: SimReport | undefined;
  let lastProgressAt = performance.now();
  for (let seed = parsed.firstSeed; seed < parsed.firstSeed + parsed.seeds; seed++) {
    const opts = { ...parsed.opts, seed, keepHistory: parsed.historyFile !== undefined };
    let report: SimReport;
    try {
      report = mech.run(opts, (p) => {
        const now = performance.now();
        if (now - lastProgressAt < 1000) return;
        lastProgressAt = now;
        process.stderr.write(`sim ${parsed.mechanism} seed=${p.seed}: ${p.opsDone}/${p.opsTotal} ops, ${p.faults} faults, ${(p.simulatedMs / 1000).toFixed(1)} s simulated\n`);
      });
    } catch (e) {
      // Options a mechanism rejects (a bad scenario name, an impossible cluster size).
      console.error(`faultline sim: ${(e as Error).message}`);
      return 2;
    }
    const code = exitCode(report);
    if (code === 1) failing.push(seed);
    if (code === 3) undecided.push(seed);
    worst = code === 1 || worst === 1 ? 1 : Math.max(worst, code);
    if (parsed.historyFile !== undefined && (historyReport === undefined || historyReport.outcome !== 'violation')) historyReport = report;
    const { history: _history, ...printable } = report;
    if (parsed.json) console.log(JSON.stringify(printable));
    else if (!report.ok || parsed.seeds === 1) console.log(formatReport(report));
    else if (parsed.seeds > 1 && (seed - parsed.firstSeed) % 50 === 49) {
      process.stderr.write(`sim ${parsed.mechanism}: ${seed - parsed.firstSeed + 1}/${parsed.seeds} seeds done, ${failing.length} failing\n`);
    }
  }
  if (historyReport?.history !== undefined && parsed.historyFile !== undefined) {
    writeFileSync(parsed.historyFile, historyReport.history.map((op) => JSON.stringify({ ...op, index: undefined })).join('\n') + '\n');
    process.stderr.write(`history of seed ${historyReport.seed} written to ${parsed.historyFile}\n`);
  }
  if (parsed.seeds > 1 && !parsed.json) {
    console.log(
      failing.length === 0 && undecided.length === 0
        ? `all ${parsed.seeds} seeds passed (${parsed.firstSeed}..${parsed.firstSeed + parsed.seeds - 1})`
        : [
            failing.length > 0 ? `${failing.length} of ${parsed.seeds} seeds FAILED: ${listSeeds(failing)}` : '',
            undecided.length > 0 ? `${undecided.length} of ${parsed.seeds} seeds UNKNOWN (a checker could not decide): ${listSeeds(undecided)}` : '',
          ]
            .filter(Boolean)
            .join('\n'),
    );
  }
  return worst;
}

/** The demonstration `--scenario NAME` (or `--scenario=NAME`) names, if it names one. */
function demonstrationIn(args: readonly string[]): ReturnType<typeof findDemonstration> {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const name = arg === '--scenario' ? args[i + 1] : arg.startsWith('--scenario=') ? arg.slice('--scenario='.length) : undefined;
    if (name !== undefined) return findDemonstration(name);
  }
  return undefined;
}

function listSeeds(seeds: readonly number[]): string {
  return `${seeds.slice(0, 20).join(', ')}${seeds.length > 20 ? ', ...' : ''}`;
}
