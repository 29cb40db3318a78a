/**
 * A workload started from the panel: the same runner, workloads, nemesis and checkers as
 * `faultline run` (core/supervisor/workload/*), inside the Lab against its current
 * cluster. While it runs, the history file is read every second for live figures; at the
 * end (the set duration, or workload-stop) the nemesis heals, the checker judges the
 * whole history, and the verdict with its evidence becomes the workload state. The
 * history stays downloadable until the next run.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { readFile, rm } from 'node:fs/promises';
import type { RunTarget } from '../workload/run-workload';
import { runWorkload, type RunResult } from '../workload/run-workload';
import { makeWorkload } from '../workload/make-workload';
import type { BackoffOptions } from '../workload/txn';

const backoffOf = (b: BackoffOptions | undefined): { backoff?: BackoffOptions } => (b ? { backoff: b } : {});
import type { FaultWindow, Tally } from '../workload/availability';
import type { RestartEvents, StatusEvents } from '../workload/detection';
import type { HistoryOpView, ResourceWrite, TimelineKind, TimelineLine, VerdictView, WorkloadSample, WorkloadSettings, WorkloadState } from '../../protocol/panel';
import { HistoryTail } from './history-tail';
import type { ResourceFigures } from './lock-watch';
import { line } from './timeline-line';
import { withRegisterContext } from '../../check/register-context';
import { parseHistoryText } from '../../check/history-format';
import type { Verdict } from '../../check/verdict';

/** A run "until stopped" still ends after an hour. */
const MAX_RUN_MS = 3_600_000;
const BASE_CLIENT_TIMEOUT_MS = 1_500;
const KEEP_RESOURCE_WRITES = 50;

export class PanelError extends Error {
  constructor(
    readonly code: 'NO_CLUSTER' | 'BUSY' | 'NO_LEADER',
    message: string,
  ) {
    super(message);
  }
}

export interface PanelWorkloadDeps {
  /** The cluster to run against, when one is running. */
  target(): RunTarget | undefined;
  leader(): string | undefined;
  timeScale(): number;
  /** The txn workload's back-off after an abort (undefined: retry at once). */
  txnBackoff?(): BackoffOptions | undefined;
  nowMs(): number;
  /** Folder for history files (the Lab's data folder). */
  readonly dir: string;
  /** A timeline line: its code and params, and the same in English. */
  record(kind: TimelineKind, coded: TimelineLine, text: string): void;
  onState(state: WorkloadState): void;
  onSample(sample: WorkloadSample): void;
  onKeys(keys: readonly string[]): void;
  /** The cluster's status reports, for the figures' time to detect. */
  statusEvents?(): StatusEvents | undefined;
  /** Where self-heal restarts are announced, for the figures. */
  readonly restarts?: RestartEvents;
  /** Faults made from the panel's buttons since `fromMs` (Lab time), as windows relative to it. */
  manualWindows?(fromMs: number): FaultWindow[];
}

const IDLE: WorkloadState = { phase: 'idle', run: 0, settings: null, startedAtMs: null, endedAtMs: null, live: null, verdict: null, error: null, historyOps: 0 };

export class PanelWorkload {
  private current: WorkloadState = IDLE;
  private abort: AbortController | undefined;
  private running: Promise<void> | undefined;
  private file: string | undefined;
  private readonly resources = new Map<string, { accepted: number; refused: number; recent: ResourceWrite[] }>();

  constructor(private readonly deps: PanelWorkloadDeps) {}

  get state(): WorkloadState {
    return this.current;
  }

  get busy(): boolean {
    return this.running !== undefined;
  }

  /** The history file of the current or last run, if there is one. */
  get historyFile(): string | undefined {
    return this.file;
  }

  /** The protected resource behind `lock` (lock workload), or null. */
  resourceOf(lock: string): ResourceFigures | null {
    const r = this.resources.get(`${lock}-resource`);
    return r ? { accepted: r.accepted, refused: r.refused, recent: [...r.recent] } : null;
  }

  private set(patch: Partial<WorkloadState>): void {
    this.current = { ...this.current, ...patch };
    this.deps.onState(this.current);
  }

