/**
 * The cluster on this machine: N node processes, the registry they report to, and the
 * faults applied to them. Process faults (kill, pause) are real signals; network faults
 * and clock skew are settings pushed to every node's transport and clock over the
 * control channel (core/protocol/control.ts).
 */
import { EventEmitter } from 'node:events';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IncomingMessage } from 'node:http';
import { unreachable } from '../algorithms/common/unreachable';
import { CREDENTIAL_ENV, ClusterKeys, NODE_ID_HEADER, randomSecret, sameSecret } from '../node/credentials';
import type { GuardedSocket } from '../node/guarded-socket';
import { partitionCuts, type Link, type PartitionRequest } from '../algorithms/common/partitions';
import {
  CONTROL_MAX_FRAME_BYTES,
  fromNodeSchema,
  type LinkFault,
  type NodeEvent,
  type NodeFaults,
  type ToNode,
} from '../protocol/control';
import type { LinkState } from '../protocol/panel';
import { SupervisorHttpServer } from './http-server';
import { proposeMembership, waitRingSettled } from './membership-ops';
import { NodeProcess, type NodeLifecycle, type PauseKind } from './node-process';
import type { NodeRuntime } from './node-runtime';
import { pauseKindFor } from './pause-kind';
import { Reaper } from './reaper';
import { formatNodeWeights, parseNodeWeights } from '../protocol/weights';

export interface ClusterOptions {
  readonly nodes: number;
  readonly dataDir: string;
  /**
   * The client token (what workloads and users present on a node's /client); random when
   * omitted. It opens nothing else: nodes prove per-node secrets and per-link keys derived
   * from a cluster key that never leaves this process (core/node/credentials.ts).
   */
  readonly token?: string;
  /** The node entry script; core/node/node-main.ts by default. */
  readonly entry?: string;
  /** Extra arguments for every node (e.g. ['--mode', 'quorum']). */
  readonly nodeArgs?: readonly string[];
  /** A supervisor server to attach to (the panel shares it); a new one otherwise. */
  readonly server?: SupervisorHttpServer;
  /** Multiplies every node's Paxos timeouts and failure-detector timing (node --time-scale). */
  readonly timeScale?: number;
  /** The program and bundles for nodes and the reaper (the desktop app passes its own). */
  readonly runtime?: NodeRuntime;
  /** How pause works; default: SIGSTOP where the platform has it, the node's own freeze on Windows. */
  readonly pauseKind?: PauseKind;
  /**
   * Weights of the founding members (n1..nN; absent: 1): the ring replicas give a node of
   * weight w w times the virtual nodes, and endpoints() carries them for the weighted and
   * ring client policies. Every node gets them as `--weights`.
   */
  readonly weights?: Readonly<Record<string, number>>;
}

export interface ClusterProgress {
  readonly phase: 'spawning' | 'node-ready' | 'registered' | 'ready';
  readonly node?: string;
  readonly message: string;
  readonly elapsedMs: number;
}

export interface NodeView {
  readonly id: string;
  readonly lifecycle: NodeLifecycle;
  readonly pid: number | undefined;
  readonly port: number | undefined;
  readonly connected: boolean;
  readonly status: Record<string, unknown> | undefined;
  readonly faults: NodeFaults;
  /** How it is paused, when it is. */
  readonly pauseKind: PauseKind | undefined;
}

interface Member {
  readonly id: string;
  readonly proc: NodeProcess;
  port: number | undefined;
  socket: GuardedSocket | undefined;
  status: Record<string, unknown> | undefined;
}

type ClusterEvents = {
  progress: [ClusterProgress];
  status: [string, Record<string, unknown>];
  events: [string, NodeEvent[]];
  lifecycle: [string, NodeLifecycle];
  faults: [];
};

const defaultEntry = fileURLToPath(new URL('../node/node-main.ts', import.meta.url));

export class Cluster extends EventEmitter<ClusterEvents> {
  /** The client token: give it to clients; it opens a node's /client and nothing else. */
  readonly token: string;
  /** Node secrets and link keys; the cluster key stays inside. */
  private readonly keys = new ClusterKeys();
  readonly members = new Map<string, Member>();
  private readonly reaper: Reaper;
  private readonly ownsServer: boolean;
  readonly server: SupervisorHttpServer;
  private port = 0;
  private cuts: Link[] = [];
  private readonly linkFaults = new Map<string, LinkFault>();
  private readonly skews = new Map<string, number>();
  private readonly startedAt = performance.now();
  private readonly exitHandler = (): void => this.killAllNow();
  private readonly pendingWaits = new Set<() => void>();
  /** The nodes started with the cluster: the Paxos acceptors and 2PC homes, for good. */
  private founders: readonly string[] = [];
  /** Ids are never reused: a removed node's data directory still holds its log. */
  private nextNodeNumber = 1;
  /** Each member's ring weight where not 1 (founders from the options, later nodes from addNode/reweight). */
  private readonly weights = new Map<string, number>();

