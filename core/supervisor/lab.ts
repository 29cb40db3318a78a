/**
 * The Lab: what `faultline serve` (and `up`, `npm start`) runs. It owns the panel's web
 * server (page, /panel, /history.jsonl; on 127.0.0.1 or the --host address) and the
 * current Cluster, which keeps its own server on 127.0.0.1 for /node, so a cluster can be
 * started, stopped, reset and started again while panels stay connected. Workloads
 * started from the panel run here too.
 *
 * Lifecycle commands are serialised: one start/stop/reset at a time, in order.
 * Data: every fresh cluster gets its own folder under the Lab's data folder; a stop keeps
 * it (resume starts the same nodes from it), a start or reset deletes it first. A temp
 * data folder (no --data) is removed when the Lab closes.
 */
import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { partitionCuts, type Link } from '../algorithms/common/partitions';
import type { LockPolicy, Placement, TxnMode } from '../protocol/modes';
import { DEFAULT_TXN_BACKOFF } from './workload/txn';
import type { ClusterInfo, KvMode, LineOf, ProgressCode, ProgressStep, TimeScale, TimelineKind, TimelineLine, WorkloadSample, WorkloadState } from '../protocol/panel';
import { Cluster, type ClusterProgress } from './cluster';
import { createDataDir, type DataDir } from './data-dir';
import { SupervisorHttpServer } from './http-server';
import { LeaderTracker } from './leader-tracker';
import type { NodeRuntime } from './node-runtime';
import { PanelError, PanelWorkload } from './panel/panel-workload';
import { SelfHeal, type SelfHealRestartEvent } from './self-heal';
import { ManualFaults } from './panel/manual-faults';
import { line } from './panel/timeline-line';

export interface LabSettings {
  readonly nodes: number;
  readonly mode: KvMode;
  /** How transactions decide (node --txn-mode). */
  readonly txnMode: TxnMode;
  /** What a 2PC participant does on a lock conflict (node --lock-policy). */
  readonly lockPolicy: LockPolicy;
  /** How the ring replicas place keys (node --placement). */
  readonly placement: Placement;
  readonly timeScale: TimeScale;
}

/**
 * Range placement in the lab splits a range past this many keys (run's default is 64): a
 * panel workload writes a few keys and moves on to fresh ones every few hundred
 * operations, so with 4 a room sees ranges split within a minute of a register workload.
 */
export const LAB_SPLIT_KEYS = 4;

export const DEFAULT_LAB_SETTINGS: LabSettings = { nodes: 5, mode: 'paxos', txnMode: 'classic', lockPolicy: 'no-wait', placement: 'hash', timeScale: 1 };

export interface LabOptions extends Partial<LabSettings> {
  /** A folder the user named (kept); a temp folder removed on close otherwise. */
  readonly dataDir?: string;
  /** The node entry script (tests). */
  readonly entry?: string;
  /** The program and bundles nodes and the reaper run from (the desktop app passes its own). */
  readonly runtime?: NodeRuntime;
  /** The self-heal policy's delay (core/supervisor/self-heal.ts); null or absent: off. */
  readonly selfHealMs?: number | null;
}

type LabEvents = {
  /** The cluster's lifecycle or progress changed. */
  info: [ClusterInfo];
  /** A new cluster is running, or (undefined) the cluster is gone. */
  cluster: [Cluster | undefined];
  workload: [WorkloadState];
  sample: [WorkloadSample];
  keys: [readonly string[]];
  /** A line for the timeline (workload phases, nemesis faults, lifecycle). */
  record: [TimelineKind, TimelineLine, string, string | undefined];
  /** The self-heal policy brought a crashed node back (times on performance.now()). */
  restarted: [SelfHealRestartEvent];
};

export class Lab extends EventEmitter<LabEvents> {
  /** The panel's time base: ms since the epoch at which the Lab started. */
  readonly epochMs = Date.now();
  /** The faults made from the panel's buttons, as windows for a panel workload's figures. */
  readonly manualFaults = new ManualFaults(() => this.nowMs());
  private unwatchFaults: (() => void) | undefined;
  readonly server: SupervisorHttpServer;
  readonly workload: PanelWorkload;
  private settings: LabSettings;
  private generation = 0;
  private current: Cluster | undefined;
  private tracker: LeaderTracker | undefined;
  /** The current (or stopped, kept) cluster's data folder. */
  private clusterDir: string | undefined;
  private dataKept = false;
  private info: ClusterInfo;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** attach(): the cluster belongs to the caller; close() leaves it running. */
  private readonly borrowed: boolean;
  /** The self-heal policy's delay (null: off), kept across clusters, and the policy on the current one. */
  private selfHealMs: number | null;
  private selfHeal: SelfHeal | undefined;

