/**
 * The real cluster on loopback: Faultline with 3 and 5 node processes in Paxos mode and,
 * when an `etcd` binary is on the PATH, a 3-member etcd measured by the same loops
 * (cluster-measures.ts) in the same run, with Faultline/etcd ratios next to the goals.
 * Goals are printed, never asserted: this machine is shared and noisy (PEERS.md).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { bundleIsFresh } from '../supervisor/node-bundle';
import {
  coldStart,
  failover,
  lockCycles,
  percentile,
  rssMb,
  sequentialLatencies,
  throughput,
  type BenchSystem,
  type SystemLauncher,
} from './cluster-measures';
import { etcdLauncher } from './etcd/etcd-system';
import { findEtcd } from './etcd/etcd-cluster';
import { LOCK_POLL_MS, faultlineLauncher } from './faultline-system';
import { summarize, type BenchContext, type BenchSuite, type Measurement } from './harness';

/**
 * One repetition = a fresh cluster of each system, measured once on every count. The
 * systems take turns within a repetition and the order flips every repetition, so a
 * change in the machine's load (other engineers) does not fall on one system only.
 */
interface Plan {
  repetitions: number;
  latencyOps: number;
  throughputMs: number;
  lockMs: number;
  /** Spread over the repetitions (each kill needs a restart, so they are the slow part). */
  failovers: number;
}

const FULL: Plan = { repetitions: 3, latencyOps: 200, throughputMs: 2_000, lockMs: 2_000, failovers: 5 };
const QUICK: Plan = { repetitions: 1, latencyOps: 100, throughputMs: 1_500, lockMs: 1_500, failovers: 2 };

/** Samples of one system, keyed by measure; medians and spread are taken at the end. */
type Samples = Map<MeasureKey, number[]>;
type MeasureKey = 'cold' | 'p50' | 'p99' | 'tp16' | 'tp64' | 'lock1' | 'lock8' | 'failover' | 'rss' | 'clientCpu';

interface SystemRun {
  readonly label: string;
  readonly kind: 'faultline' | 'etcd';
  readonly members: number;
  readonly launcher: SystemLauncher;
  readonly samples: Samples;
  readonly errors: string[];
}

function push(s: Samples, key: MeasureKey, ...values: number[]): void {
  const list = s.get(key) ?? [];
  list.push(...values.filter((v) => Number.isFinite(v)));
  s.set(key, list);
}

/** Runs one step; a failure is noted and the rest of the suite goes on. */
async function attempt(run: SystemRun, what: string, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    run.errors.push(`${what}: ${(e as Error).message}`);
  }
}

/** How many of `total` failovers repetition `rep` of `reps` does (spread evenly). */
function failoversIn(total: number, rep: number, reps: number): number {
  return Math.floor((total * (rep + 1)) / reps) - Math.floor((total * rep) / reps);
}

async function repetition(ctx: BenchContext, plan: Plan, run: SystemRun, rep: number): Promise<void> {
  const say = (m: string): void => ctx.progress(`${run.label} (${rep + 1}/${plan.repetitions}): ${m}`);
  say('cold start');
  let system: BenchSystem;
  try {
    const started = await coldStart(run.launcher, run.members);
    push(run.samples, 'cold', started.ms);
    system = started.system;
  } catch (e) {
    run.errors.push(`start: ${(e as Error).message}`);
    return;
  }
  try {
    say('sequential latency');
    await attempt(run, 'latency', async () => {
      const lat = await sequentialLatencies(system, plan.latencyOps);
      push(run.samples, 'p50', percentile(lat, 50));
      push(run.samples, 'p99', percentile(lat, 99));
    });
    for (const inFlight of [16, 64] as const) {
      say(`throughput, ${inFlight} in flight`);
      await attempt(run, `throughput ${inFlight}`, async () => {
        const t = await throughput(system, inFlight, plan.throughputMs);
        push(run.samples, inFlight === 16 ? 'tp16' : 'tp64', t.opsPerSecond);
        push(run.samples, 'clientCpu', t.clientCpuCores);
      });
    }
    for (const clients of [1, 8] as const) {
      say(`lock cycles, ${clients} client(s)`);
      await attempt(run, `locks ${clients}`, async () => {
        push(run.samples, clients === 1 ? 'lock1' : 'lock8', await lockCycles(system, clients, plan.lockMs, `bench-lock-${clients}`));
      });
    }
    say('memory');
    await attempt(run, 'rss', async () => push(run.samples, 'rss', ...(await rssMb(system))));
    const kills = failoversIn(plan.failovers, rep, plan.repetitions);
    for (let i = 0; i < kills; i++) {
      say(`failover ${i + 1}/${kills}`);
      await attempt(run, 'failover', async () => push(run.samples, 'failover', await failover(system)));
    }
  } finally {
    await system.stop().catch((e: unknown) => run.errors.push(`stop: ${(e as Error).message}`));
  }
}

/** Rebuilds the node bundle when it is missing or stale, so nodes start without tsx. */
function ensureBundle(ctx: BenchContext): string {
  if (process.env['FAULTLINE_NODE_RUNNER'] === 'tsx') return 'tsx (FAULTLINE_NODE_RUNNER=tsx)';
  if (!bundleIsFresh()) {
    ctx.progress('building dist/node-main.mjs (npm run build:node)');
    const script = fileURLToPath(new URL('../../scripts/build-node.mjs', import.meta.url));
    const r = spawnSync(process.execPath, [script], { encoding: 'utf8' });
    if (r.status !== 0 || !bundleIsFresh()) return `tsx (bundle build failed: ${(r.stderr || r.error?.message || '').trim().slice(0, 120)})`;
  }
  // Pin the bundle built now for the whole suite, even if a source is edited meanwhile.
  process.env['FAULTLINE_NODE_RUNNER'] = 'bundle';
  return 'bundle (dist/node-main.mjs)';
}

