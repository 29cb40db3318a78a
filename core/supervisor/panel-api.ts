/**
 * The panel endpoint (/panel, protocol v2 in core/protocol/panel.ts) on the Lab's server:
 * a snapshot, then batched changes with consecutive `seq`, and commands from the
 * instructor (viewers get READ_ONLY). It follows whichever cluster the Lab runs, so
 * panels stay connected across stop/reset/start.
 *
 * Cheap under load: node status is coalesced to its latest value per flush, derived views
 * (leader, locks, transactions, ring) are recomputed once per flush and sent only when
 * they changed, messages are capped per flush (the rest counted as dropped), and one
 * snapshot text is shared by every panel that asks at the same seq. A panel whose unsent
 * output grows past `maxBufferedBytes` is closed; it reconnects and gets a snapshot.
 */
import type { WebSocket } from 'ws';
import { unreachable } from '../algorithms/common/unreachable';
import { sameSecret } from '../node/credentials';
import {
  DEFAULT_SELF_HEAL_DELAY_MS,
  PANEL_PROTOCOL_VERSION,
  panelRequestSchema,
  type CommandResult,
  type NodeLifecycle,
  type NodeSample,
  type NodeStatus,
  type PanelChange,
  type PanelCommand,
  type PanelErrorCode,
  type PanelNode,
  type PanelRole,
  type PanelServerMessage,
  type PanelState,
  type TimelineEntry,
  type TimelineKind,
  type TimelineLine,
  type WorkloadSample,
} from '../protocol/panel';
import type { Cluster } from './cluster';
import type { Lab } from './lab';
import { Monitor } from './monitor';
import { ChartHistories, HISTORY_STEP_MS } from './panel/chart-histories';
import { LeaderWatch } from './panel/leader-watch';
import { LockWatch } from './panel/lock-watch';
import { MessageFeed } from './panel/message-feed';
import { PanelError } from './panel/panel-workload';
import { RingWatch } from './panel/ring-watch';
import { line } from './panel/timeline-line';
import { TxnWatch } from './panel/txn-watch';

export interface PanelApiOptions {
  readonly instructorToken: string;
  /** Viewers connect with this token (or none when `openViewing`) and may only watch. */
  readonly viewerToken?: string;
  readonly openViewing?: boolean;
  /** Browser origins allowed to connect (the page's own). */
  readonly allowedOrigins: readonly string[];
  /** The panel is served to a network (--host): other machines may connect. */
  readonly exposed?: boolean;
  readonly flushMs?: number;
  /** Message events per batch at most (default 500: 5,000 a second at the 100 ms flush); the rest are counted. */
  readonly maxMessagesPerFlush?: number;
  /** A panel that falls this far behind (unsent bytes) is closed; default 4 MiB. */
  readonly maxBufferedBytes?: number;
  /** Panels at once (default 200). */
  readonly maxPanels?: number;
}

const KEEP_TIMELINE = 1_000;
/** Close code for a panel that could not keep up (it reconnects and resyncs). */
export const SLOW_READER_CLOSE = 4429;

interface Reported {
  readonly status: NodeStatus;
  readonly atMs: number;
}

export class PanelApi {
  private readonly sockets = new Map<WebSocket, PanelRole>();
  private readonly timeline: TimelineEntry[] = [];
  private pending: PanelChange[] = [];
  private dirtyNodes = new Set<string>();
  private statusChanged = false;
  private seq = 0;
  private snapshotCache: { seq: number; text: string } | undefined;
  private readonly flushTimer: NodeJS.Timeout;
  private readonly sampleTimer: NodeJS.Timeout;
  private shown: Cluster | undefined;
  private monitor: Monitor | undefined;
  private readonly detach: (() => void)[] = [];
  private readonly statuses = new Map<string, Reported>();
  private readonly histories = new ChartHistories();
  private pendingSamples: { nodes: NodeSample[]; workload: WorkloadSample[] } = { nodes: [], workload: [] };
  private readonly leader = new LeaderWatch();
  private readonly locks = new LockWatch();
  private readonly txns = new TxnWatch();
  private readonly ring = new RingWatch();
  private readonly messages: MessageFeed;
  private lockViews: PanelState['locks'] = [];
  private suspectedBy = new Map<string, string[]>();
  /** Delay faults per directed link ("from->to"), for marking delayed messages. */
  private linkDelays = new Map<string, number>();
  private closed = false;

