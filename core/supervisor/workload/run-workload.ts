/**
 * One run: K clients drive a workload against the cluster at a shared rate while the
 * nemesis breaks things on its seeded schedule; the history goes to memory and a JSONL
 * file; a cheap checker watches the prefix live; at the end the nemesis heals everything,
 * the full checker judges the history, and availability / recovery / per-node load are
 * computed. The cluster itself is started and stopped by the caller.
 */
import { Prng } from '../../algorithms/common/prng';
import type { CheckBudget, Verdict } from '../../check/verdict';
import { Balancer } from '../../algorithms/balance';
import { ClusterClient, type BalancePolicy, type Endpoint } from '../cluster-client';
import { NodeLoad, type NodeLoadSummary } from '../node-load';
import { Nemesis, planNemesis, type FaultKind, type FaultTarget, type NemesisPeriod, type NemesisPlanOptions, type TimelineEvent } from '../nemesis';
import { computeAvailability, faultWindows, type AvailabilityReport, type FaultWindow } from './availability';
import type { AvailabilityFigures } from '../../protocol/figures';
import { DetectionWatch, type RestartEvents, type StatusEvents } from './detection';
import { computeFigures } from './figures';
import { HistoryRecorder, type HistoryCounts } from './history-recorder';
import type { TimelineLine } from '../../protocol/panel';
import { line, nemesisLine } from '../panel/timeline-line';
import { RateLimiter } from './rate-limiter';
import type { Caller, ClientContext, Workload } from './types';

/** A sleep that can be cancelled, so a run that ends early leaves no timer keeping the process alive. */
function timer(ms: number): { done: Promise<void>; cancel(): void } {
  let handle: NodeJS.Timeout | undefined;
  const done = new Promise<void>((resolve) => {
    handle = setTimeout(resolve, ms);
  });
  return { done, cancel: () => clearTimeout(handle) };
}

export interface RunTarget extends FaultTarget {
  endpoints(): Endpoint[];
  readonly token: string;
}

export interface RunProgress {
  readonly elapsedMs: number;
  readonly counts: HistoryCounts;
  readonly fault: string | undefined;
  /** The same as a coded line (what the panel translates). */
  readonly faultLine?: TimelineLine;
  /** Set once the live checker found a violation. */
  readonly liveViolation: string | undefined;
  /** The availability figures so far (with `liveFigures`). */
  readonly figures?: AvailabilityFigures;
}

export interface RunOptions {
  readonly workload: Workload;
  readonly clients: number;
  /** Operations per second over all clients. */
  readonly rate: number;
  readonly durationMs: number;
  readonly seed: number;
  readonly faults: readonly FaultKind[];
  readonly policy?: BalancePolicy;
  readonly historyFile?: string;
  /** Per-request timeout of each client (its outcome is then unknown). Default 1500 ms. */
  readonly clientTimeoutMs?: number;
  /** How often the live checker runs on the prefix. Default 3000 ms. */
  readonly liveCheckEveryMs?: number;
  /** Overrides for the nemesis plan (tests shorten periods). */
  readonly plan?: Partial<Pick<NemesisPlanOptions, 'baselineMs' | 'tailMs' | 'faultMs' | 'quietMs' | 'shapes'>>;
  readonly leader?: () => string | undefined;
  /** The panel's timeline (PanelApi.record). */
  readonly record?: (kind: string, text: string, coded: TimelineLine) => void;
  readonly onProgress?: (p: RunProgress) => void;
  /** Ends the run early (Ctrl-C): the nemesis heals, the history is checked as it is. */
  readonly signal?: AbortSignal;
  /** The final check's budget (time, memory); unset parts take the workload's defaults. */
  readonly checkBudget?: CheckBudget;
  /**
   * Names this run's clients (`TAG-c0`, ...: their at-most-once sessions on the cluster and
   * their lock owner names). Default `run<seed mod 100000>`. A cluster that served an earlier
   * run with the same names answers a repeated (client, seq) from its session table with the
   * earlier run's result, so a run on such a cluster needs a tag of its own.
   */
  readonly runTag?: string;
  /** The nodes' status reports (the Cluster), for the figures' time to detect. */
  readonly statusEvents?: StatusEvents;
  /** The self-heal policy in force, whose restarts the figures count. */
  readonly selfHeal?: RestartEvents;
  /** Compute the figures so far with each progress report (the panel shows them live). */
  readonly liveFigures?: boolean;
  /** Fault windows besides the nemesis's (faults made from the panel's buttons), on the run's clock. */
  readonly extraWindows?: () => readonly FaultWindow[];
  /** Makes clients for tests; a ClusterClient per client by default. */
  readonly makeCaller?: (name: string, index: number) => Caller & { close?(): void; load?: Map<string, number> };
}

