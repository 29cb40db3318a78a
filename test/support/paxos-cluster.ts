/**
 * A small deterministic driver for scripted Paxos scenarios, in the spirit of etcd's raft
 * interaction tests (`campaign 1`, `deliver-msgs drop=(2,3)`, `stabilize`): N replicas, one
 * message queue the test controls (deliver, drop, duplicate, reorder, partition), per-node
 * clocks, crash and restart from the durable records.
 *
 * It also watches two invariants on every step, recording violations instead of throwing
 * (so negative controls can show them): agreement (no slot learned with two values) and
 * persist-before-send (every promise / accepted message is backed by a durable record).
 *
 * The full seeded simulator lives in core/sim; this one is for readable unit tests.
 */
import type { Input, NodeId, ReplicatedService } from '../../core/algorithms/common';
import {
  PaxosReplica,
  compareBallots,
  restorePaxosReplica,
  type Ballot,
  type ClientCommand,
  type PaxosConfig,
  type PaxosEvent,
  type PaxosMsg,
  type PaxosRecord,
  type PaxosReply,
  type PaxosRequest,
  type PaxosStatus,
} from '../../core/algorithms/paxos';

/** A service that records what it applied; results name the command and its slot. */
export class RecordingService implements ReplicatedService<string, string> {
  readonly applied: { command: string; index: number }[] = [];
  /** Commands the leader's next tick proposes (lease-expiry style, no client). */
  readonly toPropose: string[] = [];
  leadershipAtMs: number[] = [];

  apply(command: string, index: number): string {
    this.applied.push({ command, index });
    return `${command}@${index}`;
  }

  onLeadership(nowMs: number): void {
    this.leadershipAtMs.push(nowMs);
  }

  leaderTick(): string[] {
    return this.toPropose.splice(0);
  }

  queryLocal(command: string): string {
    return `${command}:${this.applied.length}`;
  }

  /** Its whole "state" is what it applied, so a restored copy can be compared exactly. */
  snapshotState(): { command: string; index: number }[] {
    return this.applied.map((a) => ({ ...a }));
  }

  restoreSnapshot(state: unknown): void {
    this.applied.length = 0;
    this.applied.push(...(state as { command: string; index: number }[]).map((a) => ({ ...a })));
  }

  get commands(): string[] {
    return this.applied.map((a) => a.command);
  }
}

export interface InFlightMessage {
  readonly from: NodeId;
  readonly to: NodeId;
  readonly msg: PaxosMsg<string>;
}

export interface MessageFilter {
  readonly from?: NodeId;
  readonly to?: NodeId;
  readonly type?: PaxosMsg<string>['type'];
}

export interface ClusterOptions {
  readonly size?: number;
  readonly seed?: number;
  readonly maxInFlight?: number;
  readonly snapshotEverySlots?: number;
  readonly bugs?: PaxosConfig['bugs'];
  /** PaxosConfig.checkInvariants (false: a negative control shows the observer catching a bug). */
  readonly checkInvariants?: boolean;
  readonly heartbeatMs?: number;
  readonly electionTimeoutMinMs?: number;
  readonly electionTimeoutMaxMs?: number;
}

type Ready = ReturnType<PaxosReplica<string, string>['step']>;

interface ClusterNode {
  readonly id: NodeId;
  readonly config: PaxosConfig;
  replica: PaxosReplica<string, string>;
  service: RecordingService;
  readonly durable: PaxosRecord<string>[];
  /** Derived from `durable`, to check persist-before-send cheaply. */
  durablePromised: Ballot;
  readonly durableAccepted: Map<number, Ballot>;
  clockMs: number;
  up: boolean;
  /** Every Ready this node produced since its last (re)start. */
  readonly readies: Ready[];
}

export class PaxosCluster {
  readonly ids: NodeId[];
  readonly violations: string[] = [];
  /** slot -> the value (canonical JSON) first learned there, and by whom. */
  readonly learned = new Map<number, { value: string; node: NodeId }>();
  readonly replies = new Map<string, PaxosReply<string>>();
  readonly events: { node: NodeId; event: PaxosEvent<string> }[] = [];
  network: InFlightMessage[] = [];
  private readonly nodes = new Map<NodeId, ClusterNode>();
  private readonly cutLinks = new Set<string>();
  private nextRequest = 1;

