import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRunArgs } from '../../core/cli/commands/run';
import { resolveRunScenario } from '../../core/cli/run-demonstration';
import { parseServeArgs } from '../../core/cli/commands/serve';

// Every command the README shows in a shell block works when pasted as written: the quick
// ones run here as real processes and exit as their comment says ("exit N", else 0); the
// long-running ones are listed below with the reason, and their arguments must still parse.
// A shell line that is neither run nor listed fails, so a new README command gets checked.

const root = join(__dirname, '..', '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string>; bin: Record<string, string> };

/** Subcommands that end by themselves within seconds: run, as the README writes them. */
const RUN_HERE = new Set(['check', 'sim']);

/** README commands not run here, each with why; their arguments are still parsed below. */
const LONG_RUNNING: Record<string, string> = {
  'npx faultline run --workload register --time 20 --placement range --split-keys 2': 'a 20 s real cluster (test/integration/range-placement.test.ts: ranges split during the run, linearizable)',
  'npx faultline serve --nodes 5 --mode paxos --time-scale 3 --data ./lab-data': 'serves until Ctrl-C (test/integration/serve.test.ts, up-data-dir.test.ts)',
  'npx faultline serve --host 192.168.1.20': 'serves until Ctrl-C, on an address this machine need not have (test/integration/serve.test.ts)',
  'npx faultline serve --self-heal 2000': 'serves until Ctrl-C (self-heal from the panel: test/integration/panel-api.test.ts; the policy: self-heal.test.ts)',
  'npx faultline run --workload register --nemesis kill --time 30 --self-heal 1000': 'a 30 s real cluster (the policy on real processes: test/integration/self-heal.test.ts)',
  'npx faultline run --workload register --nemesis kill,partition --time 30 --mode quorum': 'a 30 s real cluster (test/integration/run.test.ts)',
  'npx faultline run --workload txn --nemesis kill --time 20': 'a 20 s real cluster (transactions under kill -9: test/integration/guarantees.test.ts)',
  'npx faultline run --workload txn --mode classic,sharded --nemesis kill --time 20 --seed 77': 'two 20 s real clusters (sharded under kill -9: test/integration/txn-sharded.test.ts)',
  'npx faultline run --workload txn --mode classic,paxos,3pc,sharded --nemesis kill,partition,delay --time 30 --seed 5150': 'four 30 s real clusters (the comparison table: test/unit/run-txn-modes.test.ts; paxos mode on real nodes: test/integration/txn-coordinator-kill.test.ts)',
  'npx faultline run --workload txn --nemesis all --time 90 --seed 5150 --lock-policy wound-wait': 'a 90 s real cluster (the lock rules: test/unit/twopc-lock-policies.test.ts; measured in docs/TRANSACTIONS.md)',
  'npx faultline run --scenario async-loss': 'a 12 s real cluster (test/integration/demonstrations/: caught in 3 runs of 3)',
  'npx faultline run --scenario sloppy-stale-read': 'a 12 s real cluster (test/integration/demonstrations/: caught in 3 runs of 3)',
  'npx faultline run --scenario unfenced-lock': 'a 12 s real cluster (test/integration/demonstrations/: caught in 3 runs of 3)',
  'npx faultline run --scenario 3pc-split-brain': 'a 24 s real cluster (test/integration/demonstrations/: caught in 3 runs of 3)',
  'npx faultline run --workload txn --mode 3pc --nemesis kill --time 20': 'a 20 s real cluster (test/integration/txn-3pc.test.ts: 3pc under kill -9, atomic and strict-serializable)',
  'npx faultline run --scenario semi-sync-loss': 'a 16 s real cluster (test/integration/demonstrations/: caught in 3 runs of 3; the fallback itself: test/integration/semi-sync.test.ts)',
  'npx faultline run --workload lock --gc-pause 3000 --gc-sigstop --time 20': 'a 20 s real cluster (test/integration/run.test.ts: SIGSTOP past the lease)',
  'npx faultline run --workload lock --gc-pause 3000 --gc-sigstop --no-fencing --time 20': 'a 20 s real cluster (test/integration/run.test.ts: SIGSTOP past the lease)',
  'npx faultline run --workload register --time 20 --policy weighted --weights n2=2': 'a 20 s real cluster (test/integration/balance.test.ts: weighted sends n2 twice the requests)',
  'npx faultline run --workload register --time 20 --policy round-robin --slow-node n2=200': 'a 20 s real cluster (measured in docs/BENCHMARKS.md, balancing with one slow node)',
  'npx faultline run --workload register --time 20 --policy least-outstanding --slow-node n2=200': 'a 20 s real cluster (test/integration/balance.test.ts: least-outstanding sends a slowed node less)',
};

/** Shell lines that are not `npx faultline`: not run here (they install, build or test everything). */
const OTHER_COMMANDS: Record<string, string> = {
  'npm ci && npm start': 'installs, then runs the app until it is closed (test/integration/start-fallback.test.ts)',
  'npm ci && npm test': 'the whole suite, this file included',
  'npm run bench': 'minutes of benchmarks on a shared machine',
};

/** How a long-running subcommand validates its arguments without starting anything. */
const PARSERS: Record<string, (args: string[]) => unknown> = { serve: parseServeArgs, up: parseServeArgs, run: parseRunWithScenario };

/** `run --scenario NAME` stands for the demonstration's own flags: those must parse. */
function parseRunWithScenario(args: string[]): unknown {
  const scenario = resolveRunScenario(args);
  if (scenario.kind === 'error') return scenario.message;
  return parseRunArgs(scenario.kind === 'demo' ? scenario.args : args);
}

interface ShellLine {
  command: string;
  comment: string;
}

/** The lines of the README's sh/bash/shell code blocks, split from their trailing `# comment`. */
function shellLines(markdown: string): ShellLine[] {
  const lines: ShellLine[] = [];
  for (const block of markdown.matchAll(/^```(?:sh|bash|shell)\n([\s\S]*?)^```/gm)) {
    for (const raw of block[1]!.split('\n')) {
      const line = raw.trim();
      if (line === '' || line.startsWith('#')) continue;
      const hash = line.search(/\s#\s/);
      lines.push(hash < 0 ? { command: line, comment: '' } : { command: line.slice(0, hash).trim(), comment: line.slice(hash).replace(/^\s*#\s*/, '') });
    }
  }
  return lines;
}

interface FaultlineCommand extends ShellLine {
  args: string[];
  expectedExit: number;
}

function faultlineCommand(line: ShellLine): FaultlineCommand {
  // Plain words only: a README command with quotes, pipes or variables needs a real shell here.
  if (/["'`$|&;<>\\]/.test(line.command)) throw new Error(`README command needs a shell to split: ${line.command}`);
  const exit = /\bexit (\d)\b/.exec(line.comment);
  return { ...line, args: line.command.split(/\s+/).slice(2), expectedExit: exit ? Number(exit[1]) : 0 };
}

const lines = shellLines(readme);
const faultline = lines.filter((l) => l.command.startsWith('npx faultline ')).map(faultlineCommand);
const runHere = faultline.filter((c) => RUN_HERE.has(c.args[0]!) && !(c.command in LONG_RUNNING));
const listed = faultline.filter((c) => c.command in LONG_RUNNING);

interface Outcome {
  status: number | null;
  stdout: string;
  stderr: string;
}

function runFaultline(args: string[], cwd: string): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'bin', 'faultline.mjs'), ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/** Runs the jobs two at a time (the machine has 2 cores, shared). */
async function inPairs<T, R>(items: T[], job: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await job(items[i]!);
    }
  };
  await Promise.all([worker(), worker()]);
  return results;
}

describe('the README shell blocks', () => {
  it('has commands to check, and every line is run here or listed with a reason', () => {
    expect(runHere.length).toBeGreaterThanOrEqual(10);
    const unaccounted = lines.filter((l) => {
      if (l.command in OTHER_COMMANDS || l.command in LONG_RUNNING) return false;
      if (!l.command.startsWith('npx faultline ')) return true;
      return !RUN_HERE.has(l.command.split(/\s+/)[2]!);
    });
    expect(unaccounted.map((l) => l.command), 'README commands neither run by this test nor listed as long-running').toEqual([]);
    const commands = new Set(lines.map((l) => l.command));
    const stale = [...Object.keys(LONG_RUNNING), ...Object.keys(OTHER_COMMANDS)].filter((c) => !commands.has(c));
    expect(stale, 'listed commands the README no longer shows').toEqual([]);
  });

  it('names only npm scripts that exist, and `npx faultline` is this package`s bin', () => {
    expect(pkg.bin['faultline']).toBe('bin/faultline.mjs');
    const named = [...readme.matchAll(/\bnpm run ([\w:-]+)/g)].map((m) => m[1]!);
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((s) => !(s in pkg.scripts))).toEqual([]);
    for (const s of ['start', 'test']) expect(pkg.scripts[s]).toBeDefined();
  });

  it.each(listed.map((c) => [c.command, c] as const))('long-running %s: its arguments parse', (_, c) => {
    const parse = PARSERS[c.args[0]!];
    expect(parse, `no argument parser known for "faultline ${c.args[0]}"`).toBeDefined();
    const parsed = parse!(c.args.slice(1));
    expect(typeof parsed, `faultline ${c.args[0]} rejects the README's arguments: ${String(parsed)}`).toBe('object');
  });
});

describe('the README faultline commands, run as written (real processes)', () => {
  let scratch: string;
  let outcomes: Outcome[];
  let helps: Outcome[];
  const longSubcommands = [...new Set(listed.map((c) => c.args[0]!))];

  beforeAll(async () => {
    // The commands name examples/ relative to the repository root and may write files
    // (--html stale.html): they run in a scratch copy, removed afterwards.
    scratch = mkdtempSync(join(tmpdir(), 'faultline-readme-'));
    cpSync(join(root, 'examples'), join(scratch, 'examples'), { recursive: true });
    outcomes = await inPairs(runHere, (c) => runFaultline(c.args, scratch));
    helps = await inPairs(longSubcommands, (sub) => runFaultline([sub, '--help'], scratch));
  }, 180_000);

  afterAll(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it.each(runHere.map((c, i) => [c.command, c, i] as const))('%s', (_, c, i) => {
    const o = outcomes[i]!;
    expect(o.status, `exit ${o.status}, README says ${c.expectedExit}\nstdout: ${o.stdout.slice(-1500)}\nstderr: ${o.stderr.slice(-1500)}`).toBe(c.expectedExit);
    const html = c.args.indexOf('--html');
    if (html >= 0) expect(existsSync(join(scratch, c.args[html + 1]!)), 'the --html page was written').toBe(true);
  });

  it('prints the --help of each long-running command and exits 0', () => {
    expect(longSubcommands.length).toBeGreaterThan(0);
    longSubcommands.forEach((sub, i) => {
      expect(helps[i]!.status, `faultline ${sub} --help: ${helps[i]!.stderr}`).toBe(0);
      expect(helps[i]!.stdout).toContain(`usage: faultline ${sub}`);
    });
  });
});