  constructor(
    private readonly lab: Lab,
    private readonly options: PanelApiOptions,
  ) {
    this.messages = new MessageFeed({
      epochMs: lab.epochMs,
      skewOf: (node) => this.shown?.skewOf(node) ?? 0,
      nowMs: () => lab.nowMs(),
      linkDelayMs: (from, to) => this.linkDelays.get(`${from}->${to}`) ?? 0,
      maxPerFlush: options.maxMessagesPerFlush ?? 500,
    });
    lab.server.route('/panel', {
      authorize: (token) => this.authorize(token),
      allowedOrigins: (origin) => options.allowedOrigins.includes(origin),
      onConnection: (socket, role) => this.onConnection(socket, role as PanelRole),
      maxPayloadBytes: 64 * 1024,
      maxConnections: options.maxPanels ?? 200,
      maxBufferedBytes: (options.maxBufferedBytes ?? 4 << 20) * 2,
      localOnly: options.exposed !== true,
    });
    lab.on('info', (cluster) => this.pending.push({ kind: 'cluster', cluster }));
    lab.on('cluster', (cluster) => {
      if (cluster) this.show(cluster);
    });
    lab.on('workload', (workload) => this.pending.push({ kind: 'workload', workload }));
    lab.on('sample', (sample) => {
      this.histories.addWorkload(sample);
      this.pendingSamples.workload.push(sample);
    });
    lab.on('keys', (keys) => this.ring.noteKeys(keys));
    lab.on('record', (kind, coded, text, node) => this.record(kind, coded, text, node));
    if (lab.cluster) this.show(lab.cluster);
    this.flushTimer = setInterval(() => this.flush(), options.flushMs ?? 100);
    this.flushTimer.unref();
    this.sampleTimer = setInterval(() => this.sampleNodes(), HISTORY_STEP_MS);
    this.sampleTimer.unref();
  }

  authorize(token: string | undefined): PanelRole | undefined {
    if (sameSecret(token, this.options.instructorToken)) return 'instructor';
    if (this.options.viewerToken !== undefined && sameSecret(token, this.options.viewerToken)) return 'viewer';
    if (this.options.openViewing && token === undefined) return 'viewer';
    return undefined;
  }

  get panels(): number {
    return this.sockets.size;
  }

  /**
   * Adds a line to the timeline (faults, heals, lifecycle, workload phases, failed commands):
   * its code and params (what the panel translates) and `text`, the same in English.
   */
  record(kind: TimelineKind, coded: TimelineLine, text: string, node?: string): TimelineEntry {
    const entry: TimelineEntry = { atMs: Math.round(this.lab.nowMs()), kind, ...coded, text, ...(node === undefined ? {} : { node }) };
    this.timeline.push(entry);
    if (this.timeline.length > KEEP_TIMELINE) this.timeline.shift();
    // A fault from a button opens a window for the figures of a panel workload.
    if (kind === 'fault') this.lab.manualFaults.observe(coded, text);
    this.pending.push({ kind: 'timeline', entry });
    return entry;
  }

  // ---- following the Lab's cluster ----

