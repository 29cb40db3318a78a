/**
 * `faultline run`: a Jepsen-style test on a real local cluster. Starts the nodes, drives a
 * workload with a seeded nemesis, checks the history, reports availability and recovery,
 * stops the nodes. Exit codes follow DESIGN.md (0 valid, 1 violation, 2 bad arguments,
 * 3 the checker ran out of time or memory).
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { CheckBudget } from '../../check/verdict';
import { DEFAULT_MAX_MEMORY_MB, parseCheckBudget } from '../check-budget';
import { BALANCE_POLICIES, type BalancePolicy } from '../../supervisor/cluster-client';
import { Cluster } from '../../supervisor/cluster';
import { parseSlowNode, withSlowNode, type SlowNode } from '../../supervisor/workload/slow-node';
import { parseNodeWeights } from '../../protocol/weights';
import { SelfHeal } from '../../supervisor/self-heal';
import { SELF_HEAL_HELP, takeSelfHeal } from '../self-heal-arg';
import { createDataDir } from '../../supervisor/data-dir';
import { LeaderTracker } from '../../supervisor/leader-tracker';
import { withAtomicity } from '../../supervisor/workload/txn-atomicity';
import { FAULT_KINDS, parseFaultList, type FaultKind } from '../../supervisor/nemesis';
import { formatReport, reportJson, verdictWord, type ReportHeader } from '../../supervisor/workload/report';
import { runWorkload, type RunProgress } from '../../supervisor/workload/run-workload';
import { DEFAULT_TXN_BACKOFF, TxnWorkload, type BackoffOptions } from '../../supervisor/workload/txn';
import { LOCK_POLICIES, type LockPolicy } from '../../algorithms/twopc/lock-table';
import { formatModeComparison, worstExitCode, type ModeRun } from '../../supervisor/workload/mode-comparison';
import { makeWorkload } from '../../supervisor/workload/make-workload';
import { CONSISTENCY_MODELS, isConsistencyModel, type ConsistencyModel } from '../../check/txn-models';
import { KV_MODES, LINEARIZABLE_KV_MODES, PLACEMENTS, TXN_MODES, oneOf, type KvMode, type Placement, type TxnMode } from '../../protocol/modes';
import { newestRanges, rangeLines, writtenKeys } from '../../supervisor/workload/range-lines';

import { demonstrationOutcome, resolveRunScenario } from '../run-demonstration';
import { REAL_DEMONSTRATIONS, type RealDemonstration } from '../../supervisor/demos/index';

export const summary = 'run a workload against a real local cluster under a seeded nemesis and check the history';

const WORKLOADS = ['register', 'lock', 'txn'] as const;
type WorkloadName = (typeof WORKLOADS)[number];
const MODES = KV_MODES;
/** Modes whose key-value registers promise linearizability. */
const LINEARIZABLE_MODES = LINEARIZABLE_KV_MODES;
type Mode = KvMode;