  private constructor(
    private readonly options: LabOptions,
    private readonly root: DataDir,
    borrowed?: { cluster: Cluster; nodes: number },
  ) {
    super();
    this.borrowed = borrowed !== undefined;
    this.selfHealMs = options.selfHealMs ?? null;
    this.server = borrowed ? borrowed.cluster.server : new SupervisorHttpServer();
    this.settings = { nodes: options.nodes ?? DEFAULT_LAB_SETTINGS.nodes, mode: options.mode ?? DEFAULT_LAB_SETTINGS.mode, txnMode: options.txnMode ?? DEFAULT_LAB_SETTINGS.txnMode, lockPolicy: options.lockPolicy ?? DEFAULT_LAB_SETTINGS.lockPolicy, placement: options.placement ?? DEFAULT_LAB_SETTINGS.placement, timeScale: options.timeScale ?? DEFAULT_LAB_SETTINGS.timeScale };
    this.info = this.blankInfo('stopped');
    if (borrowed) {
      this.settings = { ...this.settings, nodes: borrowed.nodes };
      this.generation = 1;
      this.adopt(borrowed.cluster);
      this.info = { ...this.blankInfo('running'), startedAtMs: 0, readyAtMs: 0 };
    }
    this.workload = new PanelWorkload({
      target: () => (this.info.state === 'running' ? this.current : undefined),
      leader: () => this.leader(),
      timeScale: () => this.settings.timeScale,
      // Clients of a waiting lock policy back off after an abort, as `faultline run` does.
      txnBackoff: () => (this.settings.lockPolicy === 'no-wait' ? undefined : DEFAULT_TXN_BACKOFF),
      nowMs: () => this.nowMs(),
      dir: root.path,
      statusEvents: () => this.current,
      manualWindows: (fromMs) => this.manualFaults.windowsSince(fromMs),
      restarts: this,
      record: (kind, coded, text) => this.emit('record', kind, coded, text, undefined),
      onState: (s) => this.emit('workload', s),
      onSample: (s) => this.emit('sample', s),
      onKeys: (k) => this.emit('keys', k),
    });
  }

  static async create(options: LabOptions = {}): Promise<Lab> {
    const root = await createDataDir(options.dataDir, 'faultline-lab-');
    return new Lab(options, root);
  }

  /**
   * A Lab around a cluster the caller started and stops (tests, tools): its panel shares
   * the cluster's server; lifecycle commands are refused; close() leaves the cluster alone.
   */
  static attach(cluster: Cluster): Lab {
    const path = join(tmpdir(), `faultline-lab-${randomBytes(6).toString('hex')}`);
    const root: DataDir = { path, temporary: true, dispose: () => rm(path, { recursive: true, force: true, maxRetries: 3 }) };
    return new Lab({}, root, { cluster, nodes: cluster.foundingMembers.length });
  }

  private adopt(cluster: Cluster): void {
    this.current = cluster;
    this.tracker = new LeaderTracker(cluster, () => cluster.endpoints().map((x) => x.id));
    this.applySelfHeal();
    this.watchHeals(cluster);
  }

  /** Closes the panel's fault windows as the cluster heals (whoever healed it). */
  private watchHeals(cluster: Cluster): void {
    this.unwatchFaults?.();
    this.manualFaults.clear();
    const onLifecycle = (id: string, state: string): void => {
      if (state === 'up') this.manualFaults.nodeUp(id);
    };
    const onFaults = (): void => {
      if (cluster.linkStates().length === 0 && cluster.ids.every((id) => cluster.skewOf(id) === 0)) this.manualFaults.networkHealed();
    };
    cluster.on('lifecycle', onLifecycle);
    cluster.on('faults', onFaults);
    this.unwatchFaults = () => {
      cluster.off('lifecycle', onLifecycle);
      cluster.off('faults', onFaults);
      this.unwatchFaults = undefined;
    };
  }

  /** The self-heal policy's delay, or null when it is off. */
  get selfHealDelayMs(): number | null {
    return this.selfHealMs;
  }

  /**
   * Turns the self-heal policy on (a crashed node restarts after delayMs) or off (null),
   * for the current cluster and the ones started later. Turning it off cancels the
   * restarts not yet due.
   */
  setSelfHeal(delayMs: number | null): ClusterInfo {
    if (delayMs !== null && (!Number.isInteger(delayMs) || delayMs < 0)) throw new RangeError(`the self-heal delay must be a whole number of ms, got ${delayMs}`);
    this.selfHealMs = delayMs;
    this.applySelfHeal();
    if (delayMs === null) this.emit('record', 'lifecycle', line('selfheal.off', {}), 'self-heal off: a crashed node stays down until restarted', undefined);
    else this.emit('record', 'lifecycle', line('selfheal.on', { delayMs }), `self-heal on: a crashed node restarts after ${delayMs} ms`, undefined);
    this.setInfo({ selfHealMs: delayMs });
    return this.info;
  }