  constructor(options: ClusterOptions = {}) {
    const size = options.size ?? 3;
    this.ids = Array.from({ length: size }, (_, i) => `n${i + 1}`);
    this.ids.forEach((id, i) => {
      const config: PaxosConfig = {
        id,
        members: this.ids,
        heartbeatMs: options.heartbeatMs ?? 50,
        electionTimeoutMinMs: options.electionTimeoutMinMs ?? 300,
        electionTimeoutMaxMs: options.electionTimeoutMaxMs ?? 600,
        seed: (options.seed ?? 1) * 1000 + i,
        ...(options.maxInFlight === undefined ? {} : { maxInFlight: options.maxInFlight }),
        ...(options.snapshotEverySlots === undefined ? {} : { snapshotEverySlots: options.snapshotEverySlots }),
        ...(options.bugs === undefined ? {} : { bugs: options.bugs }),
        ...(options.checkInvariants === undefined ? {} : { checkInvariants: options.checkInvariants }),
      };
      const service = new RecordingService();
      this.nodes.set(id, {
        id,
        config,
        replica: new PaxosReplica(config, service),
        service,
        durable: [],
        durablePromised: { round: 0, node: '' },
        durableAccepted: new Map(),
        clockMs: 0,
        up: true,
        readies: [],
      });
    });
    // A host's first tick starts the replica (arms its election timer) at boot time.
    for (const id of this.ids) this.tick(id);
  }

  // ---- inspection -----------------------------------------------------------------------

  node(id: NodeId): ClusterNode {
    const node = this.nodes.get(id);
    if (node === undefined) throw new Error(`no node "${id}" in cluster [${this.ids.join(', ')}]`);
    return node;
  }

  status(id: NodeId): PaxosStatus {
    return this.node(id).replica.status();
  }

  service(id: NodeId): RecordingService {
    return this.node(id).service;
  }

  /** Live nodes that currently believe they lead. */
  leaders(): NodeId[] {
    return this.ids.filter((id) => this.node(id).up && this.status(id).role === 'leader');
  }

  pending(filter: MessageFilter = {}): InFlightMessage[] {
    return this.network.filter((m) => matches(m, filter));
  }

  // ---- time -----------------------------------------------------------------------------

  /** Advances one node's clock by `ms` and ticks it. */
  tick(id: NodeId, ms = 0): Ready {
    const node = this.node(id);
    node.clockMs += ms;
    return this.stepNode(id, { kind: 'tick', nowMs: node.clockMs });
  }

  /** Advances every live node's clock by `ms` and ticks each (no message delivery). */
  elapse(ms: number): void {
    for (const id of this.ids) if (this.node(id).up) this.tick(id, ms);
  }

  /**
   * Pushes `id` past any election timeout, so it starts phase 1 now. A leader first
   * notices (check-quorum) that it heard nobody in all that time and steps down.
   */
  campaign(id: NodeId): Ready {
    const jumpMs = this.node(id).config.electionTimeoutMaxMs * 4 + 1;
    const ready = this.tick(id, jumpMs);
    const campaigned = ready.events.some((e) => e.kind === 'role' && e.role !== 'follower');
    return campaigned ? ready : this.tick(id, jumpMs);
  }

  /** Lets time pass in `stepMs` ticks, delivering every message between ticks. */
  run(ms: number, stepMs = 10): void {
    for (let t = 0; t < ms; t += stepMs) {
      this.elapse(stepMs);
      this.stabilize();
    }
  }

  // ---- network --------------------------------------------------------------------------

  /** Delivers (in order) the messages now in flight that match; new ones wait. Returns how many. */
  deliver(filter: MessageFilter = {}): number {
    const batch = this.network.filter((m) => matches(m, filter));
    this.network = this.network.filter((m) => !matches(m, filter));
    for (const m of batch) this.deliverOne(m);
    return batch.length;
  }

  /** Delivers until the network is quiet (bounded, so a livelock fails loudly). */
  stabilize(maxRounds = 1000): void {
    for (let round = 0; this.network.length > 0; round++) {
      if (round >= maxRounds) throw new Error(`network not quiet after ${maxRounds} rounds`);
      this.deliver();
    }
  }

  drop(filter: MessageFilter = {}): number {
    const before = this.network.length;
    this.network = this.network.filter((m) => !matches(m, filter));
    return before - this.network.length;
  }

  duplicate(filter: MessageFilter = {}): void {
    this.network.push(...this.network.filter((m) => matches(m, filter)));
  }

  /** Delivers the message at `index` of the queue alone (for random schedules). */
  deliverAt(index: number): void {
    const [m] = this.network.splice(index, 1);
    if (m !== undefined) this.deliverOne(m);
  }

  /** Cuts both directions between `id` and everyone else. */
  isolate(id: NodeId): void {
    for (const other of this.ids) if (other !== id) this.cut(id, other);
  }

  /** Cuts every link between the groups (nodes in no group keep all their links). */
  partition(...groups: NodeId[][]): void {
    for (const a of groups) for (const b of groups) if (a !== b) for (const x of a) for (const y of b) this.cutLinks.add(`${x}>${y}`);
  }

  cut(a: NodeId, b: NodeId): void {
    this.cutLinks.add(`${a}>${b}`);
    this.cutLinks.add(`${b}>${a}`);
  }

