/**
 * SimWorld: N nodes, each running a pure Machine, in virtual time. Everything that can
 * vary (message fates and delays, tick phases, torn writes) comes from streams of one
 * seed, and events run in (time, insertion order), so a seed replays a run exactly.
 *
 * The host loop for each step follows the Ready contract: append the persist records to
 * the node's disk and sync, then put the messages on the wire and the replies towards the
 * clients. A torn crash interrupts a step between the write and the sync: a prefix of its
 * records survives and nothing of it was sent.
 */
import { InvariantViolation } from '../algorithms/common/invariant';
import type { Prng } from '../algorithms/common/prng';
import type { Input, Machine, NodeId } from '../algorithms/common/types';
import { unreachable } from '../algorithms/common/unreachable';
import { NodeClock } from './clock';
import { SimDisk } from './disk';
import { EventQueue } from './event-queue';
import { type NetworkConfig, SimNetwork } from './network';
import { streamPrng } from './seeds';
import { Timeline } from './timeline';

export type MachineFactory<Msg, Req, Rec, Rep, Ev> = (
  id: NodeId,
  durable: readonly Rec[],
  incarnation: number,
) => Machine<Msg, Req, Rec, Rep, Ev>;

export interface SimWorldOptions<Msg, Req, Rec, Rep, Ev> {
  seed: number;
  nodes: readonly NodeId[];
  factory: MachineFactory<Msg, Req, Rec, Rep, Ev>;
  /** Routes a machine's reply to the request it answers (the id the client registered). */
  replyId: (reply: Rep) => string;
  /** Each node is ticked every `tickMs` of its own clock. Default 10. */
  tickMs?: number;
  network?: Partial<NetworkConfig>;
  /** Observations from machines; `incarnation` counts restarts of that node (0 first). */
  onEvent?: (node: NodeId, event: Ev, incarnation: number, atMs: number) => void;
  /** A torn crash that finds no write to tear within this window becomes a plain crash. */
  tornWindowMs?: number;
  /**
   * Copy what crosses a process boundary on a real node, through a JSON round trip as the
   * real transport and log do (default true): each delivered message is a fresh copy of the
   * sender's, and disks keep records serialised (SimDisk). A machine that mutates what it
   * sent or persisted, or sends what JSON cannot carry, then fails here as it would for
   * real. False shares the objects: only benches measuring the world itself opt out.
   * (A message to itself is handed back as is, as the real host does.)
   */
  cloneMessages?: boolean;
}

export type NodeStatus = 'up' | 'down' | 'paused';

type WorldEvent<Msg, Req, Rep> =
  | { atMs: number; seq: number; kind: 'tick'; node: SimNode; gen: number }
  | { atMs: number; seq: number; kind: 'deliver'; node: SimNode; from: NodeId; msg: Msg }
  | { atMs: number; seq: number; kind: 'request'; node: SimNode; req: Req }
  | { atMs: number; seq: number; kind: 'reply'; id: string; reply: Rep }
  | { atMs: number; seq: number; kind: 'call'; fn: () => void };

interface SimNode {
  readonly id: NodeId;
  status: NodeStatus;
  /** Restarts so far; a fresh machine per incarnation. */
  incarnation: number;
  /** Bumped whenever the tick chain restarts, so an old chain dies quietly. */
  tickGen: number;
  clock: NodeClock;
  /** Deliveries that arrived while the node was paused, in arrival order. */
  inbox: Array<{ kind: 'deliver'; from: NodeId; msg: unknown } | { kind: 'request'; req: unknown }>;
  /** Set by a torn crash: the next persisting step whose records match is torn. */
  tornWhen: ((records: readonly unknown[]) => boolean) | undefined;
}

/**
 * A machine broke one of its invariants: the world stopped at that step. Carries what
 * replays it: the seed, the machine step and the event it happened in, the virtual time.
 */
export class InvariantStop extends Error {
  override readonly name = 'InvariantStop';

  constructor(
    readonly seed: number,
    /** The machine step (1-based, counting every node's steps) that broke it; a restart counts as the next step. */
    readonly step: number,
    /** The world event (1-based) being processed. */
    readonly event: number,
    readonly atMs: number,
    /** The node whose machine broke it (undefined outside any node's step). */
    readonly node: NodeId | undefined,
    readonly violation: InvariantViolation,
  ) {
    super(`seed ${seed}: ${node ?? 'the world'} broke an invariant at step ${step} (event ${event}, ${atMs.toFixed(1)} ms virtual): ${violation.message}`);
  }
}

/** The pseudo-endpoint clients and outside resources use on the simulated wire. */
export const CLIENT_ENDPOINT = 'client';