  /** Puts the policy on the current cluster as the setting says (none while no cluster runs). */
  private applySelfHeal(): void {
    const cluster = this.current;
    if (this.selfHeal && (this.selfHealMs === null || cluster === undefined)) {
      this.selfHeal.close();
      this.selfHeal = undefined;
    }
    if (this.selfHealMs === null || cluster === undefined) return;
    if (this.selfHeal) {
      this.selfHeal.setDelay(this.selfHealMs);
      return;
    }
    const policy = new SelfHeal(cluster, this.selfHealMs);
    policy.on('restarting', ({ node, delayMs }) => this.emit('record', 'heal', line('selfheal.restart', { node, delayMs }), `self-heal: restart ${node} (${delayMs} ms after its crash)`, node));
    policy.on('restarted', (e) => this.emit('restarted', e));
    policy.on('failed', ({ node, message }) => this.emit('record', 'command-failed', line('selfheal.failed', { node }, message), `self-heal: the restart of ${node} failed: ${message}`, node));
    this.selfHeal = policy;
  }

  private refuseIfBorrowed(): void {
    if (this.borrowed) throw new PanelError('BUSY', 'this cluster was started outside the lab; start, stop and reset are not available');
  }

  nowMs(): number {
    return Date.now() - this.epochMs;
  }

  get cluster(): Cluster | undefined {
    return this.current;
  }

  get clusterInfo(): ClusterInfo {
    return this.info;
  }

  get dataPath(): string {
    return this.root.path;
  }

  /** Who leads now (a hint from the nodes' reports), among the nodes up. */
  leader(): string | undefined {
    return this.tracker?.leader();
  }

  private blankInfo(state: ClusterInfo['state']): ClusterInfo {
    return { state, generation: this.generation, ...this.settings, dataKept: this.dataKept, progress: [], startedAtMs: null, readyAtMs: null, leaderAtMs: null, error: null, selfHealMs: this.selfHealMs };
  }

  private setInfo(patch: Partial<ClusterInfo>): void {
    this.info = { ...this.info, ...patch };
    this.emit('info', this.info);
  }