const help = `usage: faultline run --workload register|lock|txn [--nemesis kill,pause,partition,...] [--time 30]
                     [--nodes 5] [--clients 8] [--rate 200] [--mode quorum|paxos|async|sloppy|semi-sync | txn: classic|paxos,...]
                     [--policy random|round-robin|weighted|least-outstanding|ring] [--weights n2=2,...] [--slow-node n2=MS] [--no-fencing] [--gc-pause MS] [--gc-sigstop]
                     [--ttl MS] [--consistency MODEL] [--lock-policy P] [--backoff on|off|auto] [--timeout S] [--max-memory MB] [--out DIR] [--seed N]
                     [--placement hash|range] [--split-keys N]
                     [--self-heal [MS]]
       faultline run --scenario ${REAL_DEMONSTRATIONS.map((d) => d.name).join('|')} [--seed N] [--out DIR]
                     (a named demonstration: it fixes workload, mode and a scripted nemesis, and
                     shows its anomaly every time, exit 1; protocol-bug scenarios are simulator only)

Starts a cluster of node processes, drives the workload with K concurrent clients at a
shared rate while the nemesis injects faults on a schedule drawn from the seed, then checks
the whole history, and prints the verdict and the availability figures: requests answered
(ok, or refused by design such as a conflict abort) vs unavailable, available time, faults
per hour, mean time to detect and to recover, per fault and for the run. Writes
history.jsonl, verdict.json and report.txt to --out.

  --workload W    register (read/write/cas/append, linearizability), lock (leased locks with
                  fencing tokens and a protected resource, lock safety) or txn (list-append
                  transactions, serializability)
  --nemesis F,..  faults to draw from: ${FAULT_KINDS.join(', ')}; or all, none (default none)
  --time S        run length in seconds (default 30)
  --nodes N       cluster size, 3..9 (default 5)
  --clients K     concurrent clients, 1..64 (default 8)
  --rate R        operations per second over all clients (default 200)
  --mode M        register and lock workloads: how nodes serve key-value requests (default
                  quorum): quorum (ABD majority register: read/write only, linearizable),
                  paxos (every op through the Paxos log: read/write/cas/append,
                  linearizable), async and sloppy (fast, NOT linearizable: the negative
                  controls), semi-sync (a primary acknowledges once a backup has the write,
                  alone after a timeout: NOT linearizable; --scenario semi-sync-loss shows
                  the write it loses). txn workload: how transactions decide, one of
                  ${TXN_MODES.join(', ')} (default classic; classic = the coordinator decides
                  alone, paxos = the decision is a value in the nodes' Paxos log), or a
                  comma list (classic,paxos): each mode runs in turn on a fresh cluster with
                  the same seed and nemesis, then one comparison table is printed
  --lock-policy P txn workload: what a participant does when a transaction finds a key
                  locked: ${LOCK_POLICIES.join(', ')} (default no-wait: abort at once; wait-die:
                  an older transaction waits, a younger one aborts; wound-wait: an older one
                  aborts a younger holder that has not voted yet, a younger one waits; age =
                  the transaction's start, kept across the client's retries)
  --backoff B     txn workload: on (after an abort a client waits a random time, up to
                  ${DEFAULT_TXN_BACKOFF.baseMs} ms doubling per abort in a row, at most ${DEFAULT_TXN_BACKOFF.capMs} ms, before its next
                  transaction), off (retry at once) or auto (default: on unless no-wait)
  --placement P   how the replicas place keys: ${PLACEMENTS.join(', ')} (default hash). range:
                  ordered key ranges on N=3 nodes each; a range whose first owner stores
                  more than --split-keys keys (default 64) splits at its median key through
                  the Paxos log; the report lists the ranges and splits at the end
  --policy P      client load balancing: ${BALANCE_POLICIES.join(', ')} (default random).
                  weighted: smooth weighted round robin by node weight; least-outstanding:
                  the node with the fewest of the run's requests in flight (ties at random);
                  ring: the key's owner. The report gives load per node for every policy
                  (sent, share, ok, failed, latency p50/p99)
  --weights W     node weights, id=weight pairs (n2=2,n3=0.5; others 1, each at most 100):
                  the ring gives a node of weight w w times the virtual nodes (about w times
                  the keys), and the weighted policy w times the requests
  --slow-node N=MS  every message node N sends its peers leaves MS ms late for the whole run
                  (put back after every heal): a slow but correct node, to compare policies
  --no-fencing    lock workload: the resource accepts stale tokens (the negative control)
  --gc-pause MS   lock workload: client 0 stalls MS after each grant, between its lease
                  check and its write (a stop-the-world GC pause)
  --gc-sigstop    with --gc-pause: client 0 runs as its own process and the stall is a
                  real SIGSTOP/SIGCONT of that process (default: it sleeps in this one)
  --ttl MS        lock workload: lease length (default 1500)
  --consistency M txn workload: the model the history must satisfy (default strict-serializable,
                  which 2PC with strict two-phase locking promises) or any other model that
                  \`faultline check --consistency\` takes
  --timeout S     the checker's time budget in seconds (default 20); past it the verdict is
                  unknown (exit 3)
  --max-memory MB the checker's memory ceiling (default ${DEFAULT_MAX_MEMORY_MB}); reaching it gives
                  unknown (exit 3), never a crash
  --out DIR       where to write the results (default: a new temp directory, printed)
  --seed N        seed for the nemesis schedule and the clients (default: random, printed)
${SELF_HEAL_HELP}

Exit status: 0 every guarantee the mode promises held; 1 a violation was found (in the
async, sloppy and semi-sync modes a register violation is the EXPECTED behaviour — those modes do not
promise linearizability — and is reported as such, but the exit status is still 1);
2 unusable arguments, or the cluster does not support the workload (UNSUPPORTED);
3 the checker ran out of time or memory before a verdict (see --timeout, --max-memory);
4 the cluster did not start (nothing was checked).`;