  /** Shows `cluster` from now on (a stopped cluster stays shown until the next one starts). */
  private show(cluster: Cluster): void {
    if (this.shown === cluster) return;
    const before = this.shown ? this.shown.ids : [];
    for (const d of this.detach.splice(0)) d();
    this.monitor?.stop();
    this.statuses.clear();
    this.dirtyNodes.clear();
    this.suspectedBy.clear();
    this.messages.clear();
    this.locks.clear();
    this.txns.clear();
    this.ring.clear();
    this.histories.clearNodes();
    this.lockViews = [];
    this.linkDelays = new Map();
    this.shown = cluster;
    for (const id of before) if (!cluster.ids.includes(id)) this.pending.push({ kind: 'node-removed', node: id });
    for (const id of cluster.ids) this.dirtyNodes.add(id);
    this.pending.push({ kind: 'links', links: cluster.linkStates() }, { kind: 'locks', locks: [] }, { kind: 'txns', txns: [] }, { kind: 'ring', ring: null });
    this.statusChanged = true;

    const onStatus = (id: string, status: Record<string, unknown>): void => {
      this.statuses.set(id, { status: status as unknown as NodeStatus, atMs: Math.round(this.lab.nowMs()) });
      this.txns.observe(id, status as unknown as NodeStatus, Math.round(this.lab.nowMs()));
      this.dirtyNodes.add(id);
      this.statusChanged = true;
    };
    const onLifecycle = (id: string, state: string): void => {
      if (state !== 'up' && state !== 'paused') this.statuses.delete(id);
      this.dirtyNodes.add(id);
      this.statusChanged = true;
      this.record('lifecycle', line('node.state', { node: id, state: state as NodeLifecycle }), `${id} is ${state}`, id);
    };
    const onFaults = (): void => {
      const links = cluster.linkStates();
      this.linkDelays = new Map(links.filter((l) => (l.delayMs ?? 0) + (l.jitterMs ?? 0) > 0).map((l) => [`${l.from}->${l.to}`, (l.delayMs ?? 0) + (l.jitterMs ?? 0)]));
      this.pending.push({ kind: 'links', links });
      for (const id of cluster.ids) this.dirtyNodes.add(id);
    };
    const onEvents = (id: string, events: Parameters<MessageFeed['add']>[1]): void => {
      this.messages.add(id, events);
      this.noteSemiSync(id, events);
    };
    cluster.on('status', onStatus);
    cluster.on('lifecycle', onLifecycle);
    cluster.on('faults', onFaults);
    cluster.on('events', onEvents);
    const monitor = new Monitor(cluster, (id) => this.dirtyNodes.add(id));
    monitor.start();
    this.monitor = monitor;
    this.detach.push(() => {
      cluster.off('status', onStatus);
      cluster.off('lifecycle', onLifecycle);
      cluster.off('faults', onFaults);
      cluster.off('events', onEvents);
    });
  }

  /** Reports of nodes whose process is up (a paused node's last report is stale). */
  private liveStatuses(): Map<string, NodeStatus> {
    const out = new Map<string, NodeStatus>();
    const cluster = this.shown;
    if (!cluster) return out;
    for (const [id, r] of this.statuses) {
      if (cluster.members.has(id) && cluster.view(id).lifecycle === 'up') out.set(id, r.status);
    }
    return out;
  }

  private toBase(node: string, nodeTimeMs: number): number {
    return Math.round(nodeTimeMs - (this.shown?.skewOf(node) ?? 0) - this.lab.epochMs);
  }

  /** Recomputes leader, locks, transactions, ring and suspicion from the latest reports. */
  private derive(): void {
    if (!this.statusChanged) return;
    this.statusChanged = false;
    const now = Math.round(this.lab.nowMs());
    const live = this.liveStatuses();
    const leaderChange = this.leader.update(live, now);
    if (leaderChange) {
      this.pending.push({ kind: 'leader', leader: this.leader.summary() });
      const s = this.leader.summary();
      if (s.history.at(-1)?.atMs === now) {
        const ballot = `${s.ballot?.round}.${s.ballot?.node}`;
        if (s.node === null) this.record('leader', line('leader.none', {}), 'no leader');
        else this.record('leader', line('leader.elected', { node: s.node, ballot }), `${s.node} leads (ballot ${ballot})`, s.node);
      }
    }
    const leader = this.leader.leader;
    let source: { node: string; status: NodeStatus } | undefined = leader !== null && live.has(leader) ? { node: leader, status: live.get(leader)! } : undefined;
    if (!source) {
      for (const [node, status] of live) if (!source || status.paxos.appliedUpTo > source.status.paxos.appliedUpTo) source = { node, status };
    }
    const locks = this.locks.update(source, (n, t) => this.toBase(n, t), now, (lock) => this.lab.workload.resourceOf(lock));
    if (locks) {
      this.lockViews = locks;
      this.pending.push({ kind: 'locks', locks });
    }
    const txns = this.txns.take();
    if (txns) this.pending.push({ kind: 'txns', txns });
    if (this.ring.update(live, now)) this.pending.push({ kind: 'ring', ring: this.ring.detail(live) });
    for (const s of this.ring.takeSplits()) {
      const owners = s.owners.join(',');
      this.record('membership', line('placement.split', { at: s.at, range: s.range, owners }), `the range from ${s.range === '' ? 'the start' : JSON.stringify(s.range)} split at ${JSON.stringify(s.at)}; the new range is on ${owners} (no key moved)`);
    }
    this.noteSuspicion(live);
  }

