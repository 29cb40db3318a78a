/**
 * ShardedTxnNode: what a node runs in the `sharded` transaction mode (2PC over
 * Paxos-replicated shards, as Spanner and CockroachDB do). It hosts a Paxos replica for
 * every shard group it belongs to (a MultiGroupMachine), the ShardService behind each,
 * and the coordinator role for the transactions clients send it. Where this node leads a
 * shard group it plays that shard's participant: it reads for executes, and proposes
 * PREPARE, DECIDE and OUTCOME into the group's log, answering once the log applied them.
 *
 * Durable state is the groups' Paxos records only, so a restart (or a new leader
 * elsewhere) rebuilds every prepared transaction, its locks, the data and the decisions
 * from the logs. Messages this node sends itself are handled within the same step.
 */
import type { Tagged } from '../common/compose';
import { MultiGroupMachine } from '../common/multi-group';
import { emptyReady, type Input, type Machine, type NodeId, type Ready } from '../common/types';
import { unreachable } from '../common/unreachable';
import { PaxosReplica } from '../paxos/replica';
import { DEFAULT_PAXOS_TIMING, type PaxosConfig, type PaxosMsg, type PaxosRecord, type PaxosReply, type PaxosStatus } from '../paxos/types';
import { ShardCoordinator, type CoordinatorContext } from './shard-coordinator';
import { ShardMap, type ShardId } from './shard-map';
import { ShardService, type ShardCommand, type ShardResult } from './shard-service';
import type { ShardedMsg } from './sharded-types';
import type { Outcome, TwoPcConfig, TwoPcEvent, TwoPcReply, TwoPcRequest, TwoPcStatus, TxnId, TxnMicroOp } from './types';

export type ShardedReady = Ready<ShardedMsg, Tagged, TwoPcReply, TwoPcEvent>;
type ShardReplica = PaxosReplica<ShardCommand, ShardResult>;

/** Bounds self-delivery within one step (a protocol bug must not spin forever). */
const MAX_LOCAL_DELIVERIES = 10_000;
/** A proposal with no answer after this many retry periods may be proposed again. */
const STALE_PROPOSAL_RETRIES = 4;

export interface ShardedConfig {
  /** Timeouts of the 2PC roles (home and decisions are not used: shards replace them). */
  readonly twopc: Pick<TwoPcConfig, 'id' | 'decideTimeoutMs' | 'retryMs' | 'inDoubtAfterMs' | 'workingTimeoutMs'>;
  /** Every node of the cluster (the founding members): the shard map is built from them. */
  readonly members: readonly NodeId[];
  /** Shards (default 2 per member). */
  readonly shardCount?: number;
  readonly seed: number;
  readonly paxosTiming?: Partial<Pick<PaxosConfig, 'heartbeatMs' | 'electionTimeoutMinMs' | 'electionTimeoutMaxMs'>>;
}

interface Proposal {
  readonly group: ShardId;
  readonly key: string;
  readonly cmd: ShardCommand;
  /** Nodes waiting for the result (a vote, a decision). */
  readonly replyTo: Set<NodeId>;
  readonly sinceMs: number;
}

export class ShardedTxnNode implements Machine<ShardedMsg, TwoPcRequest, Tagged, TwoPcReply, TwoPcEvent> {
  readonly id: NodeId;
  readonly map: ShardMap;
  readonly groups: MultiGroupMachine<ShardReplica>;
  private readonly services = new Map<ShardId, ShardService>();
  private readonly coordinator: ShardCoordinator;
  private readonly config: TwoPcConfig;
  /** Best guess at each shard's leader. */
  private readonly guess = new Map<ShardId, NodeId>();
  private readonly proposals = new Map<string, Proposal>();
  /** group|op|txn -> request id of the proposal in flight. */
  private readonly proposalByKey = new Map<string, string>();
  /** group|txn -> next time an in-doubt shard asks the deciding shard again. */
  private readonly nextResolveMs = new Map<string, number>();
  private requestSeq = 0;
  private lastNowMs = 0;
  // The step being computed.
  private out: ShardedReady = emptyReady();
  private local: { from: NodeId; msg: ShardedMsg }[] = [];
  private nowMs = 0;