type Parsed = {
  /** Set by --scenario NAME: its flags are already in the rest; its plan shapes the nemesis. */
  demo?: RealDemonstration;
  workload: WorkloadName;
  faults: FaultKind[];
  timeS: number;
  nodes: number;
  clients: number;
  rate: number;
  /** The KV mode the nodes run (txn runs: quorum). */
  mode: Mode;
  /** txn workload: the transaction modes to run, in turn (one unless a comma list). */
  txnModes: TxnMode[];
  /** txn workload: what participants do on a lock conflict (node --lock-policy). */
  lockPolicy: LockPolicy;
  /** txn workload: the clients' back-off after an abort (undefined: retry at once). */
  backoff?: BackoffOptions;
  policy: BalancePolicy;
  /** How the replicas place keys (--placement), and range placement's split threshold. */
  placement: Placement;
  splitKeys?: number;
  /** Node weights other than 1 (--weights). */
  weights: Record<string, number>;
  slowNode: SlowNode | undefined;
  fencing: boolean;
  gcPauseMs: number;
  gcSigstop: boolean;
  ttlMs: number;
  out: string | undefined;
  seed: number;
  checkBudget: CheckBudget;
  /** txn: the model the history is checked against (default strict-serializable). */
  consistency?: ConsistencyModel;
  /** The self-heal policy's delay; null: off. */
  selfHealMs: number | null;
};

function intIn(name: string, text: string | undefined, lo: number, hi: number): number | string {
  const n = Number(text);
  if (text === undefined || !Number.isInteger(n) || n < lo || n > hi) return `--${name} must be an integer from ${lo} to ${hi}, got "${text}"`;
  return n;
}