  /** A semi-sync primary switching to acknowledging alone (fallback) and back: one timeline line each. */
  private noteSemiSync(id: string, events: Parameters<MessageFeed['add']>[1]): void {
    for (const e of events) {
      const d = (e.detail ?? {}) as { key?: unknown; caughtUp?: unknown };
      if (e.kind === 'repl.semi-sync-off') {
        const key = String(d.key);
        this.record('replication', line('replication.semi-sync-off', { node: id, key }), `${id}: no backup acknowledged ${key} in time; semi-sync off, acknowledging writes alone`, id);
      } else if (e.kind === 'repl.semi-sync-on') {
        const backup = String(d.caughtUp);
        this.record('replication', line('replication.semi-sync-on', { node: id, backup }), `${id}: ${backup} caught up; semi-sync on, acknowledgements wait for a backup again`, id);
      }
    }
  }

  /** One timeline line when a node becomes suspected by some peer, and one when none suspects it any more. */
  private noteSuspicion(live: ReadonlyMap<string, NodeStatus>): void {
    const by = new Map<string, string[]>();
    for (const [observer, s] of live) {
      for (const [peer, v] of Object.entries(s.suspicion)) if (v.suspected) by.set(peer, [...(by.get(peer) ?? []), observer]);
    }
    for (const [peer, observers] of by) {
      if (!this.suspectedBy.has(peer)) this.record('suspicion', line('suspicion.on', { node: peer, by: observers.join(', ') }), `${peer} suspected by ${observers.join(', ')}`, peer);
      if ((this.suspectedBy.get(peer) ?? []).join() !== observers.join()) this.dirtyNodes.add(peer);
    }
    for (const peer of this.suspectedBy.keys()) {
      if (!by.has(peer)) {
        this.record('suspicion', line('suspicion.off', { node: peer }), `${peer} no longer suspected`, peer);
        this.dirtyNodes.add(peer);
      }
    }
    this.suspectedBy = by;
  }

  private sampleNodes(): void {
    const cluster = this.shown;
    if (!cluster) return;
    const atMs = Math.round(this.lab.nowMs());
    const samples: NodeSample[] = [];
    for (const v of cluster.views()) {
      if (v.lifecycle !== 'up' && v.lifecycle !== 'paused') continue;
      const m = this.monitor?.metrics(v.id);
      const s = this.statuses.get(v.id)?.status;
      samples.push({
        atMs,
        node: v.id,
        ...(m ? { cpuPercent: m.cpuPercent, rssBytes: m.rssBytes } : {}),
        ...(m?.diskBytes !== undefined ? { diskBytes: m.diskBytes } : {}),
        ...(m?.requestsPerSec !== undefined ? { requestsPerSec: m.requestsPerSec } : {}),
        ...(m?.latencyP50Ms !== undefined ? { latencyP50Ms: m.latencyP50Ms } : {}),
        ...(m?.latencyP99Ms !== undefined ? { latencyP99Ms: m.latencyP99Ms } : {}),
        phi: s ? Object.fromEntries(Object.entries(s.suspicion).map(([peer, x]) => [peer, x.phi])) : {},
      });
    }
    this.histories.addNodes(samples);
    this.pendingSamples.nodes.push(...samples);
  }