  constructor(config: ShardedConfig, durable: readonly Tagged[] = []) {
    this.id = config.twopc.id;
    this.config = { ...config.twopc, home: () => this.id };
    this.map = new ShardMap(config.members, config.shardCount);
    const timing = { ...DEFAULT_PAXOS_TIMING, ...config.paxosTiming };
    const mine = this.map.shardsOf(this.id);
    this.groups = new MultiGroupMachine<ShardReplica>(
      this.id,
      mine,
      (group, records) => {
        // A restart builds a fresh service: the replica re-applies its log into it.
        const service = new ShardService(group);
        this.services.set(group, service);
        const seed = config.seed * 31 + this.map.shards.indexOf(group);
        return new PaxosReplica<ShardCommand, ShardResult>({ id: this.id, members: this.map.members(group), seed, ...timing }, service, records as PaxosRecord<ShardCommand>[]);
      },
      durable,
    );
    this.coordinator = new ShardCoordinator(this.id, this.map);
  }

  step(input: Input<ShardedMsg, TwoPcRequest>): ShardedReady {
    this.nowMs = input.nowMs;
    this.lastNowMs = input.nowMs;
    switch (input.kind) {
      case 'tick':
        this.absorb(this.groups.step({ kind: 'tick', nowMs: input.nowMs }));
        this.coordinator.tick(this.ctx());
        this.tickShards();
        break;
      case 'message':
        this.handle(input.from, input.msg);
        break;
      case 'request':
        this.request(input.request);
        break;
      default:
        return unreachable(input, 'input');
    }
    for (let n = 0; this.local.length > 0; n++) {
      if (n >= MAX_LOCAL_DELIVERIES) throw new Error(`${this.id}: more than ${MAX_LOCAL_DELIVERIES} self-messages in one step`);
      const { from, msg } = this.local.shift()!;
      this.handle(from, msg);
    }
    const out = this.out;
    this.out = emptyReady();
    return out;
  }

  private request(req: TwoPcRequest): void {
    if (!Array.isArray(req.ops) || req.ops.length === 0) {
      this.out.replies.push({ id: req.id, ok: false, error: 'BAD_REQUEST', reason: 'a transaction needs at least one micro-operation' });
      return;
    }
    for (const [i, op] of req.ops.entries()) {
      if (!Array.isArray(op) || op.length !== 3 || typeof op[1] !== 'string' || (op[0] !== 'append' && op[0] !== 'r')) {
        this.out.replies.push({ id: req.id, ok: false, error: 'BAD_REQUEST', reason: `micro-operation ${i} must be ["append"|"r", key, value] with a string key` });
        return;
      }
    }
    this.coordinator.begin(this.ctx(), req.id, req.ops as readonly TxnMicroOp[]);
  }

  private ctx(): CoordinatorContext {
    return {
      config: this.config,
      nowMs: this.nowMs,
      toLeader: (shard, msg) => this.send(this.leaderOf(shard), msg),
      suspect: (shard) => this.suspect(shard),
      reply: (r) => this.out.replies.push(r),
      event: (ev) => this.out.events.push(ev),
    };
  }

  private send(to: NodeId, msg: ShardedMsg): void {
    if (to === this.id) this.local.push({ from: this.id, msg });
    else this.out.send.push({ to, msg });
  }

  // -------------------------------------------------------------------------------------
  // Leaders: who leads each shard, as far as this node knows

  private replica(shard: ShardId): ShardReplica | undefined {
    return this.groups.group(shard);
  }

  private leads(shard: ShardId): boolean {
    return this.replica(shard)?.status().role === 'leader';
  }

  /** Where to send what a shard's leader must handle. */
  leaderOf(shard: ShardId): NodeId {
    const own = this.replica(shard)?.status();
    if (own?.role === 'leader') return this.id;
    if (own?.leader !== undefined) return own.leader;
    return this.guess.get(shard) ?? this.map.members(shard)[0]!;
  }

  private suspect(shard: ShardId): void {
    const members = this.map.members(shard);
    const current = this.leaderOf(shard);
    if (current === this.id && this.leads(shard)) return;
    this.guess.set(shard, members[(members.indexOf(current) + 1) % members.length]!);
  }

  // -------------------------------------------------------------------------------------
  // Messages