  heal(): void {
    this.cutLinks.clear();
  }

  // ---- faults ---------------------------------------------------------------------------

  /** Stops a node: its volatile state is gone, messages to it are lost, its disk stays. */
  crash(id: NodeId): void {
    const node = this.node(id);
    node.up = false;
    this.network = this.network.filter((m) => m.to !== id);
  }

  /** Rebuilds the node from its durable records with a FRESH service, as a real restart does. */
  restart(id: NodeId): void {
    const node = this.node(id);
    node.service = new RecordingService();
    node.replica = restorePaxosReplica(node.config, node.service, [...node.durable]);
    node.readies.length = 0;
    node.up = true;
    this.tick(id);
  }

  /** Node-level compaction: replaces the node's durable records with the replica's minimal set. */
  compactDurable(id: NodeId): void {
    const node = this.node(id);
    const records = node.replica.durableSnapshot();
    if (records === undefined) throw new Error(`replica ${id} cannot snapshot its service`);
    node.durable.splice(0, node.durable.length, ...records);
  }

  // ---- clients --------------------------------------------------------------------------

  /** Sends a propose to `id`; returns the request id (its reply, if any, is in `replies`). */
  propose(id: NodeId, op: string, session?: { client: string; seq: number }): string {
    const requestId = `r${this.nextRequest++}`;
    const command: ClientCommand<string> = session === undefined ? { op } : { ...session, op };
    this.request(id, { kind: 'propose', id: requestId, command });
    return requestId;
  }

  request(id: NodeId, request: PaxosRequest<string>): Ready {
    return this.stepNode(id, { kind: 'request', request, nowMs: this.node(id).clockMs });
  }

  reply(requestId: string): PaxosReply<string> | undefined {
    return this.replies.get(requestId);
  }

  // ---- internals ------------------------------------------------------------------------

  private deliverOne(m: InFlightMessage): void {
    const to = this.nodes.get(m.to);
    if (to === undefined || !to.up || this.cutLinks.has(`${m.from}>${m.to}`)) return;
    this.stepNode(m.to, { kind: 'message', from: m.from, msg: m.msg, nowMs: to.clockMs });
  }

  private stepNode(id: NodeId, input: Input<PaxosMsg<string>, PaxosRequest<string>>): Ready {
    const node = this.node(id);
    if (!node.up) throw new Error(`node ${id} is down; restart it before stepping it`);
    const ready = node.replica.step(input);
    node.readies.push(ready);
    // 1. persist
    for (const record of ready.persist) {
      node.durable.push(record);
      if (record.type === 'promised' || record.type === 'accepted') {
        if (compareBallots(record.ballot, node.durablePromised) > 0) node.durablePromised = record.ballot;
      }
      if (record.type === 'accepted') node.durableAccepted.set(record.slot, record.ballot);
    }
    // 2. only then send, checking that what the messages claim is durable
    const selfMessages: PaxosMsg<string>[] = [];
    for (const { to, msg } of ready.send) {
      if (msg.type === 'promise' && compareBallots(node.durablePromised, msg.ballot) < 0) {
        this.violations.push(`${id} sent a promise for ${JSON.stringify(msg.ballot)} before persisting it`);
      }
      if (msg.type === 'accepted') {
        const durable = node.durableAccepted.get(msg.slot);
        if (durable === undefined || compareBallots(durable, msg.ballot) !== 0) {
          this.violations.push(`${id} sent accepted(slot ${msg.slot}) before persisting it`);
        }
      }
      if (to === id) selfMessages.push(msg);
      else if (!this.cutLinks.has(`${id}>${to}`)) this.network.push({ from: id, to, msg });
    }
    for (const reply of ready.replies) this.replies.set(reply.id, reply);
    for (const event of ready.events) {
      this.events.push({ node: id, event });
      if (event.kind === 'learned') this.noteLearned(id, event.slot, JSON.stringify(event.value));
    }
    // A message a node sends itself never crosses the network: its host delivers it
    // locally, right after this batch is durable (the leader's own accept and vote).
    for (const msg of selfMessages) if (node.up) this.stepNode(id, { kind: 'message', from: id, msg, nowMs: node.clockMs });
    return ready;
  }

  private noteLearned(node: NodeId, slot: number, value: string): void {
    const first = this.learned.get(slot);
    if (first === undefined) this.learned.set(slot, { value, node });
    else if (first.value !== value) {
      this.violations.push(`agreement: slot ${slot} learned as ${first.value} by ${first.node} and as ${value} by ${node}`);
    }
  }
}

function matches(m: InFlightMessage, f: MessageFilter): boolean {
  return (
    (f.from === undefined || m.from === f.from) &&
    (f.to === undefined || m.to === f.to) &&
    (f.type === undefined || m.msg.type === f.type)
  );
}