export interface RunResult {
  readonly workload: string;
  readonly model: string;
  readonly seed: number;
  readonly durationMs: number;
  readonly verdict: Verdict;
  /** How long the final check took. */
  readonly checkMs: number;
  readonly live: { readonly checks: number; readonly firstViolationMs: number | null };
  readonly counts: HistoryCounts;
  readonly availability: AvailabilityReport;
  /** Failure rate, MTTD, MTTR, availability of requests and time (core/protocol/figures.ts). */
  readonly figures: AvailabilityFigures;
  readonly plan: readonly NemesisPeriod[];
  readonly timeline: readonly TimelineEvent[];
  /**
   * Load per node as the run's clients saw it (requests sent, ok, failed, latency p50/p99 of
   * every attempt), for every policy, so a slow node under round robin is visible.
   */
  readonly load: {
    readonly policy: BalancePolicy;
    readonly perNode: Record<string, NodeLoadSummary>;
    /** Each node's weight (weighted and ring policies, ring placement) as the cluster gave it at the end. */
    readonly weights: Record<string, number>;
  };
  readonly notes: string[];
  readonly unsupported?: string;
}

export async function runWorkload(target: RunTarget, options: RunOptions): Promise<RunResult> {
  const startNs = process.hrtime.bigint();
  const nowNs = (): number => Number(process.hrtime.bigint() - startNs);
  const nowMs = (): number => nowNs() / 1e6;
  const { workload } = options;
  const policy = options.policy ?? 'random';
  const recorder = new HistoryRecorder(nowNs, options.historyFile);
  const limiter = new RateLimiter(options.rate);
  const seeds = new Prng(options.seed);
  const plan = planNemesis({ seed: options.seed, faults: options.faults, nodes: target.ids, durationMs: options.durationMs, ...options.plan });
  const record = options.record;
  const nemesisOptions = { clock: nowMs, ...(options.leader ? { leader: options.leader } : {}), ...(record ? { record: (kind: string, text: string, event: TimelineEvent) => record(kind, text, nemesisLine(event)) } : {}) };
  const nemesis = new Nemesis(target, plan, nemesisOptions);
  let stopped = false;
  const runTag = options.runTag ?? `run${options.seed % 100_000}`;
  // One balancer and one load count for all the run's clients: the run is one client
  // application with K workers, and each worker has at most one request in flight.
  const balancer = new Balancer(policy, options.seed + 1);
  const nodeLoad = new NodeLoad();
  const detection = new DetectionWatch(options.statusEvents, nowMs, options.selfHeal);
  // The live figures walk the whole history: on a long, fast run they are recomputed at most
  // once per 20 times what the last computation took, so they never eat the event loop.
  let live: { figures: AvailabilityFigures; atMs: number; tookMs: number } | undefined;
  const liveFigures = (): AvailabilityFigures => {
    const at = nowMs();
    if (live && at - live.atMs < live.tookMs * 20) return live.figures;
    const started = performance.now();
    const figures = figuresNow(at);
    live = { figures, atMs: at, tookMs: performance.now() - started };
    return figures;
  };
  const figuresNow = (endMs: number): AvailabilityFigures =>
    computeFigures({ history: recorder.ops, windows: [...faultWindows(nemesis.timeline), ...(options.extraWindows?.() ?? [])], signals: detection.signals, restarts: detection.restarts, endMs });

  const callers = Array.from({ length: options.clients }, (_, i) => {
    const name = `${runTag}-c${i}`;
    return options.makeCaller?.(name, i) ??
      new ClusterClient({ endpoints: () => target.endpoints(), token: target.token, client: name, policy, seed: seeds.nextUint32(), balancer, nodeLoad, timeoutMs: options.clientTimeoutMs ?? 1_500 });
  });
  const errors: string[] = [];
  const contexts: ClientContext[] = callers.map((caller, i) => ({
    index: i,
    name: `${runTag}-c${i}`,
    caller,
    recorder,
    limiter,
    prng: seeds.fork(),
    clients: options.clients,
    stopped: () => stopped,
    nowMs,
    cluster: target,
    process: i,
  }));

  let liveChecks = 0;
  let firstViolationMs: number | null = null;
  let liveViolation: string | undefined;
  const liveCheck = (): void => {
    if (!workload.liveCheck || firstViolationMs !== null) return;
    liveChecks++;
    try {
      const v = workload.liveCheck(recorder.ops.slice());
      if (v.valid === false) {
        firstViolationMs = Math.round(nowMs());
        liveViolation = v.summary.split(':')[0];
        options.record?.('check', `live check: ${v.summary}`, line('check.live', {}, v.summary));
      }
    } catch (e) {
      errors.push(`live check failed: ${(e as Error).message}`);
    }
  };
  const progress = (): void => {
    const event = nemesis.currentEvent;
    options.onProgress?.({ elapsedMs: Math.round(nowMs()), counts: { ...recorder.counts }, fault: nemesis.current, ...(event ? { faultLine: nemesisLine(event) } : {}), liveViolation, ...(options.liveFigures ? { figures: liveFigures() } : {}) });
  };
  const progressTimer = setInterval(progress, 1_000);
  const liveTimer = setInterval(liveCheck, options.liveCheckEveryMs ?? 3_000);

  options.record?.('workload', `${workload.name} workload: ${options.clients} clients, ${options.rate} ops/s, ${options.durationMs / 1000} s, faults ${options.faults.join(',') || 'none'}, seed ${options.seed}`, line('workload.start', { workload: workload.name, clients: options.clients, rate: options.rate, seconds: options.durationMs / 1000, faults: options.faults.join(','), seed: options.seed }));
  nemesis.start();
  const running = contexts.map((ctx) =>
    workload.runClient(ctx).catch((e: unknown) => {
      errors.push(`client ${ctx.index} stopped: ${(e as Error).message}`);
    }),
  );
  const allDone = Promise.all(running);
  const aborted = new Promise<void>((resolve) => {
    if (options.signal?.aborted) resolve();
    options.signal?.addEventListener('abort', () => resolve(), { once: true });
  });
  const runTimer = timer(options.durationMs);
  await Promise.race([runTimer.done, allDone, aborted]);
  runTimer.cancel();
  stopped = true;
  clearInterval(progressTimer);
  clearInterval(liveTimer);
  await nemesis.stop();
  // In-flight operations finish (or time out); one that outlives the grace stays without a
  // completion, which the history format reads as "outcome unknown".
  const graceMs = (options.clientTimeoutMs ?? 1_500) * 3 + 1_000;
  const graceTimer = timer(graceMs);
  await Promise.race([allDone, graceTimer.done]);
  graceTimer.cancel();
  const endMs = nowMs();
  detection.close();
  progress();
  for (const c of callers) (c as { close?(): void }).close?.();
  await recorder.close();
  liveCheck();

  const checkStarted = performance.now();
  const verdict = workload.check(recorder.ops, options.checkBudget);
  const checkMs = Math.round(performance.now() - checkStarted);
  // Callers other than the run's ClusterClients (test fakes, a child process) report sends only.
  for (const c of callers) {
    if (c instanceof ClusterClient) continue;
    for (const [node, n] of (c as { load?: Map<string, number> }).load ?? []) nodeLoad.sent(node, n);
  }
  for (const [node, n] of Object.entries(workload.extraLoad?.() ?? {})) nodeLoad.sent(node, n);
  const perNode = nodeLoad.summary();
  const weights = Object.fromEntries(target.endpoints().map((e) => [e.id, e.weight ?? 1]));
  const notes = [...(workload.notes?.() ?? []), ...errors];
  if (options.signal?.aborted) notes.push(`the run was interrupted after ${Math.round(endMs / 1000)} s`);
  const result: RunResult = {
    workload: workload.name,
    model: workload.model,
    seed: options.seed,
    durationMs: Math.round(endMs),
    verdict,
    checkMs,
    live: { checks: liveChecks, firstViolationMs },
    counts: { ...recorder.counts },
    availability: computeAvailability(recorder.ops, faultWindows(nemesis.timeline), endMs),
    figures: figuresNow(endMs),
    plan,
    timeline: nemesis.timeline,
    load: { policy, perNode, weights },
    notes,
  };
  return workload.unsupported === undefined ? result : { ...result, unsupported: workload.unsupported };
}