/** Parses and validates; a string is the message for a bad argument. */
export function parseRunArgs(allArgs: string[]): Parsed | string | 'help' {
  const selfHeal = takeSelfHeal(allArgs);
  if (typeof selfHeal === 'string') return selfHeal;
  const args = selfHeal.args;
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        workload: { type: 'string' },
        nemesis: { type: 'string', default: 'none' },
        time: { type: 'string', default: '30' },
        nodes: { type: 'string', default: '5' },
        clients: { type: 'string', default: '8' },
        rate: { type: 'string', default: '200' },
        mode: { type: 'string' },
        policy: { type: 'string', default: 'random' },
        placement: { type: 'string', default: 'hash' },
        'split-keys': { type: 'string' },
        weights: { type: 'string' },
        'slow-node': { type: 'string' },
        'no-fencing': { type: 'boolean', default: false },
        'gc-pause': { type: 'string', default: '0' },
        'gc-sigstop': { type: 'boolean', default: false },
        ttl: { type: 'string', default: '1500' },
        out: { type: 'string' },
        seed: { type: 'string' },
        timeout: { type: 'string' },
        'max-memory': { type: 'string' },
        consistency: { type: 'string' },
        'lock-policy': { type: 'string', default: 'no-wait' },
        backoff: { type: 'string', default: 'auto' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    return (e as Error).message;
  }
  if (values.help) return 'help';
  if (values.workload === undefined) return `--workload is required: one of ${WORKLOADS.join(', ')}`;
  if (!(WORKLOADS as readonly string[]).includes(values.workload)) return `--workload must be one of ${WORKLOADS.join(', ')}, got "${values.workload}"`;
  const txnModes: TxnMode[] = [];
  if (values.workload === 'txn') {
    for (const m of (values.mode ?? 'classic').split(',')) {
      if (!(TXN_MODES as readonly string[]).includes(m)) return `--mode with --workload txn must be one of ${TXN_MODES.join(', ')} (or a comma list of them), got "${m}"`;
      if (txnModes.includes(m as TxnMode)) return `--mode lists ${m} twice`;
      txnModes.push(m as TxnMode);
    }
  } else if (!(MODES as readonly string[]).includes(values.mode ?? 'quorum')) return `--mode must be one of ${MODES.join(', ')}, got "${values.mode}"`;
  const placement = oneOf(PLACEMENTS, values.placement);
  if (placement === undefined) return `--placement must be one of ${PLACEMENTS.join(', ')}, got "${values.placement}"`;
  const splitKeys = values['split-keys'] === undefined ? undefined : intIn('split-keys', values['split-keys'], 1, 1_000_000);
  if (typeof splitKeys === 'string') return splitKeys;
  if (splitKeys !== undefined && placement !== 'range') return '--split-keys only applies to --placement range';
  if (!(BALANCE_POLICIES as readonly string[]).includes(values.policy!)) return `--policy must be one of ${BALANCE_POLICIES.join(', ')}, got "${values.policy}"`;
  const faults = parseFaultList(values.nemesis!);
  if (!faults.ok) return `--nemesis: ${faults.message}`;
  const timeS = intIn('time', values.time, 1, 3600);
  const nodes = intIn('nodes', values.nodes, 3, 9);
  const clients = intIn('clients', values.clients, 1, 64);
  const rate = intIn('rate', values.rate, 1, 100_000);
  const gcPauseMs = intIn('gc-pause', values['gc-pause'], 0, 600_000);
  const ttlMs = intIn('ttl', values.ttl, 10, 600_000);
  const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : intIn('seed', values.seed, 0, 2 ** 31 - 1);
  for (const v of [timeS, nodes, clients, rate, gcPauseMs, ttlMs, seed]) if (typeof v === 'string') return v;
  const ids = Array.from({ length: nodes as number }, (_, i) => `n${i + 1}`);
  const weights = parseNodeWeights(values.weights ?? '', ids);
  if (typeof weights === 'string') return `--weights: ${weights}`;
  const slowNode = values['slow-node'] === undefined ? undefined : parseSlowNode(values['slow-node'], ids);
  if (typeof slowNode === 'string') return slowNode;
  const checkBudget = parseCheckBudget(values.timeout, values['max-memory']);
  if (typeof checkBudget === 'string') return checkBudget;
  if (values.workload !== 'lock' && (values['no-fencing'] || gcPauseMs !== 0 || values['gc-sigstop'])) return '--no-fencing, --gc-pause and --gc-sigstop only apply to --workload lock';
  const consistency = values.consistency;
  if (consistency !== undefined && values.workload !== 'txn') return '--consistency only applies to --workload txn';
  const lockPolicy = LOCK_POLICIES.find((x) => x === values['lock-policy']);
  if (lockPolicy === undefined) return `--lock-policy must be one of ${LOCK_POLICIES.join(', ')}, got "${values['lock-policy']}"`;
  if (!['on', 'off', 'auto'].includes(values.backoff!)) return `--backoff must be on, off or auto, got "${values.backoff}"`;
  if (values.workload !== 'txn' && (lockPolicy !== 'no-wait' || values.backoff !== 'auto')) return '--lock-policy and --backoff only apply to --workload txn';
  // Sharded shards take their locks at PREPARE, ordered by their logs: a conflict votes no, so
  // nothing waits and no policy chooses. Said, not ignored (a comparison run notes it per mode).
  if (lockPolicy !== 'no-wait' && txnModes.length > 0 && txnModes.every((m) => m === 'sharded')) {
    return `--lock-policy ${lockPolicy} does not apply to --mode sharded: its shards lock at prepare, through their Paxos logs, and a conflict votes no (no transaction waits for a lock)`;
  }
  const backoff = values.backoff === 'on' || (values.backoff === 'auto' && lockPolicy !== 'no-wait');
  if (consistency !== undefined && !isConsistencyModel(consistency)) return `--consistency must be one of ${CONSISTENCY_MODELS.join(', ')}, got "${consistency}"`;
  if (values['gc-sigstop'] && gcPauseMs === 0) return '--gc-sigstop needs --gc-pause MS (how long the client process stays stopped)';
  return {
    workload: values.workload as WorkloadName,
    faults: faults.faults,
    timeS: timeS as number,
    nodes: nodes as number,
    clients: clients as number,
    rate: rate as number,
    mode: (values.workload === 'txn' ? 'quorum' : (values.mode ?? 'quorum')) as Mode,
    txnModes,
    lockPolicy: lockPolicy as LockPolicy,
    ...(backoff ? { backoff: DEFAULT_TXN_BACKOFF } : {}),
    policy: values.policy as BalancePolicy,
    placement,
    ...(splitKeys !== undefined ? { splitKeys } : {}),
    weights,
    slowNode,
    fencing: !values['no-fencing'],
    gcPauseMs: gcPauseMs as number,
    gcSigstop: values['gc-sigstop'] === true,
    ttlMs: ttlMs as number,
    out: values.out,
    seed: seed as number,
    checkBudget,
    ...(consistency !== undefined && isConsistencyModel(consistency) ? { consistency } : {}),
    selfHealMs: selfHeal.delayMs,
  };
}