interface MeasureDef {
  readonly key: MeasureKey;
  readonly title: string;
  readonly unit: string;
  /** How a Faultline/etcd ratio reads against the goal; undefined: no etcd goal. */
  readonly goal?: { readonly higherIsBetter: boolean; readonly ratio: number; readonly text: string };
  /** An absolute goal on Faultline's own value. */
  readonly absolute?: (v: number, run: SystemRun) => string | undefined;
}

const MEASURES: readonly MeasureDef[] = [
  { key: 'cold', title: 'cold start (launch -> all ready + leader)', unit: 'ms', absolute: (v, r) => (r.members === 5 ? `goal < 2000 ms: ${v < 2000 ? 'met' : 'MISSED'}` : undefined) },
  { key: 'p50', title: 'sequential put latency p50', unit: 'ms', goal: { higherIsBetter: false, ratio: 0.5, text: 'aim <= 0.5x etcd (PEERS.md)' } },
  { key: 'p99', title: 'sequential put latency p99', unit: 'ms' },
  { key: 'tp16', title: 'put throughput, 16 in flight', unit: 'ops/s', goal: { higherIsBetter: true, ratio: 1, text: 'goal >= 1x etcd' } },
  { key: 'tp64', title: 'put throughput, 64 in flight', unit: 'ops/s', goal: { higherIsBetter: true, ratio: 1, text: 'goal >= 1x etcd (aim 3x)' } },
  { key: 'clientCpu', title: 'bench client CPU during throughput', unit: 'cores' },
  { key: 'lock1', title: 'lock acquire+release, 1 client', unit: 'cycles/s', goal: { higherIsBetter: true, ratio: 1, text: 'goal >= 1x etcd' } },
  { key: 'lock8', title: 'lock cycles, 8 clients contending 1 lock', unit: 'cycles/s', goal: { higherIsBetter: true, ratio: 1, text: 'goal >= 1x etcd' } },
  { key: 'failover', title: 'failover: kill -9 leader -> next write', unit: 'ms', goal: { higherIsBetter: false, ratio: 1, text: 'goal < 1x etcd defaults' } },
  { key: 'rss', title: 'RSS per member after the run', unit: 'MB', absolute: (v, r) => (r.kind === 'faultline' ? `goal < 80 MB: ${v < 80 ? 'met' : 'MISSED'}` : undefined) },
];

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

function report(runs: readonly SystemRun[], runner: string, etcdVersion: string | undefined): Measurement[] {
  const etcd = runs.find((r) => r.kind === 'etcd');
  const out: Measurement[] = [];
  for (const run of runs) {
    for (const def of MEASURES) {
      const samples = run.samples.get(def.key);
      if (!samples || samples.length === 0) continue;
      const name = `${run.label}: ${def.title}`;
      const notes: string[] = [];
      if (def.key === 'failover') notes.push(`max ${Math.round(Math.max(...samples))} ms`);
      if (def.key === 'lock8' && run.kind === 'faultline') notes.push(`queued acquires wait in line on the node (polling every ${LOCK_POLL_MS} ms only if a wait is lost)`);
      if (def.key === 'lock8' && run.kind === 'etcd') notes.push('v3lock waits in line');
      if (def.key === 'cold' && run.kind === 'faultline') notes.push(`nodes run from ${runner}`);
      if (def.key === 'cold' && run.kind === 'etcd') notes.push(`etcd ${etcdVersion ?? '?'}, default timing (heartbeat 100 ms, election 1000 ms), fsync per commit`);
      const mine = median(samples);
      const theirs = etcd?.samples.get(def.key);
      if (run.kind === 'faultline' && def.goal && theirs && theirs.length > 0) {
        const ratio = mine / median(theirs);
        const met = def.goal.higherIsBetter ? ratio >= def.goal.ratio : ratio < def.goal.ratio;
        notes.push(`${ratio.toFixed(2)}x etcd; ${def.goal.text}: ${met ? 'met' : 'MISSED'}`);
      }
      const abs = def.absolute?.(mine, run);
      if (abs) notes.push(abs);
      out.push(summarize(name, def.unit, samples, notes.length > 0 ? notes.join('; ') : undefined));
    }
    for (const e of run.errors) {
      out.push({ name: `${run.label}: FAILED step`, unit: '', median: Number.NaN, min: Number.NaN, max: Number.NaN, runs: 0, note: e });
    }
  }
  return out;
}

const suite: BenchSuite = {
  name: 'cluster: Faultline (Multi-Paxos, fsync per commit) vs etcd on loopback',
  async run(ctx) {
    const plan = ctx.quick ? QUICK : FULL;
    const runner = ensureBundle(ctx);
    const etcd = findEtcd();
    const runs: SystemRun[] = [
      { label: 'faultline-3', kind: 'faultline', members: 3, launcher: faultlineLauncher, samples: new Map(), errors: [] },
      { label: 'faultline-5', kind: 'faultline', members: 5, launcher: faultlineLauncher, samples: new Map(), errors: [] },
    ];
    if (etcd) runs.push({ label: 'etcd-3', kind: 'etcd', members: 3, launcher: etcdLauncher, samples: new Map(), errors: [] });
    else ctx.progress('no etcd on the PATH: Faultline only, no ratios');
    for (let rep = 0; rep < plan.repetitions; rep++) {
      const order = rep % 2 === 0 ? runs : [...runs].reverse();
      for (const run of order) await repetition(ctx, plan, run, rep);
    }
    return report(runs, runner, etcd?.version);
  },
};

export default suite;