  start(settings: WorkloadSettings): WorkloadState {
    if (this.running) throw new PanelError('BUSY', `a ${this.current.settings?.workload ?? ''} workload is running; stop it first`);
    const target = this.deps.target();
    if (!target) throw new PanelError('NO_CLUSTER', 'no cluster is running; start one first');
    const scale = this.deps.timeScale();
    const run = this.current.run + 1;
    const previous = this.file;
    if (previous) void rm(previous, { force: true });
    mkdirSync(this.deps.dir, { recursive: true });
    const file = join(this.deps.dir, `history-${run}.jsonl`);
    this.file = file;
    this.resources.clear();
    const seed = settings.seed ?? Math.floor(Math.random() * 2 ** 31);
    const startedAtMs = Math.round(this.deps.nowMs());
    const tail = new HistoryTail(file, startedAtMs);
    const abort = new AbortController();
    this.abort = abort;
    this.current = { ...IDLE, phase: 'running', run, settings: { ...settings, seed }, startedAtMs, live: { elapsedMs: 0, invoked: 0, ok: 0, fail: 0, info: 0, fault: null, liveViolation: null } };
    this.deps.onState(this.current);
    // One read of the history's new lines at a time. The last read, after the run, waits for a
    // read in flight and then reads again: returning early there left the final lines uncounted.
    let inFlight: Promise<void> | undefined;
    const readOnce = async (): Promise<void> => {
      const figures = await tail.read(this.deps.nowMs());
      this.deps.onSample(figures.sample);
      if (figures.keys.length > 0) this.deps.onKeys(figures.keys);
      for (const { resource, write } of figures.writes) {
        let r = this.resources.get(resource);
        if (!r) this.resources.set(resource, (r = { accepted: 0, refused: 0, recent: [] }));
        if (write.accepted) r.accepted++;
        else r.refused++;
        r.recent.push(write);
        if (r.recent.length > KEEP_RESOURCE_WRITES) {
          // Refused (stale) writes are what a room must see: the oldest accepted one goes first.
          const oldestAccepted = r.recent.findIndex((w) => w.accepted);
          r.recent.splice(oldestAccepted === -1 ? 0 : oldestAccepted, 1);
        }
      }
      if (figures.ops !== this.current.historyOps) this.set({ historyOps: figures.ops });
    };
    const poll = (): Promise<void> => (inFlight ??= readOnce().finally(() => (inFlight = undefined)));
    const lastPoll = async (): Promise<void> => {
      await inFlight?.catch(() => {});
      await poll();
    };
    const timer = setInterval(() => void poll().catch(() => {}), 1_000);
    const durationMs = settings.durationS === 0 ? MAX_RUN_MS : settings.durationS * 1_000;
    // The cluster outlives the run: what earlier runs wrote is still there, and so are their
    // clients' sessions. Keys and client names of this run's own keep its history complete
    // (the checker starts each key at null; values restart at 1) and its (client, seq) pairs
    // new (a repeated pair gets the earlier run's cached result).
    const tag = `w${run}`;
    const statusEvents = this.deps.statusEvents?.();
    this.running = runWorkload(target, {
      workload: makeWorkload({ ...settings, ttlMs: settings.ttlMs * scale, keyPrefix: `${tag}.`, ...backoffOf(this.deps.txnBackoff?.()) }),
      runTag: tag,
      clients: settings.clients,
      rate: settings.rate,
      durationMs,
      seed,
      faults: settings.nemesis,
      policy: settings.policy,
      historyFile: file,
      clientTimeoutMs: BASE_CLIENT_TIMEOUT_MS * scale,
      leader: () => this.deps.leader(),
      record: (kind, text, coded) => this.deps.record(timelineKind(kind), coded, text),
      signal: abort.signal,
      liveFigures: true,
      // The run's clock starts with it: Lab time minus startedAtMs, to within a millisecond.
      ...(this.deps.manualWindows ? { extraWindows: () => this.deps.manualWindows!(startedAtMs) } : {}),
      ...(statusEvents ? { statusEvents } : {}),
      ...(this.deps.restarts ? { selfHeal: this.deps.restarts } : {}),
      onProgress: (p) =>
        this.set({
          live: { elapsedMs: p.elapsedMs, invoked: p.counts.invoked, ok: p.counts.ok, fail: p.counts.fail, info: p.counts.info, fault: p.fault ?? null, faultLine: p.faultLine ?? null, liveViolation: p.liveViolation ?? null, ...(p.figures ? { figures: p.figures } : {}) },
        }),
    })
      .then(
        async (result) => {
          clearInterval(timer);
          await lastPoll();
          const evidence = (await withKeyContext(file, result.verdict)).evidence;
          const verdict = { ...verdictView(result), ...(evidence !== undefined ? { evidence } : {}), evidenceOps: await evidenceOps(file, evidence, startedAtMs) };
          this.set({ phase: 'done', endedAtMs: Math.round(this.deps.nowMs()), verdict });
          this.deps.record('verdict', line('workload.verdict', { workload: settings.workload, valid: String(verdict.valid) as 'true' | 'false' | 'unknown', model: verdict.model }, verdict.summary), `${result.workload} workload: ${verdict.valid === true ? 'PASS' : verdict.valid === false ? 'VIOLATION' : 'UNKNOWN'}: ${verdict.summary}`);
        },
        (e: unknown) => {
          clearInterval(timer);
          this.set({ phase: 'failed', endedAtMs: Math.round(this.deps.nowMs()), error: (e as Error).message });
          this.deps.record('workload', line('workload.failed', {}, (e as Error).message), `workload failed: ${(e as Error).message}`);
        },
      )
      .finally(() => {
        this.running = undefined;
        this.abort = undefined;
      });
    return this.current;
  }

