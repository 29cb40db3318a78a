/**
 * The panel endpoint (/panel): a snapshot, then batched changes, and commands from the
 * instructor. Thousands of node events per second cost little: changes are buffered and
 * flushed every `flushMs`, a node's status is coalesced to its latest value per flush,
 * and message events are capped per node per flush (the rest are counted as dropped).
 */
import { timingSafeEqual } from 'node:crypto';
import type { WebSocket } from 'ws';
import { panelRequestSchema, type PanelChange, type PanelCommand, type PanelNode, type PanelRole, type PanelServerMessage, type PanelState, type TimelineEntry, type NodeMetrics } from '../protocol/panel';
import type { Cluster } from './cluster';
import { Monitor } from './monitor';
import { unreachable } from '../algorithms/common/unreachable';

export interface PanelApiOptions {
  readonly instructorToken: string;
  /** Viewers connect with this token (or none when `openViewing`) and may only watch. */
  readonly viewerToken?: string;
  readonly openViewing?: boolean;
  /** Browser origins allowed to connect (the panel's own). */
  readonly allowedOrigins: readonly string[];
  readonly flushMs?: number;
  readonly maxEventsPerNodePerFlush?: number;
}

const sameToken = (a: string | undefined, b: string | undefined): boolean => {
  if (a === undefined || b === undefined) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

export class PanelApi {
  private readonly sockets = new Map<WebSocket, PanelRole>();
  private readonly timeline: TimelineEntry[] = [];
  private pending: PanelChange[] = [];
  private dirtyNodes = new Set<string>();
  private readonly pendingEvents = new Map<string, { events: unknown[]; dropped: number }>();
  private seq = 0;
  private readonly flushTimer: NodeJS.Timeout;
  readonly monitor: Monitor;
  private readonly startedAt = performance.now();

  constructor(
    private readonly cluster: Cluster,
    private readonly options: PanelApiOptions,
  ) {
    cluster.server.route('/panel', {
      authorize: (token) => this.authorize(token),
      allowedOrigins: (origin) => options.allowedOrigins.includes(origin),
      onConnection: (socket, role) => this.onConnection(socket, role as PanelRole),
      maxPayloadBytes: 64 * 1024,
    });
    cluster.on('status', (id) => this.dirtyNodes.add(id));
    cluster.on('lifecycle', (id, state) => {
      this.dirtyNodes.add(id);
      this.record('lifecycle', `${id} is ${state}`);
    });
    cluster.on('faults', () => {
      this.pending.push({ kind: 'cuts', cuts: [...cluster.currentCuts] });
      for (const id of cluster.ids) this.dirtyNodes.add(id);
    });
    cluster.on('events', (id, events) => this.bufferEvents(id, events));
    this.monitor = new Monitor(cluster, (id) => this.dirtyNodes.add(id));
    this.monitor.start();
    this.flushTimer = setInterval(() => this.flush(), options.flushMs ?? 100);
    this.flushTimer.unref();
  }

  private authorize(token: string | undefined): PanelRole | undefined {
    if (sameToken(token, this.options.instructorToken)) return 'instructor';
    if (this.options.viewerToken !== undefined && sameToken(token, this.options.viewerToken)) return 'viewer';
    if (this.options.openViewing && token === undefined) return 'viewer';
    return undefined;
  }

  /** Adds a line to the fault timeline (faults, heals, workload phases). */
  record(kind: string, text: string): TimelineEntry {
    const entry: TimelineEntry = { atMs: Math.round(performance.now() - this.startedAt), kind, text };
    this.timeline.push(entry);
    if (this.timeline.length > 1000) this.timeline.shift();
    this.pending.push({ kind: 'timeline', entry });
    return entry;
  }

  private bufferEvents(id: string, events: unknown[]): void {
    const cap = this.options.maxEventsPerNodePerFlush ?? 200;
    let b = this.pendingEvents.get(id);
    if (!b) this.pendingEvents.set(id, (b = { events: [], dropped: 0 }));
    const room = Math.max(0, cap - b.events.length);
    b.events.push(...events.slice(0, room));
    b.dropped += Math.max(0, events.length - room);
  }

  node(id: string): PanelNode {
    const v = this.cluster.view(id);
    const metrics: NodeMetrics | undefined = this.monitor.metrics(id);
    return {
      id: v.id,
      lifecycle: v.lifecycle,
      pid: v.pid,
      port: v.port,
      connected: v.connected,
      status: v.status,
      metrics,
      skewMs: v.faults.skewMs,
    };
  }

  state(): PanelState {
    return {
      nodes: this.cluster.ids.map((id) => this.node(id)),
      cuts: [...this.cluster.currentCuts],
      timeline: [...this.timeline],
    };
  }

  private onConnection(socket: WebSocket, role: PanelRole): void {
    this.sockets.set(socket, role);
    this.sendTo(socket, { type: 'hello', role, protocol: 1 });
    this.sendTo(socket, { type: 'snapshot', seq: this.seq, state: this.state() });
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('message', (data) => void this.onMessage(socket, role, data.toString()));
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
      const id = typeof (raw as { id?: unknown })?.id === 'string' ? ((raw as { id: string }).id) : null;
      return this.sendTo(socket, { type: 'reply', id, ok: false, code: 'INVALID_MESSAGE', message: `${where}: ${issue?.message ?? 'invalid'}` });
    }
    const { id, command } = parsed.data;
    if (role !== 'instructor') {
      return this.sendTo(socket, { type: 'reply', id, ok: false, code: 'READ_ONLY', message: 'viewers may watch but not change the cluster; connect with the instructor token' });
    }
    try {
      await this.execute(command);
      this.sendTo(socket, { type: 'reply', id, ok: true });
    } catch (e) {
      this.sendTo(socket, { type: 'reply', id, ok: false, code: 'COMMAND_FAILED', message: (e as Error).message });
    }
  }

  /** Carries out one command and records it on the timeline. */
  async execute(command: PanelCommand): Promise<void> {
    switch (command.kind) {
      case 'kill':
        await this.cluster.kill(command.node);
        this.record('fault', `kill -9 ${command.node}`);
        return;
      case 'restart':
        this.record('heal', `restart ${command.node}`);
        await this.cluster.restart(command.node);
        return;
      case 'pause':
        this.cluster.pause(command.node);
        this.record('fault', `pause (SIGSTOP) ${command.node}`);
        return;
      case 'resume':
        this.cluster.resume(command.node);
        this.record('heal', `resume (SIGCONT) ${command.node}`);
        return;
      case 'partition': {
        const cuts = this.cluster.partition(command.node === undefined ? { shape: command.shape } : { shape: command.shape, node: command.node });
        this.record('fault', `partition ${command.shape}${command.node ? ` ${command.node}` : ''} (${cuts.length} links cut)`);
        return;
      }
      case 'cut':
        this.cluster.cutLinks(command.links);
        this.record('fault', `cut ${command.links.map((l) => `${l.from}->${l.to}`).join(', ') || 'nothing'}`);
        return;
      case 'link-fault': {
        const { to, ...fault } = command.fault;
        this.cluster.setLinkFault(command.from, to, fault);
        this.record('fault', `link ${command.from}->${to}: ${JSON.stringify(fault)}`);
        return;
      }
      case 'skew':
        this.cluster.setSkew(command.node, command.skewMs);
        this.record('fault', `clock skew ${command.node} ${command.skewMs} ms`);
        return;
      case 'heal':
        this.cluster.heal();
        this.record('heal', 'heal all network and clock faults');
        return;
      case 'add-node': {
        this.record('membership', 'adding a node (join through the log)');
        const id = await this.cluster.addNode(command.weight);
        this.record('membership', `${id} joined the ring; keys rebalanced`);
        return;
      }
      case 'remove-node': {
        this.record('membership', `${command.node} leaving the ring (leave through the log)`);
        const { stopped } = await this.cluster.removeNode(command.node);
        this.record(
          'membership',
          stopped
            ? `${command.node} left the ring; its keys moved and its process stopped`
            : `${command.node} left the ring; its keys moved (a founding member keeps running as a Paxos acceptor and 2PC home)`,
        );
        if (stopped) {
          this.dirtyNodes.delete(command.node);
          this.pending.push({ kind: 'node-removed', node: command.node });
        }
        return;
      }
      default:
        return unreachable(command, 'panel command');
    }
  }

  private flush(): void {
    if (this.sockets.size === 0) {
      this.pending = [];
      this.dirtyNodes.clear();
      this.pendingEvents.clear();
      return;
    }
    const changes: PanelChange[] = this.pending;
    this.pending = [];
    const present = new Set(this.cluster.ids);
    for (const id of this.dirtyNodes) if (present.has(id)) changes.push({ kind: 'node', node: this.node(id) });
    this.dirtyNodes = new Set();
    for (const [node, b] of this.pendingEvents) changes.push({ kind: 'messages', node, events: b.events, dropped: b.dropped });
    this.pendingEvents.clear();
    if (changes.length === 0) return;
    this.seq++;
    const frame = JSON.stringify({ type: 'changes', seq: this.seq, changes } satisfies PanelServerMessage);
    for (const socket of this.sockets.keys()) if (socket.readyState === 1) socket.send(frame);
  }

  private sendTo(socket: WebSocket, msg: PanelServerMessage): void {
    if (socket.readyState === 1) socket.send(JSON.stringify(msg));
  }

  close(): void {
    clearInterval(this.flushTimer);
    this.monitor.stop();
    for (const s of this.sockets.keys()) s.close(1001, 'supervisor stopping');
  }
}