  private handle(from: NodeId, msg: ShardedMsg): void {
    switch (msg.type) {
      case 'shard-paxos':
        if (this.groups.hosts(msg.group)) this.absorb(this.groups.step({ kind: 'message', from, msg: { part: msg.group, body: msg.msg }, nowMs: this.nowMs }));
        return;
      case 'shard-execute':
        if (!this.leadsOrRedirect(from, msg.txn, msg.shard)) return;
        this.send(from, { type: 'shard-executed', txn: msg.txn, shard: msg.shard, ...this.services.get(msg.shard)!.read(msg.txn, msg.ops) });
        return;
      case 'shard-prepare': {
        if (!this.leadsOrRedirect(from, msg.txn, msg.shard)) return;
        const { type: _t, shard, ...rest } = msg;
        this.propose(shard, { op: 'prepare', ...rest }, from);
        return;
      }
      case 'shard-decide': {
        if (!this.leadsOrRedirect(from, msg.txn, msg.shard)) return;
        const known = this.services.get(msg.shard)!.decision(msg.txn);
        if (known) this.decided(msg.shard, msg.txn, known.outcome, known.shards, [from]);
        else this.propose(msg.shard, { op: 'decide', txn: msg.txn, outcome: msg.outcome, shards: msg.shards }, from);
        return;
      }
      case 'shard-outcome': {
        if (!this.leads(msg.shard)) {
          // One-way: hand it on to the leader this node knows of, if it is another node.
          const leader = this.replica(msg.shard)?.status().leader;
          if (leader !== undefined && leader !== this.id && leader !== from) this.send(leader, msg);
          return;
        }
        if (this.services.get(msg.shard)!.outcome(msg.txn) === undefined) this.propose(msg.shard, { op: 'outcome', txn: msg.txn, outcome: msg.outcome });
        return;
      }
      case 'shard-executed':
        this.coordinator.onExecuted(this.ctx(), msg);
        return;
      case 'shard-vote':
        this.coordinator.onVote(this.ctx(), msg);
        return;
      case 'shard-decided':
        this.coordinator.onDecided(this.ctx(), msg);
        return;
      case 'shard-redirect': {
        const before = this.leaderOf(msg.shard);
        if (msg.leader !== undefined && msg.leader !== from) this.guess.set(msg.shard, msg.leader);
        else this.suspect(msg.shard);
        this.coordinator.onRedirect(this.ctx(), msg, msg.leader !== undefined && this.leaderOf(msg.shard) !== before);
        return;
      }
      default:
        unreachable(msg, 'sharded message');
    }
  }

  /** True when this node leads `shard`; otherwise tells `from` whom to try. */
  private leadsOrRedirect(from: NodeId, txn: TxnId, shard: ShardId): boolean {
    if (this.leads(shard)) return true;
    const leader = this.replica(shard)?.status().leader;
    this.send(from, { type: 'shard-redirect', txn, shard, ...(leader !== undefined && leader !== this.id ? { leader } : {}) });
    return false;
  }

  // -------------------------------------------------------------------------------------
  // Proposals into a shard's log, and what happens once it applied them

  private propose(group: ShardId, cmd: ShardCommand, replyTo?: NodeId): void {
    const key = `${group}|${cmd.op}|${cmd.txn}`;
    const pendingId = this.proposalByKey.get(key);
    const pending = pendingId === undefined ? undefined : this.proposals.get(pendingId);
    if (pending && this.nowMs - pending.sinceMs < STALE_PROPOSAL_RETRIES * this.config.retryMs) {
      if (replyTo !== undefined) pending.replyTo.add(replyTo);
      return;
    }
    const id = `${this.id}:${this.requestSeq++}`;
    this.proposals.set(id, { group, key, cmd, replyTo: new Set(replyTo === undefined ? [] : [replyTo]), sinceMs: this.nowMs });
    this.proposalByKey.set(key, id);
    this.absorb(this.groups.step({ kind: 'request', request: { part: group, body: { kind: 'propose', id, command: { op: cmd } } }, nowMs: this.nowMs }));
  }

  private onPaxosReply(reply: PaxosReply<ShardResult>): void {
    const p = this.proposals.get(reply.id);
    if (!p) return;
    this.proposals.delete(reply.id);
    if (this.proposalByKey.get(p.key) === reply.id) this.proposalByKey.delete(p.key);
    if (!reply.ok) {
      // Not (or no longer) the leader: the asker retries on its timer; a hint saves it a round.
      if (reply.error === 'NOT_LEADER') for (const to of p.replyTo) this.send(to, { type: 'shard-redirect', txn: p.cmd.txn, shard: p.group, ...(reply.leader !== undefined ? { leader: reply.leader } : {}) });
      return;
    }
    const r = reply.result;
    switch (r.op) {
      case 'prepare':
        for (const to of p.replyTo) this.send(to, { type: 'shard-vote', txn: r.txn, shard: p.group, vote: r.vote });
        return;
      case 'decide':
        this.decided(p.group, r.txn, r.outcome, r.shards, [...p.replyTo]);
        return;
      case 'outcome':
        this.out.events.push({ kind: 'outcome', txn: r.txn, node: p.group, outcome: r.outcome });
        return;
      default:
        unreachable(r, 'shard result');
    }
  }