export class SimWorld<Msg, Req, Rec, Rep, Ev = never> {
  readonly seed: number;
  readonly network: SimNetwork;
  readonly timeline = new Timeline();
  readonly tickMs: number;
  private nowValue = 0;
  private readonly queue = new EventQueue<WorldEvent<Msg, Req, Rep>>();
  private readonly nodes = new Map<NodeId, SimNode>();
  private readonly ids: NodeId[];
  private readonly machines = new Map<NodeId, Machine<Msg, Req, Rec, Rep, Ev>>();
  private readonly disks = new Map<NodeId, SimDisk<Rec>>();
  private readonly waiting = new Map<string, (reply: Rep) => void>();
  private readonly tornPrng: Prng;
  private readonly tornWindowMs: number;
  private readonly persistWatchers: Array<(node: NodeId, records: readonly Rec[]) => void> = [];
  private readonly sendWatchers: Array<(node: NodeId, messages: readonly { to: NodeId; msg: unknown }[]) => void> = [];
  /** Counters for reports and benchmarks. */
  readonly stats = { events: 0, steps: 0, delivered: 0, requests: 0, replies: 0 };
  /** Set when a machine broke an invariant: the world runs no further. */
  stoppedBy: InvariantStop | undefined;
  /** The node whose machine is stepping or restarting right now, for an InvariantStop. */
  private active: NodeId | undefined;

  constructor(private readonly opts: SimWorldOptions<Msg, Req, Rec, Rep, Ev>) {
    if (opts.nodes.length === 0) throw new Error('SimWorld needs at least one node');
    if (new Set(opts.nodes).size !== opts.nodes.length) throw new Error(`node ids must be distinct, got ${opts.nodes.join(',')}`);
    this.seed = opts.seed;
    this.ids = [...opts.nodes];
    this.tickMs = opts.tickMs ?? 10;
    if (!(this.tickMs > 0)) throw new Error(`tickMs must be > 0, got ${this.tickMs}`);
    this.tornWindowMs = opts.tornWindowMs ?? 50;
    this.network = new SimNetwork(streamPrng(opts.seed, 'network'), opts.network);
    this.tornPrng = streamPrng(opts.seed, 'disk');
    const phases = streamPrng(opts.seed, 'tick-phase');
    for (const id of opts.nodes) {
      const node: SimNode = { id, status: 'up', incarnation: 0, tickGen: 0, clock: new NodeClock(), inbox: [], tornWhen: undefined };
      this.nodes.set(id, node);
      this.disks.set(id, new SimDisk<Rec>(opts.cloneMessages !== false));
      this.machines.set(id, opts.factory(id, [], 0));
      // Random tick phases, so nodes do not move in lockstep.
      this.scheduleTick(node, phases.next() * this.tickMs);
    }
  }

  /** Virtual milliseconds since the start. */
  get now(): number {
    return this.nowValue;
  }

  /** The node ids in creation order (the same array every call: do not modify). */
  get nodeIds(): NodeId[] {
    return this.ids;
  }

  status(id: NodeId): NodeStatus {
    return this.node(id).status;
  }

  incarnation(id: NodeId): number {
    return this.node(id).incarnation;
  }

  /** The running machine of `id` (undefined while it is down). */
  machine(id: NodeId): Machine<Msg, Req, Rec, Rep, Ev> | undefined {
    return this.node(id).status === 'down' ? undefined : this.machines.get(id);
  }

  durable(id: NodeId): readonly Rec[] {
    return this.disk(id).synced;
  }

  lostRecords(): number {
    let n = 0;
    for (const d of this.disks.values()) n += d.lostRecords;
    return n;
  }

  /** What node `id`'s clock reads now. */
  localNow(id: NodeId): number {
    return this.node(id).clock.localMs(this.nowValue);
  }

  clock(id: NodeId): NodeClock {
    return this.node(id).clock;
  }

  // ---- scheduling -------------------------------------------------------------------

  /** Runs `fn` after `delayMs` of virtual time (0: after everything due now). */
  after(delayMs: number, fn: () => void): void {
    this.queue.push({ atMs: this.nowValue + Math.max(0, delayMs), seq: 0, kind: 'call', fn });
  }

  /**
   * Sends `req` from a client to node `to` over the simulated wire. `onReply` runs once,
   * when the first reply with `id` arrives; `cancel(id)` forgets it (the client gave up).
   */
  request(to: NodeId, id: string, req: Req, onReply: (reply: Rep) => void): void {
    const node = this.node(to);
    this.waiting.set(id, onReply);
    for (const delay of this.network.transmit(CLIENT_ENDPOINT, to)) {
      this.queue.push({ atMs: this.nowValue + delay, seq: 0, kind: 'request', node, req });
    }
  }

  cancel(id: string): void {
    this.waiting.delete(id);
  }

  /**
   * Calls `watch` after every synced batch of records (before the step's sends). Targeted
   * scenarios use it to strike at the worst moment, e.g. right after a promise was made.
   */
  watchPersist(watch: (node: NodeId, records: readonly Rec[]) => void): void {
    this.persistWatchers.push(watch);
  }

