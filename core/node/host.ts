/**
 * The node process's driver: it owns the one clock, the one durable log and the sockets,
 * and runs the node's machine (node-machine.ts) exactly as the Ready contract says:
 *   step -> append the batch's records -> fsync (group commit) -> send and reply.
 * Sends of a batch wait for every record appended up to that batch, so nothing a message
 * or a reply depends on can be lost by a crash after it left. Ticks drive every timer.
 */
import { join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { InvariantViolation, type Input, type Ready, type Tagged } from '../algorithms/common';
import { PHI_DEFAULTS, PhiAccrualDetector } from '../algorithms/detector';
import { DEFAULT_PAXOS_TIMING } from '../algorithms/paxos';
import { DEFAULT_TWOPC_TIMING } from '../algorithms/twopc';
import { REPLICATION_DEFAULTS } from '../algorithms/replication';
import type { NodeEvent, ToNode } from '../protocol/control';
import type { DropReason, NodeRangesStatus, NodeStatus } from '../protocol/panel';
import { CLIENT_LIMITS, ClientApi } from './client-api';
import { DEFAULT_COMPACT_ABOVE_BYTES, NodeCompactor } from './compaction';
import { NodeClock } from './clock';
import { ControlLink } from './control-link';
import { DurableLog, type LogRepair } from './durable-log';
import { SocketFreezer, isSocketTo } from './freezer';
import { buildNodeMachine, type KvMode, type NodeMachine, type ReplicationTiming } from './node-machine';
import { logValueSummary, messageFacts } from './panel-facts';
import type { TxnMode } from '../protocol/modes';
import type { LockPolicy } from '../algorithms/twopc/lock-table';
import type { PlacementKind, RangeTable } from '../algorithms/placement';
import { MessageEventCap } from './message-event-cap';
import { RequestStats } from './request-stats';
import { Transport, type PeerAddress } from './transport';

export interface NodeHostOptions {
  readonly id: string;
  /** The founding members (Paxos acceptors, initial ring); see NodeMachineConfig.members. */
  readonly members: readonly string[];
  /** Joined after the start: a Paxos learner and, once its join is applied, a ring member. */
  readonly learner?: boolean;
  readonly dataDir: string;
  /** The client token (what /client accepts); core/node/credentials.ts has every role. */
  readonly token: string;
  /** This node's secret for the supervisor's /node (needed with supervisorUrl). */
  readonly supervisorSecret?: string;
  /** Link keys known up front by peer id (standalone); the supervisor sends them with the peers. */
  readonly linkKeys?: Readonly<Record<string, string>>;
  readonly mode: KvMode;
  /** How the ring replicas place keys (default hash); range: ordered ranges that split past splitKeys keys. */
  readonly placement?: PlacementKind;
  readonly splitKeys?: number;
  /** How transactions decide (default classic). */
  readonly txnMode?: TxnMode;
  /** What a 2PC participant does on a lock conflict (default no-wait). */
  readonly lockPolicy?: LockPolicy;
  readonly supervisorUrl?: string;
  /** Peers known up front (without a supervisor). */
  readonly peers?: Readonly<Record<string, PeerAddress>>;
  readonly port?: number;
  readonly tickMs?: number;
  readonly statusMs?: number;
  readonly eventsMs?: number;
  readonly seed?: number;
  /** The durable log is compacted once it grows past this (default 8 MiB). */
  readonly compactAboveBytes?: number;
  /** Paxos snapshots every this many applied slots (PaxosConfig.snapshotEverySlots). */
  readonly snapshotEverySlots?: number;
  /** async mode: the primary's delay before copying to the other replicas. */
  readonly asyncCopyDelayMs?: number;
  /** Ring weights of the founding members (NodeMachineConfig.weights). */
  readonly weights?: Readonly<Record<string, number>>;
  /**
   * Slows the node's timing down for a room to watch (1, 3, 10): multiplies the Paxos
   * heartbeat and election timeouts and the failure detector's interval and deviation floor.
   */
  readonly timeScale?: number;
}

/** Events per flush at most, and message events per flush at most (each its own cap). */
const MAX_EVENTS_PER_FLUSH = 500;

export class NodeHost {
  private readonly clock = new NodeClock();
  private readonly stats = new RequestStats();
  /** What the panel shows as suspicion: every message from a peer is a heartbeat. */
  private readonly detector: PhiAccrualDetector;
  /** Message ids: unique per incarnation (a restarted node starts a new prefix). */
  private readonly msgPrefix = `${Date.now().toString(36)}`;
  private msgCounter = 0;
  private readonly clientApi: ClientApi;
  private durable: Promise<void> = Promise.resolve();
  private events: NodeEvent[] = [];
  /** Message events keep or let go whole messages, by the id hash the supervisor uses too. */
  private readonly messageEvents = new MessageEventCap(MAX_EVENTS_PER_FLUSH);
  private droppedEvents = 0;
  private timers: NodeJS.Timeout[] = [];
  /** Pause without SIGSTOP (control messages freeze/thaw); only with a supervisor. */
  private freezer: SocketFreezer | undefined;
  private control: ControlLink | undefined;
  private transport!: Transport;
  private stopped = false;
  private readonly compactor: NodeCompactor;

  private constructor(
    private readonly options: NodeHostOptions,
    private readonly node: NodeMachine,
    private readonly log: DurableLog<Tagged>,
    readonly repair: LogRepair | undefined,
    readonly restoredRecords: number,
    restored: readonly Tagged[],
  ) {
    this.compactor = new NodeCompactor(node.machine, restored);
    const scale = options.timeScale ?? 1;
    this.detector = new PhiAccrualDetector({
      firstHeartbeatEstimateMs: PHI_DEFAULTS.firstHeartbeatEstimateMs * scale,
      minStdDeviationMs: PHI_DEFAULTS.minStdDeviationMs * scale,
    });
    this.clientApi = new ClientApi(
      {
        id: options.id,
        mode: options.mode,
        submit: (request) => this.input({ kind: 'request', request, nowMs: this.clock.nowMs() }),
        status: () => ({ ...this.status() }),
        lockHolder: (lock) => {
          const view = this.node.locks.queryLocal({ type: 'holder', lock }) as { ok: boolean; kind?: string; holder?: { owner: string; token: number } | null };
          return view.ok && view.kind === 'holder' && view.holder ? view.holder : undefined;
        },
        onAnswered: (ms, ok) => this.stats.record(ms, ok),
      },
      options.token,
    );
  }

  static async start(options: NodeHostOptions): Promise<NodeHost> {
    await mkdir(options.dataDir, { recursive: true });
    const opened = await DurableLog.open<Tagged>(join(options.dataDir, 'node.log'), {
      compactAboveBytes: options.compactAboveBytes ?? DEFAULT_COMPACT_ABOVE_BYTES,
    });
    const node = stopOnInvariant(options.id, () => buildNodeMachine(
      {
        id: options.id,
        members: options.members,
        ...(options.learner === true ? { learner: true } : {}),
        mode: options.mode,
        ...(options.txnMode !== undefined ? { txnMode: options.txnMode } : {}),
        ...(options.lockPolicy !== undefined ? { lockPolicy: options.lockPolicy } : {}),
        ...(options.placement !== undefined ? { placement: options.placement } : {}),
        ...(options.splitKeys !== undefined ? { splitKeys: options.splitKeys } : {}),
        seed: options.seed ?? hashSeed(options.id),
        ...(options.snapshotEverySlots !== undefined ? { snapshotEverySlots: options.snapshotEverySlots } : {}),
        ...(options.asyncCopyDelayMs !== undefined ? { asyncCopyDelayMs: options.asyncCopyDelayMs } : {}),
        ...(options.weights !== undefined ? { weights: options.weights } : {}),
        ...(options.timeScale !== undefined && options.timeScale !== 1
          ? { paxosTiming: scaledPaxosTiming(options.timeScale), twopcTiming: scaledTwoPcTiming(options.timeScale) }
          : {}),
        ...(options.timeScale !== undefined && options.timeScale !== 1 && options.mode === 'semi-sync'
          ? { replicationTiming: scaledSemiSyncTiming(options.timeScale) }
          : {}),
      },
      opened.records,
    ));
    const host = new NodeHost(options, node, opened.log, opened.repair, opened.records.length, opened.records);
    await host.listen();
    return host;
  }

  get port(): number {
    return this.transport.port;
  }

  private async listen(): Promise<void> {
    const o = this.options;
    this.transport = new Transport({
      id: o.id,
      ...(o.linkKeys ? { linkKeys: o.linkKeys } : {}),
      ...(o.port !== undefined ? { port: o.port } : {}),
      ...(o.peers ? { peers: o.peers } : {}),
      onMessage: (from, part, body, id) => {
        const nowMs = this.clock.nowMs();
        this.detector.heartbeat(from, nowMs);
        if (id !== undefined) this.note({ t: nowMs, kind: 'msg.recv', from, to: this.options.id, id });
        this.input({ kind: 'message', from, msg: { part, body }, nowMs });
      },
      onEvent: (e) => {
        if (e.kind === 'refused') this.note({ t: this.clock.nowMs(), kind: 'refused', ...(e.peer ? { from: e.peer } : {}), detail: { code: e.code, message: e.message } });
      },
      endpoints: { '/client': { ...CLIENT_LIMITS, accept: (socket, request) => this.clientApi.accept(socket, request) } },
    });
    const port = await this.transport.listen();
    // Expect every member from now on, so one that never comes up is suspected too.
    for (const m of o.members) if (m !== o.id) this.detector.heartbeat(m, this.clock.nowMs());
    this.startTimers();
    if (o.supervisorUrl) {
      // Subscribed before the control link dials, so every socket from now on is tracked.
      this.freezer = new SocketFreezer(isSocketTo(Number(new URL(o.supervisorUrl).port)));
      this.control = new ControlLink({ url: o.supervisorUrl, secret: o.supervisorSecret ?? '', id: o.id, port, onCommand: (m) => this.onControl(m) });
      this.control.start();
    }
  }

  private startTimers(): void {
    const o = this.options;
    this.timers.push(setInterval(() => this.input({ kind: 'tick', nowMs: this.clock.nowMs() }), o.tickMs ?? 10));
    this.timers.push(setInterval(() => this.reportStatus(), o.statusMs ?? 250));
    this.timers.push(setInterval(() => this.flushEvents(), o.eventsMs ?? 100));
  }

  private stopTimers(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
  }

  /** Paused by control message: no socket read, no tick, no report, until thaw(). */
  private freeze(): void {
    if (this.stopped || this.freezer?.isFrozen !== false) return;
    // The last report says how it is paused (the supervisor's view says so too).
    this.control?.status({ ...this.status(), paused: 'control' });
    this.stopTimers();
    this.freezer.freeze();
  }

  private thaw(): void {
    if (this.stopped || this.freezer?.isFrozen !== true) return;
    this.freezer.thaw();
    this.startTimers();
  }

  private onControl(msg: ToNode): void {
    switch (msg.type) {
      case 'peers':
        this.transport.setPeers(Object.fromEntries(msg.peers.filter((p) => p.id !== this.options.id).map((p) => [p.id, { port: p.port, key: p.key }])));
        return;
      case 'faults':
        this.transport.faults.setOutbound(msg.faults.links);
        this.clock.setSkewMs(msg.faults.skewMs);
        return;
      case 'freeze':
        this.freeze();
        return;
      case 'thaw':
        this.thaw();
        return;
      default: {
        const never: never = msg;
        throw new Error(`unhandled control message ${JSON.stringify(never)}`);
      }
    }
  }

  /** One input through the machine, then its effects in the order the Ready contract demands. */
  private input(input: Input<Tagged, Tagged>): void {
    if (this.stopped) return;
    const ready = stopOnInvariant(this.options.id, () => this.node.machine.step(input));
    this.carryOut(ready);
  }

  private carryOut(ready: Ready<Tagged, Tagged, Tagged, Tagged>): void {
    if (ready.persist.length > 0) {
      this.durable = this.log.appendAll(ready.persist);
      this.durable.catch((e: unknown) => {
        // A node that cannot make its promises durable must not make them at all.
        process.stderr.write(`node ${this.options.id}: durable log failed, stopping: ${(e as Error).message}\n`);
        process.exit(70);
      });
      this.compactor.note(ready.persist);
      // Between steps the machine's state covers every record appended so far: the moment
      // DurableLog.compact asks for. Later appends queue behind it and are not lost.
      this.compactor.maybeCompact(this.log)?.catch((e: unknown) => {
        process.stderr.write(`node ${this.options.id}: compaction failed, stopping: ${(e as Error).message}\n`);
        process.exit(70);
      });
    }
    const t = this.clock.nowMs();
    for (const ev of ready.events) {
      const body = ev.body as { kind?: string; type?: string };
      this.note({ t, kind: `${ev.part}.${body.kind ?? body.type ?? 'event'}`, detail: ev.body });
    }
    const locksApplied = appliedLockNames(ready.events);
    if (ready.send.length === 0 && ready.replies.length === 0 && locksApplied.length === 0) return;
    const dispatch = (): void => {
      for (const s of ready.send) {
        if (s.to === this.options.id) {
          // A message to itself (the Paxos leader's own accept and vote): delivered locally,
          // after this batch's records are durable like any other send, on a later turn.
          setImmediate(() => this.input({ kind: 'message', from: this.options.id, msg: s.msg, nowMs: this.clock.nowMs() }));
          continue;
        }
        const id = `${this.options.id}.${this.msgPrefix}.${(this.msgCounter++).toString(36)}`;
        const body = s.msg.body as { type?: string; kind?: string };
        const type = `${s.msg.part}.${body.type ?? body.kind ?? '?'}`.slice(0, 64);
        const sentAt = this.clock.nowMs();
        this.note({ t: sentAt, kind: 'msg.send', from: this.options.id, to: s.to, type, id, detail: messageFacts(s.msg.body) });
        if (!this.transport.send(s.to, s.msg.part, s.msg.body, id)) {
          this.note({ t: sentAt, kind: 'msg.drop', from: this.options.id, to: s.to, type, id, detail: { reason: this.dropReason(s.to) } });
        }
      }
      for (const r of ready.replies) this.clientApi.deliver(r);
      for (const lock of locksApplied) this.clientApi.lockApplied(lock);
    };
    if (ready.persist.length === 0 && this.durable === undefined) dispatch();
    else void this.durable.then(dispatch, () => {});
  }

  /** Why a send went nowhere: the link is cut, a drop fault hit, or the peer is not connected. */
  private dropReason(to: string): DropReason {
    if (!this.transport.isConnected(to)) return 'node-down';
    return this.transport.faults.rule('out', to).cut ? 'cut' : 'drop';
  }

  /** Message events have their own cap, so a burst of traffic never crowds out the rest. */
  private note(e: NodeEvent): void {
    if (e.kind.startsWith('msg.')) this.messageEvents.add(e);
    else if (this.events.length < MAX_EVENTS_PER_FLUSH) this.events.push(e);
    else this.droppedEvents++;
  }

  private flushEvents(): void {
    const messages = this.messageEvents.take();
    this.control?.events(messages.events.length === 0 ? this.events : [...this.events, ...messages.events], this.droppedEvents + messages.skipped);
    this.events = [];
    this.droppedEvents = 0;
  }

  status(): NodeStatus {
    const paxos = this.node.paxos.status();
    const from = Math.max(1, paxos.chosenUpTo - 20);
    return {
      id: this.options.id,
      mode: this.options.mode,
      clockMs: this.clock.nowMs(),
      skewMs: this.clock.skewMs,
      timeScale: this.options.timeScale ?? 1,
      paxos,
      log: this.node.paxos
        .logEntries(from, Math.max(from, paxos.lastAcceptedSlot))
        .map((e) => ({ slot: e.slot, state: e.state, ...(e.ballot ? { ballot: e.ballot } : {}), summary: logValueSummary(e.value) })),
      locks: this.node.locks.snapshot().map(({ deadlineMs, ...rest }) => (deadlineMs === undefined ? rest : { ...rest, deadlineMs })),
      txns: this.node.txns.status(),
      ring: {
        epoch: this.node.membership.currentEpoch,
        members: this.node.membership.view().members.map((m) => ({ id: m.id, weight: m.weight ?? 1 })),
        replMembers: [...this.node.repl.members()],
        pendingTransfers: this.node.repl.pendingTransfers(),
        learner: this.node.paxos.isLearner,
        ...rangesStatus(this.node.repl.rangeTable()),
      },
      suspicion: Object.fromEntries(
        this.options.members
          .filter((m) => m !== this.options.id)
          .map((m) => [m, { phi: round2(this.detector.suspicion(m, this.clock.nowMs())), suspected: this.detector.isSuspected(m, this.clock.nowMs()) }]),
      ),
      transport: { ...this.transport.stats, peers: this.transport.peers().map((p) => ({ id: p, connected: this.transport.isConnected(p) })) },
      durable: {
        records: this.log.recordCount,
        bytes: this.log.sizeBytes,
        compactions: this.log.stats.compactions,
        snapshotFloor: this.node.paxos.snapshotFloor,
      },
    };
  }

  private reportStatus(): void {
    if (!this.control) return;
    this.control.status({ ...this.status(), metrics: this.stats.roll() });
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    // A node frozen by control message thaws to stop (as a SIGSTOPped one gets SIGCONT first).
    this.freezer?.close();
    // A last tick writes what the machine deferred (chosen records), so a graceful stop
    // restarts with its whole applied prefix.
    this.input({ kind: 'tick', nowMs: this.clock.nowMs() });
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    this.control?.close();
    await this.transport.close();
    await this.durable.catch(() => {});
    await this.log.close();
  }
}

/** Names of the locks that lock commands applied in this batch touched. */
/** Range placement: the table this node's replicas place keys with, for the panel (at most 256 ranges). */
function rangesStatus(table: RangeTable | null): { ranges?: NodeRangesStatus } {
  if (table === null) return {};
  return { ranges: { version: table.version, splits: table.splits, ranges: table.ranges.slice(0, 256).map((r) => ({ start: r.start, owners: [...r.owners] })) } };
}

function appliedLockNames(events: readonly Tagged[]): string[] {
  const names = new Set<string>();
  for (const ev of events) {
    if (ev.part !== 'paxos') continue;
    const body = ev.body as { kind?: string; value?: { kind?: string; command?: { op?: { service?: string; cmd?: { lock?: unknown } } } } };
    if (body.kind !== 'applied' || body.value?.kind !== 'cmd') continue;
    const op = body.value.command?.op;
    if (op?.service === 'locks' && typeof op.cmd?.lock === 'string') names.add(op.cmd.lock);
  }
  return [...names];
}

function scaledPaxosTiming(scale: number): { heartbeatMs: number; electionTimeoutMinMs: number; electionTimeoutMaxMs: number } {
  return {
    heartbeatMs: DEFAULT_PAXOS_TIMING.heartbeatMs * scale,
    electionTimeoutMinMs: DEFAULT_PAXOS_TIMING.electionTimeoutMinMs * scale,
    electionTimeoutMaxMs: DEFAULT_PAXOS_TIMING.electionTimeoutMaxMs * scale,
  };
}

/**
 * A slowed lab slows semi-sync's fallback too, so a room sees the primary wait for a backup;
 * the request timeout grows with it, or the coordinator would give up before the fallback.
 */
function scaledSemiSyncTiming(scale: number): ReplicationTiming {
  return {
    semiSyncTimeoutMs: REPLICATION_DEFAULTS.semiSyncTimeoutMs * scale,
    opTimeoutMs: REPLICATION_DEFAULTS.opTimeoutMs * scale,
  };
}

/** A slowed lab slows 2PC too, so a room can watch a coordinator fail between the votes and the decision. */
function scaledTwoPcTiming(scale: number): { decideTimeoutMs: number; retryMs: number; inDoubtAfterMs: number; workingTimeoutMs: number } {
  return {
    decideTimeoutMs: DEFAULT_TWOPC_TIMING.decideTimeoutMs * scale,
    retryMs: DEFAULT_TWOPC_TIMING.retryMs * scale,
    inDoubtAfterMs: DEFAULT_TWOPC_TIMING.inDoubtAfterMs * scale,
    workingTimeoutMs: DEFAULT_TWOPC_TIMING.workingTimeoutMs * scale,
  };
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

/** A per-node seed for the replica's own PRNG (election back-off), stable across restarts. */
function hashSeed(id: string): number {
  let h = 2166136261;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619);
  return h >>> 0;
}

/**
 * Runs `fn`; a machine that broke an invariant (at restore or in a step) stops the node with
 * the reason, before anything of that step is written, sent or answered: a node that keeps
 * going would serve wrong data.
 */
function stopOnInvariant<T>(id: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (!(e instanceof InvariantViolation)) throw e;
    process.stderr.write(`node ${id}: ${e.message}; stopping rather than serve wrong data\n`);
    process.exit(70);
  }
}