function progressLine(p: RunProgress): string {
  const c = p.counts;
  return `[${(p.elapsedMs / 1000).toFixed(0).padStart(3)}s] ops ok ${c.ok} fail ${c.fail} info ${c.info}  fault: ${p.fault ?? 'none'}${p.liveViolation ? `  LIVE CHECK: ${p.liveViolation}` : ''}`;
}

export async function run(rawArgs: string[]): Promise<number> {
  const scenario = resolveRunScenario(rawArgs);
  if (scenario.kind === 'error') {
    console.error(`faultline run: ${scenario.message}`);
    return 2;
  }
  const args = scenario.kind === 'demo' ? scenario.args : rawArgs;
  if (scenario.kind === 'demo') console.error(`faultline run --scenario ${scenario.demo.name}: ${scenario.demo.summary}\n  = faultline run ${scenario.args.join(' ')}`);
  const parsed = parseRunArgs(args);
  if (parsed === 'help') {
    console.log(help);
    return 0;
  }
  if (typeof parsed === 'string') {
    console.error(`faultline run: ${parsed}\n\n${help}`);
    return 2;
  }
  const p: Parsed = scenario.kind === 'demo' ? { ...parsed, demo: scenario.demo } : parsed;
  const outDir = p.out !== undefined ? resolve(p.out) : await mkdtemp(join(tmpdir(), 'faultline-run-'));
  await mkdir(outDir, { recursive: true });
  if (p.workload !== 'txn' || p.txnModes.length === 1) return (await runOnce(p, outDir, p.txnModes[0])).code;
  // Side by side: each mode on a fresh cluster, same seed and nemesis, one table at the end.
  const rows: ModeRun[] = [];
  for (const mode of p.txnModes) {
    const dir = join(outDir, mode);
    await mkdir(dir, { recursive: true });
    rows.push({ mode, ...(await runOnce(p, dir, mode)) });
    if (rows.at(-1)!.interrupted) break;
  }
  const table = formatModeComparison(rows);
  await writeFile(join(outDir, 'comparison.txt'), `${table}\n`);
  console.log(`\n${table}`);
  console.log(`results: ${outDir} (one folder per mode, comparison.txt)`);
  return worstExitCode(rows.map((r) => r.code));
}