  /** Calls `watch` with a step's messages just before they go on the network (cuts set now apply). */
  watchSend(watch: (node: NodeId, messages: readonly { to: NodeId; msg: unknown }[]) => void): void {
    this.sendWatchers.push(watch);
  }

  /**
   * Processes events until `stop()` holds, the queue runs dry, or virtual time passes `untilMs`.
   * A machine that breaks an invariant stops the world at that step: this throws an
   * InvariantStop once, and later calls return at once (`stoppedBy` says why).
   */
  run(untilMs: number, stop?: () => boolean): void {
    if (this.stoppedBy !== undefined) return;
    try {
      this.runEvents(untilMs, stop);
    } catch (e) {
      if (!(e instanceof InvariantViolation)) throw e;
      this.stoppedBy = new InvariantStop(this.seed, this.stats.steps + 1, this.stats.events, this.nowValue, this.active, e);
      throw this.stoppedBy;
    }
  }

  private runEvents(untilMs: number, stop?: () => boolean): void {
    const queue = this.queue;
    for (;;) {
      if (stop !== undefined && stop()) return;
      const next = queue.peek();
      if (next === undefined || next.atMs > untilMs) {
        this.nowValue = Math.max(this.nowValue, Math.min(untilMs, next?.atMs ?? untilMs));
        return;
      }
      queue.pop();
      this.nowValue = next.atMs;
      this.stats.events++;
      this.active = undefined;
      this.dispatch(next);
    }
  }

  // ---- faults -----------------------------------------------------------------------

  /**
   * Kills node `id`: volatile state is lost, synced records are kept. `torn`: the crash
   * lands inside the node's next step that writes records (matching `when`, if given),
   * between write and sync; if none comes within `windowMs`, it is a plain crash.
   */
  crash(id: NodeId, torn = false, when?: (records: readonly unknown[]) => boolean, windowMs = this.tornWindowMs): void {
    const node = this.node(id);
    if (node.status === 'down') return;
    if (torn) {
      node.tornWhen = when ?? (() => true);
      const incarnation = node.incarnation;
      this.after(windowMs, () => {
        if (node.tornWhen !== undefined && node.incarnation === incarnation && node.status !== 'down') {
          this.timeline.record(this.nowValue, 'crash', `${id} (torn crash found no write in progress: plain crash)`);
          this.kill(node);
        }
      });
      return;
    }
    this.timeline.record(this.nowValue, 'crash', `${id}`);
    this.kill(node);
  }

  /** Restarts a crashed node from its durable records. */
  restart(id: NodeId): void {
    const node = this.node(id);
    if (node.status !== 'down') return;
    node.incarnation++;
    node.status = 'up';
    this.active = id;
    // On the timeline before the machine is built: a restore that breaks an invariant stops here.
    this.timeline.record(this.nowValue, 'restart', `${id} (incarnation ${node.incarnation}, ${this.disk(id).length} durable records)`);
    this.machines.set(id, this.opts.factory(id, [...this.disk(id).synced], node.incarnation));
    this.scheduleTick(node, 0);
  }

  /** SIGSTOP: the node processes nothing; deliveries queue up for it. */
  pause(id: NodeId): void {
    const node = this.node(id);
    if (node.status !== 'up') return;
    node.status = 'paused';
    node.tickGen++;
    this.timeline.record(this.nowValue, 'pause', id);
  }

  /** SIGCONT: the node sees its clock jumped and works through what queued up. */
  resume(id: NodeId): void {
    const node = this.node(id);
    if (node.status !== 'paused') return;
    node.status = 'up';
    const inbox = node.inbox;
    node.inbox = [];
    this.timeline.record(this.nowValue, 'resume', `${id} (${inbox.length} queued deliveries)`);
    for (const item of inbox) {
      if (item.kind === 'deliver') this.queue.push({ atMs: this.nowValue, seq: 0, kind: 'deliver', node, from: item.from, msg: item.msg as Msg });
      else this.queue.push({ atMs: this.nowValue, seq: 0, kind: 'request', node, req: item.req as Req });
    }
    this.scheduleTick(node, 0);
  }

  // ---- internals --------------------------------------------------------------------

  private node(id: NodeId): SimNode {
    const node = this.nodes.get(id);
    if (node === undefined) throw new Error(`unknown node "${id}"; nodes are ${[...this.nodes.keys()].join(', ')}`);
    return node;
  }

  private disk(id: NodeId): SimDisk<Rec> {
    return this.disks.get(id) as SimDisk<Rec>;
  }

  private kill(node: SimNode): void {
    node.status = 'down';
    node.tornWhen = undefined;
    node.inbox = [];
    node.tickGen++;
    this.machines.delete(node.id);
  }