  /** Ends the run and resolves with the state that carries its verdict. */
  async stop(): Promise<WorkloadState> {
    const running = this.running;
    if (!running) return this.current;
    this.set({ phase: 'stopping' });
    this.abort?.abort();
    await running;
    return this.current;
  }

  /** Stops a run and removes its history (the Lab is closing). */
  async close(): Promise<void> {
    await this.stop();
    if (this.file) await rm(this.file, { force: true });
  }
}

function timelineKind(kind: string): TimelineKind {
  if (kind === 'heal') return 'heal';
  if (kind === 'check') return 'check';
  if (kind === 'workload') return 'workload';
  return 'fault';
}

function share(t: Tally | undefined): number | null {
  return t === undefined ? null : t.availability;
}

function verdictView(result: RunResult): VerdictView {
  const faults = Object.values(result.availability.byKind);
  const during: Tally = faults.reduce<Tally>(
    (sum, t) => {
      const ops = sum.ops + t.ops;
      const ok = sum.ok + t.ok;
      return { ops, ok, fail: sum.fail + t.fail, info: sum.info + t.info, availability: ops === 0 ? null : ok / ops };
    },
    { ops: 0, ok: 0, fail: 0, info: 0, availability: null },
  );
  const v = result.verdict;
  return {
    valid: v.valid,
    model: v.model,
    summary: v.summary,
    ...(v.evidence !== undefined ? { evidence: v.evidence } : {}),
    evidenceOps: [],
    ...(v.stats ? { stats: v.stats } : {}),
    availability: { overall: share(result.availability.overall), baseline: share(result.availability.baseline), duringFaults: faults.length === 0 ? null : during.availability },
    figures: result.figures,
    load: { policy: result.load.policy, perNode: result.load.perNode },
    notes: result.notes,
    ...(result.unsupported !== undefined ? { unsupported: result.unsupported } : {}),
  };
}

const MAX_EVIDENCE_OPS = 200;
/** Other operations of a register violation's key drawn around its evidence. */
const CONTEXT_OPS = 40;

/** A register violation's evidence with the rest of its key's operations added (for the drawing). */
async function withKeyContext(file: string, verdict: Verdict): Promise<Verdict> {
  if (verdict.valid !== false || verdict.model !== 'register') return verdict;
  try {
    return withRegisterContext(verdict, parseHistoryText(await readFile(file, 'utf8'), 'jsonl'), CONTEXT_OPS);
  } catch {
    return verdict; // the evidence alone still says it all
  }
}

/** History positions the evidence names (invokeIndex, completeIndex, index fields, at any depth). */
function evidenceIndexes(evidence: unknown): Set<number> {
  const found = new Set<number>();
  const walk = (x: unknown, depth: number): void => {
    if (found.size >= MAX_EVIDENCE_OPS || depth > 8 || typeof x !== 'object' || x === null) return;
    if (Array.isArray(x)) {
      for (const item of x) walk(item, depth + 1);
      return;
    }
    for (const [k, v] of Object.entries(x)) {
      if ((k === 'invokeIndex' || k === 'completeIndex' || k === 'index') && Number.isInteger(v) && (v as number) >= 0) found.add(v as number);
      else walk(v, depth + 1);
    }
  };
  walk(evidence, 0);
  return found;
}

/** The history operations the evidence names, with their panel times (for the evidence drawing). */
async function evidenceOps(file: string, evidence: unknown, runStartAtMs: number): Promise<HistoryOpView[]> {
  const wanted = evidenceIndexes(evidence);
  if (wanted.size === 0) return [];
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return [];
  }
  const ops: HistoryOpView[] = [];
  let index = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    if (wanted.has(index)) {
      try {
        const op = JSON.parse(line) as { process: number | string; type: HistoryOpView['type']; f: string; key?: string; value?: unknown; time?: number };
        ops.push({
          index,
          process: Number(op.process),
          type: op.type,
          f: op.f,
          ...(op.key !== undefined ? { key: op.key } : {}),
          value: op.value ?? null,
          atMs: Math.round(runStartAtMs + (op.time ?? 0) / 1e6),
        });
      } catch {
        // an unreadable line is left out of the drawing; the verdict still says it all
      }
    }
    index++;
  }
  return ops;
}