/** One run on a fresh cluster; `txnMode` for the txn workload. */
async function runOnce(p: Parsed, outDir: string, txnMode: TxnMode | undefined): Promise<Omit<ModeRun, 'mode'>> {
  const data = await createDataDir(undefined, 'faultline-data-');
  const dataDir = data.path;
  const policy = txnMode === 'sharded' ? 'locks at prepare (no lock policy applies)' : `lock policy ${p.lockPolicy}`;
  const shownMode = txnMode === undefined ? p.mode : `${txnMode}, ${policy}, back-off ${p.backoff ? 'on' : 'off'}`;
  console.error(`faultline run: ${p.workload} workload, ${p.nodes} nodes, mode ${shownMode}, nemesis ${p.faults.join(',') || 'none'}, seed ${p.seed}; results in ${outDir}`);

  // Ctrl-C ends the run early but still heals, checks, reports and stops every node.
  const interrupt = new AbortController();
  const onSigint = (): void => {
    console.error('faultline run: interrupted; healing, checking what was recorded, stopping the nodes …');
    interrupt.abort();
  };
  process.once('SIGINT', onSigint);
  let cluster: Cluster;
  try {
    const nodeArgs = [
      '--mode',
      p.mode,
      ...(txnMode !== undefined ? ['--txn-mode', txnMode, '--lock-policy', p.lockPolicy] : []),
      ...(p.placement !== 'hash' ? ['--placement', p.placement] : []),
      ...(p.splitKeys !== undefined ? ['--split-keys', String(p.splitKeys)] : []),
    ];
    cluster = await Cluster.start({ nodes: p.nodes, dataDir, nodeArgs, weights: p.weights });
  } catch (e) {
    process.off('SIGINT', onSigint);
    console.error(`faultline run: the cluster did not start: ${(e as Error).message}`);
    await data.dispose();
    // Not a verdict: nothing was checked. 4 keeps it apart from "a violation was found".
    return { code: 4, interrupted: interrupt.signal.aborted };
  }
  const tracker = new LeaderTracker(cluster, () => cluster.endpoints().map((e) => e.id));
  const selfHeal = p.selfHealMs === null ? undefined : new SelfHeal(cluster, p.selfHealMs);
  selfHeal?.on('restarting', (r) => console.error(`self-heal: restarting ${r.node} (down for ${r.delayMs} ms)`));
  selfHeal?.on('failed', (r) => console.error(`self-heal: the restart of ${r.node} failed: ${r.message}`));
  const header: ReportHeader = { nodes: p.nodes, mode: shownMode, clients: p.clients, rate: p.rate, faults: p.faults };
  const workload = makeWorkload(p);
  try {
    if (p.slowNode) console.error(`faultline run: ${p.slowNode.node} is slow: every message it sends its peers leaves ${p.slowNode.delayMs} ms late`);
    // A demonstration's script strikes at moments the nodes report (demos/types.ts).
    const stopScript = p.demo?.script?.({ onEvents: (listener) => cluster.on('events', listener), cutLinks: (links) => cluster.cutLinks(links), say: (line) => console.error(line), kill: (id) => cluster.kill(id), restart: (id) => cluster.restart(id) });
    const ran = await runWorkload(p.slowNode ? withSlowNode(cluster, p.slowNode) : cluster, {
      signal: interrupt.signal,
      workload,
      clients: p.clients,
      rate: p.rate,
      durationMs: p.timeS * 1000,
      seed: p.seed,
      faults: p.faults,
      policy: p.policy,
      historyFile: join(outDir, 'history.jsonl'),
      leader: () => tracker.leader(),
      onProgress: (pr) => console.error(progressLine(pr)),
      checkBudget: p.checkBudget,
      statusEvents: cluster,
      ...(selfHeal ? { selfHeal } : {}),
      ...(p.demo?.plan ? { plan: p.demo.plan } : {}),
    });
    stopScript?.();
    // Transactions: atomicity too, from what every node made durable (txn-atomicity.ts).
    const result = workload instanceof TxnWorkload ? await withAtomicity(ran, cluster) : ran;
    const ranges = newestRanges(cluster.views().map((v) => v.status));
    const text = [formatReport(result, header), ...rangeLines(ranges, 12, ranges ? await writtenKeys(join(outDir, 'history.jsonl')) : undefined)].join('\n');
    await writeFile(join(outDir, 'verdict.json'), `${JSON.stringify(reportJson(result, header), null, 2)}\n`);
    await writeFile(join(outDir, 'report.txt'), `${text}\n`);
    console.log(text);
    console.log(`results: ${outDir} (history.jsonl, verdict.json, report.txt); replay the schedule with --seed ${p.seed}`);
    if (p.demo) console.log(demonstrationOutcome(p.demo, result.verdict));
    const done = (code: number): Omit<ModeRun, 'mode'> => ({ code, result, interrupted: interrupt.signal.aborted, ...(workload instanceof TxnWorkload ? { txn: { ...workload.tally } } : {}) });
    if (result.unsupported !== undefined) return done(2);
    if (result.verdict.valid === 'unknown') return done(3);
    if (result.verdict.valid === false) {
      if (p.workload === 'register' && !LINEARIZABLE_MODES.includes(p.mode)) {
        console.log(`(expected: mode ${p.mode} does not promise linearizability; this violation is the behaviour the mode trades for speed/availability. Exit status 1 all the same.)`);
      }
      return done(1);
    }
    if (p.workload === 'register' && !LINEARIZABLE_MODES.includes(p.mode)) console.log(`(mode ${p.mode} does not promise linearizability; none was broken in this run)`);
    console.log(`${verdictWord(result.verdict)}`);
    return done(0);
  } finally {
    process.off('SIGINT', onSigint);
    tracker.close();
    selfHeal?.close();
    await cluster.stop();
    await data.dispose();
  }
}