  /** The deciding shard's log holds `outcome`: tell who asked, and every shard to apply it. */
  private decided(deciding: ShardId, txn: TxnId, outcome: Outcome, shards: readonly ShardId[], askers: readonly NodeId[]): void {
    for (const to of askers) this.send(to, { type: 'shard-decided', txn, outcome });
    // The deciding shard applied the outcome in its DECIDE entry (ShardService.apply).
    for (const shard of shards) if (shard !== deciding) this.send(this.leaderOf(shard), { type: 'shard-outcome', txn, shard, outcome });
  }

  /**
   * Shards this node leads: a prepared transaction with no outcome after inDoubtAfterMs is
   * in doubt; its leader asks the deciding shard's log for abort, and the first decision
   * logged there (commit, if the coordinator got there first) comes back as the outcome.
   */
  private tickShards(): void {
    for (const [group] of this.groups.entries()) {
      if (!this.leads(group)) continue;
      const service = this.services.get(group)!;
      for (const { rec, sinceMs } of service.waiting()) {
        if (sinceMs === -Infinity) {
          service.startWait(rec.txn, this.nowMs);
          continue;
        }
        if (this.nowMs - sinceMs < this.config.inDoubtAfterMs) continue;
        const key = `${group}|${rec.txn}`;
        if (this.nowMs < (this.nextResolveMs.get(key) ?? -Infinity)) continue;
        this.nextResolveMs.set(key, this.nowMs + this.config.retryMs);
        this.send(this.leaderOf(rec.coord), { type: 'shard-decide', txn: rec.txn, shard: rec.coord, outcome: 'abort', shards: rec.shards });
      }
    }
    for (const [key, atMs] of this.nextResolveMs) if (this.nowMs - atMs > 10 * this.config.retryMs) this.nextResolveMs.delete(key);
  }

  /** Moves a batch of the groups into the step's output: Paxos replies are handled here. */
  private absorb(r: Ready<Tagged, Tagged, Tagged, Tagged>): void {
    this.out.persist.push(...r.persist);
    for (const e of r.send) this.send(e.to, { type: 'shard-paxos', group: e.msg.part, msg: e.msg.body as PaxosMsg<ShardCommand> });
    for (const rep of r.replies) this.onPaxosReply(rep.body as PaxosReply<ShardResult>);
  }

  /**
   * Records that rebuild every group hosted here, to replace all this part persisted
   * (node-level log compaction): each group's own durableSnapshot (promise, snapshot of its
   * ShardService and sessions, the log above it), tagged with the group. Undefined when any
   * group cannot snapshot now: then nothing is compacted.
   */
  durableSnapshot(): Tagged[] | undefined {
    const out: Tagged[] = [];
    for (const [group, replica] of this.groups.entries()) {
      const records = replica.durableSnapshot();
      if (records === undefined) return undefined;
      for (const body of records) out.push({ part: group, body });
    }
    return out;
  }

  // -------------------------------------------------------------------------------------
  // Views

  /** The service of `shard` as this replica applied it (undefined when not a member). */
  shard(shard: ShardId): ShardService | undefined {
    return this.services.get(shard);
  }

  /** Transactions whose participant is a shard this node leads, and what it coordinates. */
  status(): TwoPcStatus & { shards: { shard: ShardId; members: readonly NodeId[]; leader: NodeId | undefined; paxos: PaxosStatus }[] } {
    const participating: (TwoPcStatus['participating'][number] & { shard: ShardId })[] = [];
    const locks: Record<string, TxnId> = {};
    for (const [group, replica] of this.groups.entries()) {
      if (replica.status().role !== 'leader') continue;
      const service = this.services.get(group)!;
      for (const t of service.recent()) participating.push({ txn: t.txn, coordinator: t.coord, state: t.outcome === 'commit' ? 'committed' : 'aborted', locks: [], shard: group });
      for (const { rec, sinceMs } of service.waiting()) {
        const inDoubt = sinceMs !== -Infinity && this.lastNowMs - sinceMs >= this.config.inDoubtAfterMs;
        participating.push({ txn: rec.txn, coordinator: rec.coord, state: inDoubt ? 'in-doubt' : 'prepared', locks: [...rec.keys], shard: group });
      }
      Object.assign(locks, service.lockSnapshot());
    }
    return {
      id: this.id,
      mode: 'sharded',
      coordinating: this.coordinator.view().map((t) => ({
        txn: t.txn,
        phase: t.phase,
        participants: t.shards,
        votes: Object.fromEntries(t.yes.map((s) => [s, 'yes' as const])),
      })),
      participating,
      locks,
      shards: this.groups.entries().map(([shard, replica]) => {
        const paxos = replica.status();
        return { shard, members: this.map.members(shard), leader: paxos.role === 'leader' ? this.id : paxos.leader, paxos };
      }),
    };
  }
}