  private constructor(private readonly options: ClusterOptions) {
    super();
    this.token = options.token ?? randomSecret(18);
    this.reaper = new Reaper(options.runtime);
    this.ownsServer = options.server === undefined;
    this.server = options.server ?? new SupervisorHttpServer();
  }

  /** Starts the registry and every node; resolves when all have registered. */
  static async start(options: ClusterOptions, onProgress?: (p: ClusterProgress) => void): Promise<Cluster> {
    const cluster = new Cluster(options);
    if (onProgress) cluster.on('progress', onProgress);
    try {
      await cluster.boot();
    } catch (e) {
      await cluster.stop();
      throw e;
    }
    return cluster;
  }

  get ids(): string[] {
    return [...this.members.keys()];
  }

  get registryUrl(): string {
    return `ws://127.0.0.1:${this.port}/node`;
  }

  get supervisorPort(): number {
    return this.port;
  }

  private progress(phase: ClusterProgress['phase'], message: string, node?: string): void {
    const p: ClusterProgress = { phase, message, elapsedMs: Math.round(performance.now() - this.startedAt) };
    this.emit('progress', node === undefined ? p : { ...p, node });
  }

  private async boot(): Promise<void> {
    this.server.route('/node', {
      authorize: (token, request) => this.authorizeNode(token, request),
      onConnection: (socket, role) => this.onNodeSocket(socket, role.slice('node:'.length)),
      maxPayloadBytes: CONTROL_MAX_FRAME_BYTES,
      maxBufferedBytes: 4 * CONTROL_MAX_FRAME_BYTES,
      maxConnections: 256,
      localOnly: true,
    });
    this.port = this.ownsServer ? await this.server.listen() : this.serverPortOrThrow();
    process.on('exit', this.exitHandler);

    const ids = Array.from({ length: this.options.nodes }, (_, i) => `n${i + 1}`);
    this.founders = ids;
    this.nextNodeNumber = ids.length + 1;
    const weights = parseNodeWeights(formatNodeWeights(this.options.weights ?? {}), ids);
    if (typeof weights === 'string') throw new Error(`cluster weights: ${weights}`);
    for (const [id, w] of Object.entries(weights)) this.weights.set(id, w);
    for (const id of ids) await this.createMember(id, false);
    this.progress('spawning', `starting ${ids.length} node processes`);
    const registered = ids.map((id) => this.waitRegistered(id));
    await Promise.all(
      ids.map(async (id) => {
        await this.members.get(id)!.proc.start();
        this.progress('node-ready', `${id} is listening`, id);
        this.emit('lifecycle', id, 'up');
      }),
    );
    await Promise.all(registered);
    this.progress('ready', `all ${ids.length} nodes registered`);
  }

  /**
   * A node process for `id`, not yet started. Every node gets the FOUNDING members as
   * --members (the Paxos acceptors and the initial ring); one added later also --learner.
   */
  private async createMember(id: string, learner: boolean): Promise<Member> {
    const dir = join(this.options.dataDir, id);
    await mkdir(dir, { recursive: true });
    const proc = new NodeProcess(
      {
        id,
        entry: this.options.entry ?? defaultEntry,
        args: [
          '--id', id,
          '--data', dir,
          '--members', this.founders.join(','),
          ...(this.founderWeights() === '' ? [] : ['--weights', this.founderWeights()]),
          ...(learner ? ['--learner'] : []),
          '--supervisor', this.registryUrl,
          ...(this.options.timeScale !== undefined && this.options.timeScale !== 1 ? ['--time-scale', String(this.options.timeScale)] : []),
          ...(this.options.nodeArgs ?? []),
        ],
        // Secrets in the environment, never in argv (which every local user can read).
        env: { [CREDENTIAL_ENV.clientToken]: this.token, [CREDENTIAL_ENV.nodeSecret]: this.keys.nodeSecret(id) },
        ...(this.options.runtime ? { runtime: this.options.runtime } : {}),
      },
      this.reaper,
    );
    proc.on('exit', () => {
      const m = this.members.get(id);
      if (m) {
        m.port = undefined;
        m.socket = undefined;
      }
      this.emit('lifecycle', id, proc.state);
    });
    const member: Member = { id, proc, port: undefined, socket: undefined, status: undefined };
    this.members.set(id, member);
    return member;
  }