  node(id: string): PanelNode {
    const cluster = this.shown!;
    const v = cluster.view(id);
    const reported = this.statuses.get(id);
    return {
      id: v.id,
      lifecycle: v.lifecycle,
      pid: v.pid,
      port: v.port,
      connected: v.connected,
      founder: cluster.foundingMembers.includes(id),
      status: reported?.status,
      statusAtMs: reported?.atMs,
      metrics: this.monitor?.metrics(id),
      skewMs: v.faults.skewMs,
      suspected: this.suspectedBy.has(id),
      ...(v.pauseKind ? { pauseKind: v.pauseKind } : {}),
    };
  }

  state(): PanelState {
    this.derive();
    const cluster = this.shown;
    const live = this.liveStatuses();
    return {
      protocol: PANEL_PROTOCOL_VERSION,
      cluster: this.lab.clusterInfo,
      nodes: cluster ? cluster.ids.map((id) => this.node(id)) : [],
      links: cluster ? cluster.linkStates() : [],
      leader: this.leader.summary(),
      ring: this.ring.detail(live),
      locks: this.lockViews,
      txns: this.txns.snapshot(),
      workload: this.lab.workload.state,
      histories: this.histories.snapshot(this.lab.nowMs()),
      messages: this.messages.snapshot(),
      timeline: [...this.timeline],
    };
  }

  // ---- sockets ----