  private scheduleTick(node: SimNode, delayMs: number): void {
    node.tickGen++;
    this.queue.push({ atMs: this.nowValue + delayMs, seq: 0, kind: 'tick', node, gen: node.tickGen });
  }

  private dispatch(ev: WorldEvent<Msg, Req, Rep>): void {
    switch (ev.kind) {
      case 'tick': {
        const node = ev.node;
        if (ev.gen !== node.tickGen || node.status !== 'up') return;
        this.step(node, { kind: 'tick', nowMs: node.clock.localMs(this.nowValue) });
        if (node.status === 'up' && ev.gen === node.tickGen) {
          this.queue.push({ atMs: this.nowValue + node.clock.virtualDelta(this.tickMs), seq: 0, kind: 'tick', node, gen: ev.gen });
        }
        return;
      }
      case 'deliver': {
        const node = ev.node;
        if (node.status === 'down') return;
        if (node.status === 'paused') {
          node.inbox.push({ kind: 'deliver', from: ev.from, msg: ev.msg });
          return;
        }
        this.stats.delivered++;
        this.step(node, { kind: 'message', from: ev.from, msg: ev.msg, nowMs: node.clock.localMs(this.nowValue) });
        return;
      }
      case 'request': {
        const node = ev.node;
        if (node.status === 'down') return;
        if (node.status === 'paused') {
          node.inbox.push({ kind: 'request', req: ev.req });
          return;
        }
        this.stats.requests++;
        this.step(node, { kind: 'request', request: ev.req, nowMs: node.clock.localMs(this.nowValue) });
        return;
      }
      case 'reply': {
        const onReply = this.waiting.get(ev.id);
        if (onReply === undefined) return; // the client gave up, or a duplicate
        this.waiting.delete(ev.id);
        this.stats.replies++;
        onReply(ev.reply);
        return;
      }
      case 'call':
        ev.fn();
        return;
      default:
        return unreachable(ev, 'simulator event');
    }
  }

  private step(node: SimNode, input: Input<Msg, Req>): void {
    const machine = this.machines.get(node.id) as Machine<Msg, Req, Rec, Rep, Ev>;
    this.active = node.id;
    const ready = machine.step(input);
    this.stats.steps++;
    const onEvent = this.opts.onEvent;
    if (onEvent !== undefined) {
      // Observations happened in the node's memory even if the step is torn below.
      for (const e of ready.events) onEvent(node.id, e, node.incarnation, this.nowValue);
    }
    if (ready.persist.length > 0) {
      const disk = this.disk(node.id);
      if (node.tornWhen !== undefined && node.tornWhen(ready.persist)) {
        const keep = this.tornPrng.int(ready.persist.length);
        disk.appendTorn(ready.persist, keep);
        this.timeline.record(
          this.nowValue,
          'crash',
          `${node.id} (torn write: ${keep} of ${ready.persist.length} records synced, ${ready.send.length} messages and ${ready.replies.length} replies never sent)`,
        );
        this.kill(node);
        return;
      }
      disk.appendSynced(ready.persist);
      for (const watch of this.persistWatchers) watch(node.id, ready.persist);
    }
    const network = this.network;
    const now = this.nowValue;
    if (ready.send.length > 0) for (const watch of this.sendWatchers) watch(node.id, ready.send);
    const copy = this.opts.cloneMessages !== false;
    for (const env of ready.send) {
      const to = this.nodes.get(env.to);
      if (to === undefined) continue; // addressed outside the cluster: nobody receives it
      if (to === node) {
        // A message to itself never crosses the network: the host hands it back locally,
        // right after this batch is durable (a crash before then loses it, as here).
        this.queue.push({ atMs: now, seq: 0, kind: 'deliver', node: to, from: node.id, msg: env.msg });
        continue;
      }
      const delays = network.transmit(node.id, env.to);
      if (delays.length === 0) continue;
      // Serialised once as it is sent (later mutations by the sender do not travel), parsed per copy delivered.
      const wire = copy ? jsonText(env.msg) : undefined;
      for (const delay of delays) {
        const msg = wire === undefined ? env.msg : (JSON.parse(wire) as Msg);
        this.queue.push({ atMs: now + delay, seq: 0, kind: 'deliver', node: to, from: node.id, msg });
      }
    }
    if (ready.replies.length > 0) {
      const replyId = this.opts.replyId;
      for (const reply of ready.replies) {
        const id = replyId(reply);
        for (const delay of network.transmit(node.id, CLIENT_ENDPOINT)) {
          this.queue.push({ atMs: now + delay, seq: 0, kind: 'reply', id, reply });
        }
      }
    }
  }
}

function jsonText(msg: unknown): string {
  const text = JSON.stringify(msg);
  if (text === undefined) throw new Error(`messages must be JSON values (as on a real node's wire), got ${typeof msg}`);
  return text;
}