  private serverPortOrThrow(): number {
    const addr = this.server.server.address();
    if (addr === null || typeof addr === 'string') throw new Error('the shared supervisor server must be listening first');
    return addr.port;
  }

  /**
   * Resolves when `id` registers. Its timer is cleared by stop(), so a start that failed
   * part-way leaves no timer behind to reject after the cluster is gone.
   */
  private waitRegistered(id: string, timeoutMs = 20_000): Promise<void> {
    const wait = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        done();
        reject(new Error(`node ${id} did not register within ${timeoutMs} ms`));
      }, timeoutMs);
      const check = (p: ClusterProgress): void => {
        if (p.phase === 'registered' && p.node === id) {
          done();
          resolve();
        }
      };
      const done = (): void => {
        clearTimeout(timer);
        this.off('progress', check);
        this.pendingWaits.delete(done);
      };
      this.pendingWaits.add(done);
      this.on('progress', check);
    });
    // Whoever awaits it sees the rejection; an abandoned wait must not crash the process.
    wait.catch(() => {});
    return wait;
  }

  /**
   * A node names itself (NODE_ID_HEADER) and proves it with its own secret (Bearer): the
   * role is `node:<id>`, and that socket may speak for that id only. The client token, or
   * another node's secret, registers nothing.
   */
  private authorizeNode(token: string | undefined, request: IncomingMessage): string | undefined {
    const id = request.headers[NODE_ID_HEADER];
    if (typeof id !== 'string' || !this.members.has(id)) return undefined;
    return sameSecret(token, this.keys.nodeSecret(id)) ? `node:${id}` : undefined;
  }

  private onNodeSocket(socket: GuardedSocket, id: string): void {
    socket.on('message', (data) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(data.toString());
      } catch {
        socket.send(JSON.stringify({ type: 'error', code: 'MALFORMED_JSON', message: 'control frames are JSON' }));
        return;
      }
      const result = fromNodeSchema.safeParse(parsed);
      if (!result.success) {
        socket.send(JSON.stringify({ type: 'error', code: 'INVALID_MESSAGE', message: result.error.issues[0]?.message ?? 'invalid' }));
        return;
      }
      const msg = result.data;
      const member = this.members.get(msg.id);
      if (!member || id !== msg.id) {
        socket.send(JSON.stringify({ type: 'error', code: 'WRONG_NODE', message: `this socket speaks for ${id} only, not ${msg.id}` }));
        return;
      }
      switch (msg.type) {
        case 'register':
          member.port = msg.port;
          member.socket = socket;
          this.send(member, { type: 'faults', faults: this.faultsOf(member.id) });
          this.broadcastPeers();
          this.progress('registered', `${msg.id} registered on port ${msg.port}`, msg.id);
          return;
        case 'status':
          member.status = msg.status;
          this.emit('status', msg.id, msg.status);
          return;
        case 'events':
          this.emit('events', msg.id, msg.events);
          return;
        default:
          return unreachable(msg, 'control message');
      }
    });
    socket.on('close', () => {
      const member = this.members.get(id);
      if (member && member.socket === socket) member.socket = undefined;
    });
  }

  private send(member: Member, msg: ToNode): void {
    if (member.socket?.readyState === 1) member.socket.send(JSON.stringify(msg));
  }

  /** Each node gets the peer table with the keys of its own links only. */
  private broadcastPeers(): void {
    const up = [...this.members.values()].filter((m) => m.port !== undefined);
    for (const m of this.members.values()) {
      const peers = up.filter((p) => p.id !== m.id).map((p) => ({ id: p.id, port: p.port as number, key: this.keys.linkKey(m.id, p.id) }));
      this.send(m, { type: 'peers', peers });
    }
  }

  /** The faults one node enforces: its outbound cuts and link settings, and its skew. */
  faultsOf(id: string): NodeFaults {
    const links = new Map<string, LinkFault>();
    for (const [key, f] of this.linkFaults) {
      const [from, to] = key.split('->') as [string, string];
      if (from === id) links.set(to, { ...f, to });
    }
    for (const c of this.cuts) {
      if (c.from === id) links.set(c.to, { ...(links.get(c.to) ?? { to: c.to }), cut: true });
    }
    return { skewMs: this.skews.get(id) ?? 0, links: [...links.values()] };
  }

  private pushFaults(): void {
    for (const m of this.members.values()) this.send(m, { type: 'faults', faults: this.faultsOf(m.id) });
    this.emit('faults');
  }

  private member(id: string): Member {
    const m = this.members.get(id);
    if (!m) throw new Error(`no node "${id}" (nodes: ${this.ids.join(', ')})`);
    return m;
  }

  // ---- process faults (real signals) ----

  async kill(id: string): Promise<void> {
    // The process's exit event reports the new lifecycle (see boot()).
    await this.member(id).proc.kill();
  }

  /**
   * Starts a killed or exited node again from its data directory. A node already up, or
   * being started by someone else (the self-heal policy, core/supervisor/self-heal.ts, and
   * a nemesis heal may both restart it), is waited for, not started twice.
   */
  async restart(id: string): Promise<void> {
    const m = this.member(id);
    if (m.proc.state === 'up' || m.proc.state === 'paused') return;
    if (m.proc.state === 'starting') {
      await this.untilRegistered(m);
      return;
    }
    const registered = this.waitRegistered(id);
    await m.proc.start();
    this.emit('lifecycle', id, 'up');
    await registered;
  }

  /** Resolves once a node someone else is starting is up and registered. */
  private async untilRegistered(m: Member, timeoutMs = 30_000): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (!(m.proc.state === 'up' && m.socket !== undefined)) {
      if (m.proc.state !== 'starting' && m.proc.state !== 'up') throw new Error(`node ${m.id} did not come up (${m.proc.state})`);
      if (performance.now() > deadline) throw new Error(`node ${m.id} was not up within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** A node's data folder (its durable log and snapshots). */
  dataDirOf(id: string): string {
    this.member(id);
    return join(this.options.dataDir, id);
  }

  /** How pause() works on this cluster (SIGSTOP, or the node's own freeze where there is none). */
  get pauseKind(): PauseKind {
    return this.options.pauseKind ?? pauseKindFor(process.platform);
  }

  pause(id: string): void {
    const m = this.member(id);
    const how = this.pauseKind;
    if (how === 'control') {
      if (m.proc.state !== 'up' || m.socket?.readyState !== 1) throw new Error(`cannot pause node ${id}: it is ${m.proc.state}${m.socket ? '' : ' and not connected'}`);
      this.send(m, { type: 'freeze' });
    }
    m.proc.pause(how);
    this.emit('lifecycle', id, 'paused');
  }

  resume(id: string): void {
    const m = this.member(id);
    const how = m.proc.pauseKind;
    m.proc.resume();
    if (how === 'control') this.send(m, { type: 'thaw' });
    this.emit('lifecycle', id, 'up');
  }

  // ---- membership (ring members through the Paxos log) ----

  /** The founding members: the Paxos acceptors and 2PC homes (they never leave the process set). */
  get foundingMembers(): readonly string[] {
    return this.founders;
  }

  /**
   * Starts a new node n<k> as a Paxos learner, waits for it to register, proposes its join
   * through the log, and resolves with its id once every live node places keys on the new
   * ring and no key is still moving. A failed join stops the new process again.
   */
  async addNode(weight?: number): Promise<string> {
    const id = `n${this.nextNodeNumber++}`;
    const member = await this.createMember(id, true);
    try {
      const registered = this.waitRegistered(id);
      await member.proc.start();
      this.emit('lifecycle', id, 'up');
      await registered;
      const op = weight === undefined ? { type: 'join' as const, node: id } : { type: 'join' as const, node: id, weight };
      const { epoch, members } = await proposeMembership(() => this.endpoints(), this.token, op);
      await waitRingSettled(() => this.liveIds(), (n) => this.members.get(n)?.status, members, epoch);
      if (weight !== undefined && weight !== 1) this.weights.set(id, weight);
      return id;
    } catch (e) {
      await member.proc.stop().catch(() => member.proc.killNow());
      this.members.delete(id);
      this.broadcastPeers();
      throw e;
    }
  }

  /**
   * Proposes `id`'s leave through the log and waits until every live node has the new ring
   * and no key is still moving (the leaver streamed its keys to their new owners). Then a
   * node added later is stopped and forgotten; a founding member keeps running, because it
   * is a Paxos acceptor and a 2PC home (reconfiguring those is out of scope): it only
   * stops holding ring replicas. `stopped` says which happened.
   */
  async removeNode(id: string): Promise<{ stopped: boolean }> {
    const member = this.member(id);
    const { epoch, members } = await proposeMembership(() => this.endpoints(), this.token, { type: 'leave', node: id });
    await waitRingSettled(() => this.liveIds(), (n) => this.members.get(n)?.status, members, epoch);
    if (this.founders.includes(id)) return { stopped: false };
    await member.proc.stop().catch(() => member.proc.killNow());
    this.members.delete(id);
    this.broadcastPeers();
    this.emit('lifecycle', id, 'stopped');
    return { stopped: true };
  }

  /** Nodes whose process is up (paused or killed ones cannot report a settled ring). */
  private liveIds(): string[] {
    return this.ids.filter((id) => this.members.get(id)?.proc.state === 'up');
  }

  // ---- network and clock faults (enforced in each node) ----

  /** Cuts the links of a named partition (replacing any earlier partition). */
  partition(request: PartitionRequest): Link[] {
    this.cuts = partitionCuts(this.ids, request);
    this.pushFaults();
    return this.cuts;
  }

  /** Cuts exactly these directed links (any shape, one-way too). */
  cutLinks(links: readonly Link[]): void {
    for (const l of links) {
      this.member(l.from);
      this.member(l.to);
    }
    this.cuts = [...links];
    this.pushFaults();
  }

  /** Sets drop/delay/duplicate/reorder on the link from -> to (one direction). */
  setLinkFault(from: string, to: string, fault: Omit<LinkFault, 'to'>): void {
    this.member(from);
    this.member(to);
    this.linkFaults.set(`${from}->${to}`, { ...fault, to });
    this.pushFaults();
  }

  setSkew(id: string, skewMs: number): void {
    this.member(id);
    this.skews.set(id, skewMs);
    this.pushFaults();
  }

  /** Removes every network and clock fault; processes stay as they are. */
  heal(): void {
    this.cuts = [];
    this.linkFaults.clear();
    this.skews.clear();
    this.pushFaults();
  }

  get currentCuts(): readonly Link[] {
    return this.cuts;
  }

  /** Every directed link with a fault (cut, drop, delay, duplicate, reorder), for the panel. */
  linkStates(): LinkState[] {
    const states = new Map<string, LinkState>();
    for (const [key, f] of this.linkFaults) {
      const [from, to] = key.split('->') as [string, string];
      const { to: _to, cut, ...rest } = f;
      states.set(key, { from, to, cut: cut === true, ...rest });
    }
    for (const c of this.cuts) {
      const key = `${c.from}->${c.to}`;
      states.set(key, { ...(states.get(key) ?? { from: c.from, to: c.to }), cut: true });
    }
    return [...states.values()];
  }

  /** The clock skew the supervisor set on `id` (0 when none). */
  skewOf(id: string): number {
    return this.skews.get(id) ?? 0;
  }

  // ---- views ----

  view(id: string): NodeView {
    const m = this.member(id);
    return {
      id,
      lifecycle: m.proc.state,
      pid: m.proc.pid,
      port: m.proc.state === 'up' || m.proc.state === 'paused' ? m.port : undefined,
      connected: m.socket !== undefined,
      status: m.status,
      faults: this.faultsOf(id),
      pauseKind: m.proc.pauseKind,
    };
  }

  views(): NodeView[] {
    return this.ids.map((id) => this.view(id));
  }

  /** Client ports of the nodes that are up, with their ring weights, for workloads and tools. */
  endpoints(): { id: string; port: number; weight: number }[] {
    return this.views()
      .filter((v) => v.lifecycle === 'up' && v.port !== undefined)
      .map((v) => ({ id: v.id, port: v.port as number, weight: this.weightOf(v.id) }));
  }

  /** A node's ring weight (1 unless set). */
  weightOf(id: string): number {
    return this.weights.get(id) ?? 1;
  }

  /** The founders' weights as node `--weights` text ('' when all are 1): the initial membership of every node. */
  private founderWeights(): string {
    return formatNodeWeights(Object.fromEntries(this.founders.map((id) => [id, this.weightOf(id)])));
  }

  /**
   * Changes a ring member's weight through the log (a join of a member with a new weight)
   * and waits until every live node places keys on the new ring with no key still moving.
   */
  async reweight(id: string, weight: number): Promise<void> {
    this.member(id);
    const { epoch, members } = await proposeMembership(() => this.endpoints(), this.token, { type: 'join', node: id, weight });
    await waitRingSettled(() => this.liveIds(), (n) => this.members.get(n)?.status, members, epoch);
    if (weight === 1) this.weights.delete(id);
    else this.weights.set(id, weight);
  }

  // ---- shutdown ----

  private killAllNow(): void {
    for (const m of this.members.values()) m.proc.killNow();
  }

  async stop(): Promise<void> {
    process.off('exit', this.exitHandler);
    for (const cancel of [...this.pendingWaits]) cancel();
    await Promise.all([...this.members.values()].map((m) => m.proc.stop().catch(() => m.proc.killNow())));
    this.reaper.close();
    if (this.ownsServer) await this.server.close();
  }
}