  private onConnection(socket: WebSocket, role: PanelRole): void {
    // Whatever is pending goes out first, so the snapshot at `seq` is followed by seq + 1.
    this.flush();
    this.sockets.set(socket, role);
    this.sendTo(socket, { type: 'hello', role, protocol: PANEL_PROTOCOL_VERSION });
    this.sendSnapshot(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('message', (data) => void this.onMessage(socket, role, data.toString()));
  }

  private sendSnapshot(socket: WebSocket): void {
    if (this.snapshotCache?.seq !== this.seq) {
      const msg: PanelServerMessage = { type: 'snapshot', seq: this.seq, nowMs: Math.round(this.lab.nowMs()), state: this.state() };
      this.snapshotCache = { seq: this.seq, text: JSON.stringify(msg) };
    }
    this.sendText(socket, this.snapshotCache.text);
  }

  private async onMessage(socket: WebSocket, role: PanelRole, text: string): Promise<void> {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      return this.sendTo(socket, { type: 'reply', id: null, ok: false, code: 'MALFORMED_JSON', message: 'frames must be JSON' });
    }
    const parsed = panelRequestSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.join('.') || 'frame';
      const id = typeof (raw as { id?: unknown } | null)?.id === 'string' ? (raw as { id: string }).id : null;
      return this.sendTo(socket, { type: 'reply', id, ok: false, code: 'INVALID_MESSAGE', message: `${where}: ${issue?.message ?? 'invalid'}` });
    }
    const request = parsed.data;
    if (request.type === 'resync') {
      this.flush();
      return this.sendSnapshot(socket);
    }
    const { id, command } = request;
    if (role !== 'instructor') {
      return this.sendTo(socket, { type: 'reply', id, ok: false, code: 'READ_ONLY', message: 'viewers may watch but not change the cluster; use the instructor link' });
    }
    try {
      const result = await this.execute(command);
      this.sendTo(socket, result === undefined ? { type: 'reply', id, ok: true } : { type: 'reply', id, ok: true, result });
    } catch (e) {
      const code: PanelErrorCode = e instanceof PanelError ? e.code : 'COMMAND_FAILED';
      const message = (e as Error).message;
      this.record('command-failed', line('command.failed', { command: command.kind, code }, message), `${command.kind} failed: ${message}`);
      this.sendTo(socket, { type: 'reply', id, ok: false, code, message });
    }
  }

  /** Carries out one command, records it on the timeline, and returns what the reply carries. */
  async execute(command: PanelCommand): Promise<CommandResult | undefined> {
    switch (command.kind) {
      case 'cluster-start':
      case 'cluster-reset': {
        const { kind, ...settings } = command;
        if (kind === 'cluster-start') this.record('lifecycle', line('cluster.start', {}), 'start a fresh cluster');
        else this.record('lifecycle', line('cluster.reset', {}), 'reset: stop, delete the data, start fresh');
        const info = await this.lab.start(settings);
        return { cluster: info };
      }
      case 'cluster-stop':
        this.record('lifecycle', line('cluster.stop', {}), 'stop every node (data kept)');
        return { cluster: await this.lab.stop() };
      case 'cluster-resume':
        this.record('lifecycle', line('cluster.resume', {}), 'start the stopped nodes again from their data');
        return { cluster: await this.lab.resume() };
      case 'kill': {
        await this.lab.requireCluster().kill(command.node);
        this.record('fault', line('fault.kill', { node: command.node }), `kill -9 ${command.node}`, command.node);
        return undefined;
      }
      case 'kill-leader': {
        const node = await this.lab.killLeader();
        this.record('fault', line('fault.kill-leader', { node }), `kill -9 the leader ${node}`, node);
        return { node };
      }
      case 'restart':
        this.record('heal', line('heal.restart', { node: command.node }), `restart ${command.node}`, command.node);
        await this.lab.requireCluster().restart(command.node);
        return undefined;
      case 'pause':
        this.lab.requireCluster().pause(command.node);
        this.record('fault', line('fault.pause', { node: command.node }), `pause (SIGSTOP) ${command.node}`, command.node);
        return undefined;
      case 'resume':
        this.lab.requireCluster().resume(command.node);
        this.record('heal', line('heal.resume', { node: command.node }), `resume (SIGCONT) ${command.node}`, command.node);
        return undefined;
      case 'partition': {
        if (command.shape === 'isolate-leader' && command.node === undefined) return this.execute({ kind: 'isolate-leader' });
        const cluster = this.lab.requireCluster();
        const cuts = cluster.partition(command.node === undefined ? { shape: command.shape } : { shape: command.shape, node: command.node });
        this.record('fault', line('fault.partition', { shape: command.shape, node: command.node ?? '', cuts: cuts.length }), `partition ${command.shape}${command.node ? ` ${command.node}` : ''} (${cuts.length} links cut)`, command.node);
        return { cuts };
      }
      case 'isolate-leader': {
        const { node, cuts } = this.lab.isolateLeader();
        this.record('fault', line('fault.isolate-leader', { node, cuts: cuts.length }), `isolate the leader ${node} (${cuts.length} links cut)`, node);
        return { node, cuts };
      }
      case 'cut':
        this.lab.requireCluster().cutLinks(command.links);
        const links = command.links.map((l) => `${l.from}->${l.to}`).join(', ');
        if (command.links.length === 0) this.record('fault', line('fault.cut-none', {}), 'no links cut');
        else this.record('fault', line('fault.cut', { links }), `cut ${links}`);
        return { cuts: command.links };
      case 'link-fault': {
        const { to, ...fault } = command.fault;
        this.lab.requireCluster().setLinkFault(command.from, to, fault);
        const setting = describeLinkFault(fault);
        const coded = setting === 'cleared' ? line('fault.link-cleared', { from: command.from, to }) : line('fault.link', { from: command.from, to }, setting);
        this.record('fault', coded, `link ${command.from}->${to}: ${setting}`, command.from);
        return undefined;
      }
      case 'skew':
        this.lab.requireCluster().setSkew(command.node, command.skewMs);
        const skew = `${command.skewMs > 0 ? '+' : ''}${command.skewMs}`;
        this.record('fault', line('fault.skew', { node: command.node, skew }), `clock skew ${command.node} ${skew} ms`, command.node);
        return undefined;
      case 'heal':
        this.lab.requireCluster().heal();
        this.record('heal', line('heal.all', {}), 'heal all network and clock faults');
        return undefined;
      case 'self-heal':
        // The Lab says it on the timeline; the setting outlives the cluster (kept for the next start).
        return { cluster: this.lab.setSelfHeal(command.on ? (command.delayMs ?? this.lab.selfHealDelayMs ?? DEFAULT_SELF_HEAL_DELAY_MS) : null) };
      case 'add-node': {
        const cluster = this.lab.requireCluster();
        this.record('membership', line('membership.adding', {}), 'adding a node (join through the log)');
        const node = await cluster.addNode(command.weight);
        this.statusChanged = true;
        this.record('membership', line('membership.joined', { node }), `${node} joined the ring; keys rebalanced`, node);
        return { node };
      }
      case 'reweight': {
        const cluster = this.lab.requireCluster();
        await cluster.reweight(command.node, command.weight);
        this.statusChanged = true;
        this.record('membership', line('membership.reweighted', { node: command.node, weight: command.weight }), `${command.node} now weighs ${command.weight}; keys rebalanced`, command.node);
        return { node: command.node };
      }
      case 'remove-node': {
        const cluster = this.lab.requireCluster();
        this.record('membership', line('membership.leaving', { node: command.node }), `${command.node} leaving the ring (leave through the log)`, command.node);
        const { stopped } = await cluster.removeNode(command.node);
        this.statusChanged = true;
        this.record(
          'membership',
          line(stopped ? 'membership.left-stopped' : 'membership.left-kept', { node: command.node }),
          stopped
            ? `${command.node} left the ring; its keys moved and its process stopped`
            : `${command.node} left the ring; its keys moved (a founding member keeps running as a Paxos acceptor and 2PC home)`,
          command.node,
        );
        if (stopped) {
          this.dirtyNodes.delete(command.node);
          this.statuses.delete(command.node);
          this.pending.push({ kind: 'node-removed', node: command.node });
        }
        return { node: command.node, stopped };
      }
      case 'workload-start': {
        const workload = this.lab.workload.start(command.settings);
        return { workload };
      }
      case 'workload-stop':
        return { workload: await this.lab.workload.stop() };
      default:
        return unreachable(command, 'panel command');
    }
  }

  private flush(): void {
    if (this.closed) return;
    this.derive();
    const changes: PanelChange[] = this.pending;
    this.pending = [];
    const cluster = this.shown;
    if (cluster) {
      const present = new Set(cluster.ids);
      for (const id of this.dirtyNodes) if (present.has(id)) changes.push({ kind: 'node', node: this.node(id) });
    }
    this.dirtyNodes = new Set();
    const batch = this.messages.take();
    if (batch) changes.push({ kind: 'messages', ...batch });
    if (this.pendingSamples.nodes.length > 0 || this.pendingSamples.workload.length > 0) {
      changes.push({ kind: 'samples', ...this.pendingSamples });
      this.pendingSamples = { nodes: [], workload: [] };
    }
    if (changes.length === 0) return;
    this.seq++;
    if (this.sockets.size === 0) return;
    const frame = JSON.stringify({ type: 'changes', seq: this.seq, nowMs: Math.round(this.lab.nowMs()), changes } satisfies PanelServerMessage);
    for (const socket of this.sockets.keys()) this.sendText(socket, frame);
  }

  private sendText(socket: WebSocket, text: string): void {
    if (socket.readyState !== 1) return;
    if (socket.bufferedAmount > (this.options.maxBufferedBytes ?? 4 << 20)) {
      // It cannot keep up: it reconnects and starts again from a snapshot.
      this.sockets.delete(socket);
      socket.close(SLOW_READER_CLOSE, 'slow reader: reconnect and resync');
      return;
    }
    socket.send(text);
  }

  private sendTo(socket: WebSocket, msg: PanelServerMessage): void {
    this.sendText(socket, JSON.stringify(msg));
  }

  close(): void {
    this.closed = true;
    clearInterval(this.flushTimer);
    clearInterval(this.sampleTimer);
    this.monitor?.stop();
    for (const d of this.detach.splice(0)) d();
    for (const s of this.sockets.keys()) s.close(1001, 'supervisor stopping');
    this.sockets.clear();
  }
}

function describeLinkFault(f: Record<string, unknown>): string {
  const parts = Object.entries(f)
    .filter(([, v]) => v !== undefined && v !== false && v !== 0)
    .map(([k, v]) => (v === true ? k : `${k} ${String(v)}`));
  return parts.length === 0 ? 'cleared' : parts.join(', ');
}