  /** One progress step, also a timeline line (same code): `message` is it in English. */
  private step(phase: ProgressStep['phase'], coded: LineOf<ProgressCode>, message: string, node?: string): void {
    const step: ProgressStep = { atMs: Math.round(this.nowMs()), phase, message, ...coded, ...(node === undefined ? {} : { node }) };
    this.setInfo({ progress: [...this.info.progress, step] });
    this.emit('record', 'lifecycle', coded, message, node);
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => {});
    return next;
  }

  /** A fresh cluster (new data), after stopping the current one. Resolves once it runs. */
  start(settings: Partial<LabSettings> = {}): Promise<ClusterInfo> {
    return this.serial(async () => {
      this.refuseIfBorrowed();
      await this.stopNow();
      await this.dropData();
      this.settings = { ...this.settings, ...definedOnly(settings) };
      return this.startNow();
    });
  }

  /** Every node stops; the data is kept for resume(). */
  stop(): Promise<ClusterInfo> {
    return this.serial(async () => {
      this.refuseIfBorrowed();
      await this.stopNow();
      return this.info;
    });
  }

  /** Stop, delete the data, start fresh (with new settings if given). */
  reset(settings: Partial<LabSettings> = {}): Promise<ClusterInfo> {
    return this.start(settings);
  }

  /** Starts the stopped cluster's nodes again from their kept data. */
  resume(): Promise<ClusterInfo> {
    return this.serial(async () => {
      this.refuseIfBorrowed();
      if (this.current) return this.info;
      if (!this.dataKept || this.clusterDir === undefined) throw new PanelError('NO_CLUSTER', 'no stopped cluster with kept data to resume; start a fresh one');
      return this.startNow(this.clusterDir);
    });
  }

  private async startNow(reuse?: string): Promise<ClusterInfo> {
    if (this.closed) throw new Error('the lab is closed');
    this.generation++;
    const dir = reuse ?? join(this.root.path, `cluster-${this.generation}`);
    // A fresh cluster starts empty: a folder of that name is an earlier Lab's (the same
    // --data folder), and nodes started on it would restore its logs and client sessions.
    if (reuse === undefined) await rm(dir, { recursive: true, force: true, maxRetries: 3 });
    this.clusterDir = dir;
    this.dataKept = false;
    const s = this.settings;
    this.info = { ...this.blankInfo('starting'), startedAtMs: Math.round(this.nowMs()) };
    this.step('spawning', line(reuse ? 'progress.resuming' : 'progress.spawning', { n: s.nodes, mode: s.mode, scale: s.timeScale }), `${reuse ? 'resuming' : 'starting'} ${s.nodes} nodes (mode ${s.mode}, txn mode ${s.txnMode}, time ×${s.timeScale})`);
    const onProgress = (p: ClusterProgress): void => {
      if (p.phase === 'node-ready') this.step('spawned', line('progress.spawned', { node: p.node ?? '' }), `${p.node} started`, p.node);
      else if (p.phase === 'registered') this.step('ready', line('progress.ready', { node: p.node ?? '' }), `${p.node} ready`, p.node);
    };
    let cluster: Cluster;
    try {
      cluster = await Cluster.start(
        { nodes: s.nodes, dataDir: dir, nodeArgs: ['--mode', s.mode, '--txn-mode', s.txnMode, '--lock-policy', s.lockPolicy, ...(s.placement !== 'hash' ? ['--placement', s.placement, '--split-keys', String(LAB_SPLIT_KEYS)] : [])], timeScale: s.timeScale, ...(this.options.entry ? { entry: this.options.entry } : {}), ...(this.options.runtime ? { runtime: this.options.runtime } : {}) },
        onProgress,
      );
    } catch (e) {
      this.step('failed', line('progress.failed', {}, (e as Error).message), `the cluster did not start: ${(e as Error).message}`);
      this.setInfo({ state: 'failed', error: (e as Error).message });
      throw e;
    }
    this.adopt(cluster);
    const generation = this.generation;
    const onStatus = (_id: string, status: Record<string, unknown>): void => {
      if (this.info.leaderAtMs !== null || generation !== this.generation) {
        cluster.off('status', onStatus);
        return;
      }
      const paxos = status['paxos'] as { role?: string } | undefined;
      if (paxos?.role === 'leader') {
        cluster.off('status', onStatus);
        this.step('leader', line('progress.leader', { node: _id }), `${_id} elected leader`, _id);
        this.setInfo({ leaderAtMs: Math.round(this.nowMs()) });
      }
    };
    cluster.on('status', onStatus);
    this.setInfo({ state: 'running', readyAtMs: Math.round(this.nowMs()) });
    this.emit('cluster', cluster);
    return this.info;
  }

  private async stopNow(): Promise<void> {
    const cluster = this.current;
    if (!cluster) return;
    await this.workload.stop();
    this.setInfo({ state: 'stopping' });
    this.step('stopping', line('progress.stopping', {}), 'stopping every node');
    this.tracker?.close();
    this.tracker = undefined;
    this.current = undefined;
    this.applySelfHeal();
    this.unwatchFaults?.();
    this.manualFaults.clear();
    this.emit('cluster', undefined);
    await cluster.stop();
    this.dataKept = true;
    this.info = { ...this.info, state: 'stopped', dataKept: true };
    this.step('stopped', line('progress.stopped', {}), 'every node stopped (data kept)');
  }

  private async dropData(): Promise<void> {
    if (this.clusterDir !== undefined) await rm(this.clusterDir, { recursive: true, force: true, maxRetries: 3 });
    this.clusterDir = undefined;
    this.dataKept = false;
  }

  // ---- leader-targeted faults ----

  private running(): Cluster {
    if (!this.current || this.info.state !== 'running') throw new PanelError('NO_CLUSTER', 'no cluster is running; start one first');
    return this.current;
  }

  private leaderOrThrow(): string {
    const leader = this.leader();
    if (leader === undefined) throw new PanelError('NO_LEADER', 'no node leads right now (an election may be under way); try again in a moment');
    return leader;
  }

  /** kill -9 of the node that leads now; resolves with its id. */
  async killLeader(): Promise<string> {
    const cluster = this.running();
    const leader = this.leaderOrThrow();
    await cluster.kill(leader);
    return leader;
  }

  /** Cuts every link to and from the node that leads now. */
  isolateLeader(): { node: string; cuts: Link[] } {
    const cluster = this.running();
    const node = this.leaderOrThrow();
    const cuts = partitionCuts(cluster.ids, { shape: 'isolate', node });
    cluster.cutLinks(cuts);
    return { node, cuts };
  }

  requireCluster(): Cluster {
    return this.running();
  }

  /** Stops the workload and the cluster, removes a temp data folder, closes the server. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.serial(async () => {
      this.closed = true;
      await this.workload.close();
      if (this.borrowed) {
        this.tracker?.close();
        this.selfHeal?.close();
      }
      else await this.stopNow();
    });
    if (!this.borrowed) await this.server.close();
    await this.root.dispose();
  }
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
