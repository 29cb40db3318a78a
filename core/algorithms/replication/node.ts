/**
 * ReplicationNode: the machine every node runs. It coordinates the client requests it
 * receives (read, write, membership) and stores replicas for the keys the ring gives it.
 *
 * Coordination per mode (see ReplicationMode):
 *   quorum  read:  get from the key's replicas, wait for a majority, take the highest
 *                  version; unless that majority already holds it, write it back to a
 *                  majority before answering (ABD), so no later read can see older.
 *           write: get versions from a majority (phase 1), then put a higher version
 *                  (counter + 1, this node's id) to a majority.
 *   sloppy  the same shape with R and W instead of majorities and no read write-back;
 *           acks from stand-ins (hinted hand-off) count toward W.
 *   async   one replica, the first live one of the preference list, answers alone; it
 *           issues the version and copies to the others in the background.
 *   semi-sync  writes go to that primary as in async, but it acknowledges once a backup
 *           holds the write durably, or alone after a timeout (SemiSyncPrimary,
 *           semi-sync.ts); reads take the newest of N-1 home replicas' answers.
 *
 * Around that: read repair of stale replicas, hinted hand-off to stand-ins for suspected
 * replicas, heartbeats into a failure detector (suspicion only chooses targets, never
 * decides safety), key transfer on membership change, retries of lost messages, and
 * timeouts that answer with an unknown outcome once a write may have reached a replica.
 *
 * Known limit: `quorum` mode is linearizable with a stable membership. While a join or
 * leave is streaming keys, a read quorum in the new replica set may miss a write whose
 * quorum was in the old one (ABD across reconfiguration needs joint quorums, not done).
 */
import { invariant } from '../common/invariant';
import { Deadline } from '../common/deadline';
import { majority } from '../common/quorum';
import { emptyReady, type Input, type Machine, type NodeId, type Ready } from '../common/types';
import { unreachable } from '../common/unreachable';
import { TimeoutDetector, type FailureDetector } from '../detector';
import { HashRing } from '../ring';
import type { Placement } from '../placement/types';
import { RangeMap, initialRangeTable, reassignRanges, type RangeTable } from '../placement/range-map';
import { RANGE_DEFAULTS, RangeSplits } from './range-splits';
import { ReplicaStore } from './store';
import { SemiSyncPrimary } from './semi-sync';
import type {
  CopyReason,
  ReplEvent,
  ReplicationConfig,
  ReplicationMode,
  ReplMsg,
  ReplRecord,
  ReplReply,
  ReplRequest,
  RingWeights,
  Version,
  Versioned,
} from './types';
import { compareStored, compareVersions, nextVersion } from './version';
import { normalRingWeights } from './weights';

type ReplReady = Ready<ReplMsg, ReplRecord, ReplReply, ReplEvent>;

/** How many answered request ids a node remembers for duplicates (a bound on memory). */
const RECENT_REPLIES = 4096;

export const REPLICATION_DEFAULTS = {
  replicationFactor: 3,
  opTimeoutMs: 1000,
  retryMs: 100,
  heartbeatMs: 50,
  asyncCopyDelayMs: 0,
  semiSyncTimeoutMs: 300,
  suspectAfterMs: 300,
} as const;

/** One node asked in an operation's phase, and the owner it stands in for (hinted hand-off). */
interface Target {
  readonly node: NodeId;
  readonly hintFor?: NodeId;
}

/** A client request this node coordinates. */
interface Operation {
  readonly id: string;
  readonly kind: 'read' | 'write';
  readonly key: string;
  readonly value: unknown;
  readonly deadlineMs: number;
  phase: 'query' | 'update' | 'done';
  /** Nodes asked in the current phase. */
  asked: Map<NodeId, Target>;
  /** query phase: what each node answered. */
  answers: Map<NodeId, Versioned | null>;
  /** update phase: nodes that acknowledged the put durably. */
  acked: Set<NodeId>;
  /** The highest version seen (read) or the version being written (write). */
  chosen: Versioned | null;
  /** async mode fixes its one replica per operation, so a retry cannot write twice. */
  pinned?: Target;
  /** Set once a put went out: a timeout then means "unknown", not "fail". */
  mayHaveTakenEffect: boolean;
  /** semi-sync: the primary acknowledged the write alone (fallback). */
  alone?: true;
}

interface Transfer {
  readonly remaining: Set<NodeId>;
  /** This node left the key's preference list: drop the key once every new owner has it. */
  readonly dropWhenDone: boolean;
}

export class ReplicationNode implements Machine<ReplMsg, ReplRequest, ReplRecord, ReplReply, ReplEvent> {
  readonly id: NodeId;
  readonly mode: ReplicationMode;
  private readonly store: ReplicaStore;
  /** Where keys live: the hash ring, or the range table (`placement: 'range'`). */
  private ring: Placement;
  /** Range placement only: when this node asks for a split. */
  private readonly splits: RangeSplits | undefined;
  private readonly detector: FailureDetector;
  /** semi-sync mode only: what this node does as a key's primary. */
  private readonly semiSync: SemiSyncPrimary | undefined;
  private readonly ops = new Map<string, Operation>();
  /** async primary: put rid -> the version it issued, so a retried put is not applied twice. */
  private readonly issuedForRid = new Map<string, Version>();
  private asyncCopies: { dueMs: number; key: string; to: NodeId[] }[] = [];
  private readonly transfers = new Map<string, Transfer>();
  /** Replies to recent client requests, re-sent to duplicates (bounded, volatile). */
  private readonly recentReplies = new Map<string, ReplReply>();
  private readonly heartbeatTimer = new Deadline();
  private readonly retryTimer = new Deadline();
  private expecting = false;
  private readonly n: number;
  private readonly opts: Required<
    Pick<ReplicationConfig, 'opTimeoutMs' | 'retryMs' | 'heartbeatMs' | 'asyncCopyDelayMs'>
  >;

  constructor(
    private readonly config: ReplicationConfig,
    durable: readonly ReplRecord[] = [],
  ) {
    this.id = config.id;
    this.mode = config.mode;
    this.n = config.replicationFactor ?? REPLICATION_DEFAULTS.replicationFactor;
    if (!Number.isInteger(this.n) || this.n < 1) {
      throw new Error(`replicationFactor must be a positive integer, got ${config.replicationFactor}`);
    }
    this.opts = {
      opTimeoutMs: config.opTimeoutMs ?? REPLICATION_DEFAULTS.opTimeoutMs,
      retryMs: config.retryMs ?? REPLICATION_DEFAULTS.retryMs,
      heartbeatMs: config.heartbeatMs ?? REPLICATION_DEFAULTS.heartbeatMs,
      asyncCopyDelayMs: config.asyncCopyDelayMs ?? REPLICATION_DEFAULTS.asyncCopyDelayMs,
    };
    const weights = normalRingWeights(config.members, config.weights);
    if (typeof weights === 'string') throw new Error(`replication config: ${weights}`);
    this.store = new ReplicaStore(config.members, weights);
    for (const rec of durable) this.store.apply(rec);
    this.splits = config.placement === 'range' ? new RangeSplits(this.id, config.splitKeys ?? RANGE_DEFAULTS.splitKeys) : undefined;
    this.ring = this.buildRing(this.store.members, this.store.weights);
    // Transfers are volatile: a node that restarts holding keys it no longer owns (it left,
    // or crashed mid-move) streams them to their owners again and drops them once acked.
    for (const key of this.store.keys()) {
      const owners = this.replicasOf(key);
      if (!owners.includes(this.id)) this.transfers.set(key, { remaining: new Set(owners), dropWhenDone: true });
    }
    this.detector =
      config.makeDetector?.() ?? new TimeoutDetector({ timeoutMs: REPLICATION_DEFAULTS.suspectAfterMs });
    this.semiSync = this.mode === 'semi-sync' ? this.semiSyncPrimary() : undefined;
  }

  private semiSyncPrimary(): SemiSyncPrimary {
    return new SemiSyncPrimary(
      {
        backupsOf: (key) => this.replicasOf(key).filter((m) => m !== this.id),
        stored: (key) => this.store.get(key),
        reissue: (rid, key, value, above, r) => {
          const counter = Math.max(above.counter, this.store.issued(key), this.store.get(key)?.version.counter ?? 0);
          const version = nextVersion(counter, this.id);
          this.persist({ type: 'issued', key, counter: version.counter }, r);
          this.rememberIssued(rid, version);
          this.storeLocally(key, { version, value }, r);
          return version;
        },
        ackPut: (coordinator, rid, key, version, alone, r) => {
          if (coordinator === this.id) this.onPutAck(this.id, rid, version, alone, r);
          else r.send.push({ to: coordinator, msg: { type: 'put-ack', rid, key, version, ...(alone ? { alone } : {}) } });
        },
      },
      this.config.semiSyncTimeoutMs ?? REPLICATION_DEFAULTS.semiSyncTimeoutMs,
    );
  }

  /** Records that rebuild this node's durable state, to replace all it persisted (log compaction). */
  durableSnapshot(): ReplRecord[] {
    return this.store.records();
  }

  // ---- observation (tests, panel) ----

  /** The value this node stores as a home replica for `key` (null: nothing). */
  stored(key: string): Versioned | null {
    return this.store.get(key);
  }

  storedKeys(): string[] {
    return this.store.keys();
  }

  hints(): { key: string; owner: NodeId; version: Version }[] {
    return this.store.hints().map((h) => ({ key: h.key, owner: h.owner, version: h.version }));
  }

  members(): readonly NodeId[] {
    return this.store.members;
  }

  /** The members' ring weights where not 1 (the placement is by weight). */
  weights(): RingWeights {
    return this.store.weights;
  }

  /** Range placement: the table this node places keys with (null under hashing). */
  rangeTable(): RangeTable | null {
    return this.ring instanceof RangeMap ? this.ring.table : null;
  }

  /** The key's home replicas under this node's current membership. */
  replicasOf(key: string): NodeId[] {
    return this.ring.preferenceList(key, Math.min(this.n, this.store.members.length));
  }

  /** Keys still streaming to new owners after a membership change (0: the move is done). */
  pendingTransfers(): number {
    return this.transfers.size;
  }

  /** semi-sync: true while this node, as a primary, acknowledges writes alone. */
  semiSyncFallback(): boolean {
    return this.semiSync?.fallback ?? false;
  }

  pendingOperations(): number {
    let active = 0;
    for (const op of this.ops.values()) if (op.phase !== 'done') active++;
    return active;
  }

  // ---- the machine ----

  step(input: Input<ReplMsg, ReplRequest>): ReplReady {
    const r = emptyReady<ReplMsg, ReplRecord, ReplReply, ReplEvent>();
    switch (input.kind) {
      case 'tick':
        this.onTick(input.nowMs, r);
        break;
      case 'message':
        if (input.from !== this.id) this.detector.heartbeat(input.from, input.nowMs);
        this.onMessage(input.from, input.msg, input.nowMs, r);
        break;
      case 'request':
        this.onRequest(input.request, input.nowMs, r);
        break;
      default:
        return unreachable(input, 'input');
    }
    return r;
  }

  private onRequest(req: ReplRequest, nowMs: number, r: ReplReady): void {
    switch (req.kind) {
      case 'read':
      case 'write':
        return this.startOperation(req, nowMs, r);
      case 'membership':
        return this.changeMembership(req.id, req.members, req.weights, r, req.ranges);
      default:
        return unreachable(req, 'replication request');
    }
  }

  private onMessage(from: NodeId, msg: ReplMsg, nowMs: number, r: ReplReady): void {
    switch (msg.type) {
      case 'heartbeat':
        return;
      case 'split-wanted':
        // Range placement: surfaced for whoever orders splits (the node's Paxos leader, the simulator).
        r.events.push({ type: 'split-wanted', at: msg.at, range: msg.range, keys: msg.keys, from });
        return;
      case 'get':
        r.send.push({ to: from, msg: { type: 'get-ack', rid: msg.rid, key: msg.key, stored: this.store.lookup(msg.key) } });
        return;
      case 'get-ack':
        return this.onGetAck(from, msg.rid, msg.key, msg.stored, nowMs, r);
      case 'put':
        return this.onPut(from, msg, nowMs, r);
      case 'put-ack':
        return this.onPutAck(from, msg.rid, msg.version, msg.alone === true, r);
      case 'copy': {
        this.storeLocally(msg.key, msg.stored, r);
        // A semi-sync primary must learn when the backup holds something newer than its copy.
        const version = msg.reason === 'semi-sync' ? (this.store.get(msg.key)?.version ?? msg.stored.version) : msg.stored.version;
        r.send.push({ to: from, msg: { type: 'copy-ack', reason: msg.reason, key: msg.key, version } });
        return;
      }
      case 'copy-ack':
        return this.onCopyAck(from, msg.reason, msg.key, msg.version, r);
      default:
        return unreachable(msg, 'replication message');
    }
  }

  private onTick(nowMs: number, r: ReplReady): void {
    if (!this.expecting) {
      // Start every member's silence clock now, so one that never speaks becomes suspected.
      this.expecting = true;
      for (const m of this.store.members) if (m !== this.id) this.detector.heartbeat(m, nowMs);
    }
    if (!this.heartbeatTimer.armed || this.heartbeatTimer.fire(nowMs)) {
      this.heartbeatTimer.set(nowMs, this.opts.heartbeatMs);
      for (const m of this.store.members) if (m !== this.id) r.send.push({ to: m, msg: { type: 'heartbeat' } });
    }
    this.expireOperations(nowMs, r);
    this.flushAsyncCopies(nowMs, r);
    this.semiSync?.onTick(nowMs, r);
    if (this.splits && this.ring instanceof RangeMap) this.splits.onTick(nowMs, this.ring, this.store.keys(), this.store.members, r);
    if (!this.retryTimer.armed || this.retryTimer.fire(nowMs)) {
      this.retryTimer.set(nowMs, this.opts.retryMs);
      for (const op of this.ops.values()) if (op.phase !== 'done') this.sendPhase(op, nowMs, r);
      this.handOffHints(nowMs, r);
      this.resendTransfers(r);
      this.semiSync?.retry(r);
    }
  }

  // ---- coordinating client requests ----

  private startOperation(
    req: Extract<ReplRequest, { kind: 'read' | 'write' }>,
    nowMs: number,
    r: ReplReady,
  ): void {
    // A duplicated request (the network does that): the first copy is in progress or has
    // been answered. Starting it again would apply a write twice, and refusing it would
    // tell the client "failed" about a write that happens.
    const answered = this.recentReplies.get(req.id);
    if (answered) {
      r.replies.push(answered);
      return;
    }
    if (this.ops.has(req.id)) return;
    if (typeof req.key !== 'string' || req.key === '') {
      r.replies.push({
        id: req.id,
        ok: false,
        outcome: 'fail',
        code: 'BAD_REQUEST',
        message: `key must be a non-empty string, got ${JSON.stringify(req.key)}`,
      });
      return;
    }
    const op: Operation = {
      id: req.id,
      kind: req.kind,
      key: req.key,
      value: req.kind === 'write' ? req.value : undefined,
      deadlineMs: nowMs + this.opts.opTimeoutMs,
      // async and semi-sync writes skip version discovery: the primary issues the version.
      phase: this.primaryWrites() && req.kind === 'write' ? 'update' : 'query',
      asked: new Map(),
      answers: new Map(),
      acked: new Set(),
      chosen: null,
      mayHaveTakenEffect: false,
    };
    if (this.mode === 'async' || (this.mode === 'semi-sync' && req.kind === 'write')) op.pinned = { node: this.primaryOf(req.key, nowMs) };
    this.ops.set(op.id, op);
    this.sendPhase(op, nowMs, r);
  }

  /** (Re-)sends the current phase's message to every target that has not answered yet. */
  private sendPhase(op: Operation, nowMs: number, r: ReplReady): void {
    const targets = op.pinned ? [op.pinned] : this.targetsOf(op.key, nowMs);
    const phase = op.phase;
    const rid = `${op.id}#${phase}`;
    let local: ReplMsg | undefined;
    for (const t of targets) {
      const answered = phase === 'query' ? op.answers.has(t.node) : op.acked.has(t.node);
      if (answered) continue;
      op.asked.set(t.node, t);
      const msg: ReplMsg = phase === 'query' ? { type: 'get', rid, key: op.key } : this.putFor(op, rid, t);
      if (msg.type === 'put') op.mayHaveTakenEffect = true;
      if (t.node === this.id) local = msg;
      else r.send.push({ to: t.node, msg });
    }
    // This node's own replica answers last, after the loop, because its answer may end the phase.
    if (local) this.deliverLocally(local, nowMs, r);
  }

  private deliverLocally(msg: ReplMsg, nowMs: number, r: ReplReady): void {
    if (msg.type === 'get') this.onGetAck(this.id, msg.rid, msg.key, this.store.lookup(msg.key), nowMs, r);
    else if (msg.type === 'put') this.onPut(this.id, msg, nowMs, r);
  }

  private putFor(op: Operation, rid: string, t: Target): ReplMsg {
    const base = { type: 'put' as const, rid, key: op.key };
    const withHint = t.hintFor === undefined ? base : { ...base, hintFor: t.hintFor };
    if (op.chosen) return { ...withHint, value: op.chosen.value, version: op.chosen.version };
    return { ...withHint, value: op.value }; // async: the primary issues the version
  }

  /** Does an answer from `node` count toward the quorum of `op`? */
  private counts(op: Operation, node: NodeId): boolean {
    const t = op.asked.get(node);
    if (!t) return false;
    // A strict quorum counts home replicas only; stand-ins would break quorum intersection.
    return (this.mode !== 'quorum' && this.mode !== 'semi-sync') || t.hintFor === undefined;
  }

  private needed(op: Operation): number {
    const n = Math.min(this.n, this.store.members.length);
    switch (this.mode) {
      case 'quorum':
        return majority(n);
      case 'async':
        return 1;
      case 'sloppy':
        return Math.min(n, op.phase === 'query' ? (this.config.readQuorum ?? majority(n)) : (this.config.writeQuorum ?? majority(n)));
      case 'semi-sync':
        // The primary's ack stands for W = 2 while synchronous; N-1 answers meet one of them.
        return op.phase === 'query' ? Math.max(1, n - 1) : 1;
      default:
        return unreachable(this.mode, 'replication mode');
    }
  }

  private onGetAck(
    from: NodeId,
    rid: string,
    key: string,
    stored: Versioned | null,
    nowMs: number,
    r: ReplReady,
  ): void {
    const op = this.ops.get(ridOperation(rid));
    if (!op || op.key !== key) return;
    if (op.phase !== 'query' || ridPhase(rid) !== 'query') {
      // A late answer: repair it in the background if it is behind what we learned.
      if (op.kind === 'read' && op.chosen && compareStored(stored, op.chosen) < 0) this.repair(from, key, op.chosen, r);
      return;
    }
    if (op.answers.has(from) || !op.asked.has(from)) return;
    op.answers.set(from, stored);
    const counted = [...op.answers.keys()].filter((n) => this.counts(op, n));
    if (counted.length < this.needed(op)) return;

    let best: Versioned | null = null;
    for (const n of counted) best = compareStored(op.answers.get(n), best) > 0 ? (op.answers.get(n) ?? null) : best;

    if (op.kind === 'write') {
      // Above what the majority has and above anything this node issued before (two
      // concurrent local writes, or one from before a restart, must not share a version).
      const counter = Math.max(best?.version.counter ?? 0, this.store.issued(key));
      const version = nextVersion(counter, this.id);
      this.persist({ type: 'issued', key, counter: version.counter }, r);
      op.chosen = { version, value: op.value };
      return this.enterUpdate(op, nowMs, r);
    }

    op.chosen = best;
    const quorumHasIt = counted.every((n) => compareStored(op.answers.get(n), best) === 0);
    // ABD: before answering, make sure a majority holds what we return, so no later read sees older.
    if (this.mode === 'quorum' && best && !quorumHasIt) return this.enterUpdate(op, nowMs, r);
    // Read repair: whoever answered with something older gets the newest in the background.
    if (best) for (const [n, s] of op.answers) if (compareStored(s, best) < 0) this.repair(n, key, best, r);
    this.finish(op, r);
  }

  private enterUpdate(op: Operation, nowMs: number, r: ReplReady): void {
    op.phase = 'update';
    op.asked = new Map();
    this.sendPhase(op, nowMs, r);
  }

  private onPutAck(from: NodeId, rid: string, version: Version, alone: boolean, r: ReplReady): void {
    const op = this.ops.get(ridOperation(rid));
    if (!op || op.phase !== 'update' || ridPhase(rid) !== 'update' || !op.asked.has(from)) return;
    op.acked.add(from);
    if (alone) op.alone = true;
    if (!op.chosen) op.chosen = { version, value: op.value }; // async: the primary issued it
    const counted = [...op.acked].filter((n) => this.counts(op, n)).length;
    if (counted >= this.needed(op)) this.finish(op, r);
  }

  private finish(op: Operation, r: ReplReady): void {
    op.phase = 'done';
    const version = op.chosen ? { version: op.chosen.version } : {};
    const alone = op.alone ? { alone: op.alone } : {};
    this.reply(op.kind === 'read' ? { id: op.id, ok: true, value: op.chosen?.value ?? null, ...version } : { id: op.id, ok: true, ...version, ...alone }, r);
  }

  private reply(rep: ReplReply, r: ReplReady): void {
    r.replies.push(rep);
    this.recentReplies.set(rep.id, rep);
    if (this.recentReplies.size > RECENT_REPLIES) {
      const oldest = this.recentReplies.keys().next().value;
      if (oldest !== undefined) this.recentReplies.delete(oldest);
    }
  }

  private expireOperations(nowMs: number, r: ReplReady): void {
    for (const op of [...this.ops.values()]) {
      if (nowMs < op.deadlineMs) continue;
      this.ops.delete(op.id);
      if (op.phase === 'done') continue; // kept only to repair late answers
      const unknown = op.kind === 'write' && op.mayHaveTakenEffect;
      this.reply({
        id: op.id,
        ok: false,
        outcome: unknown ? 'unknown' : 'fail',
        code: 'TIMEOUT',
        message: `${op.kind} of ${op.key} got ${op.phase === 'query' ? op.answers.size : op.acked.size} of the ${this.needed(op)} replies it needs within ${this.opts.opTimeoutMs} ms${unknown ? '; it may still take effect' : ''}`,
      }, r);
    }
  }

  // ---- being a replica ----

  private onPut(from: NodeId, msg: Extract<ReplMsg, { type: 'put' }>, nowMs: number, r: ReplReady): void {
    let version = msg.version;
    if (!version) {
      // async primary: issue the version here, once per put request.
      version = this.issuedForRid.get(msg.rid);
      if (!version) {
        const counter = Math.max(this.store.lookup(msg.key)?.version.counter ?? 0, this.store.issued(msg.key));
        version = nextVersion(counter, this.id);
        this.persist({ type: 'issued', key: msg.key, counter: version.counter }, r);
        this.rememberIssued(msg.rid, version);
        const others = this.replicasOf(msg.key).filter((m) => m !== this.id);
        if (!this.semiSync) this.asyncCopies.push({ dueMs: nowMs + this.opts.asyncCopyDelayMs, key: msg.key, to: others });
      }
    }
    const stored: Versioned = { version, value: msg.value };
    if (msg.hintFor !== undefined && msg.hintFor !== this.id) {
      if (this.store.isNewerHint(msg.hintFor, msg.key, version)) {
        this.persist({ type: 'hint', key: msg.key, owner: msg.hintFor, version, value: msg.value }, r);
        r.events.push({ type: 'stored', key: msg.key, version, hintFor: msg.hintFor });
      }
    } else {
      this.storeLocally(msg.key, stored, r);
    }
    // semi-sync primary: the ack waits for a backup (or the fallback).
    if (this.semiSync && !msg.version) return this.semiSync.onStored(msg.rid, from, msg.key, msg.value, version, nowMs, r);
    // The ack goes out in the same Ready as the record, after it: the host fsyncs first.
    const ack: ReplMsg = { type: 'put-ack', rid: msg.rid, key: msg.key, version };
    if (from === this.id) this.onPutAck(this.id, msg.rid, version, false, r);
    else r.send.push({ to: from, msg: ack });
  }

  private rememberIssued(rid: string, version: Version): void {
    this.issuedForRid.set(rid, version);
    // A bound: retries of a put come within one operation timeout, long before 4096 more puts.
    if (this.issuedForRid.size > 4096) {
      const oldest = this.issuedForRid.keys().next().value;
      if (oldest !== undefined) this.issuedForRid.delete(oldest);
    }
  }

  private storeLocally(key: string, stored: Versioned, r: ReplReady): void {
    if (!this.store.isNewer(key, stored.version)) return;
    this.persist({ type: 'stored', key, version: stored.version, value: stored.value }, r);
    r.events.push({ type: 'stored', key, version: stored.version });
  }

  private persist(rec: ReplRecord, r: ReplReady): void {
    // A replica's version for a key never goes back: a 'stored' record that is not newer
    // would be written (and acked) while the store kept the newer value.
    if (rec.type === 'stored') {
      invariant(this.store.isNewer(rec.key, rec.version), () => `${this.id} to store "${rec.key}" only above its version ${JSON.stringify(this.store.get(rec.key)?.version)}, got ${JSON.stringify(rec.version)}`);
    }
    this.store.apply(rec);
    r.persist.push(rec);
  }

  // ---- background copies: read repair, async replication, hand-off, transfer ----

  private repair(to: NodeId, key: string, stored: Versioned, r: ReplReady): void {
    r.events.push({ type: 'read-repair', key, to, version: stored.version });
    this.sendCopy(to, 'repair', key, stored, r);
  }

  private sendCopy(to: NodeId, reason: CopyReason, key: string, stored: Versioned, r: ReplReady): void {
    const msg: ReplMsg = { type: 'copy', reason, key, stored };
    if (to === this.id) this.storeLocally(key, stored, r);
    else r.send.push({ to, msg });
  }

  private flushAsyncCopies(nowMs: number, r: ReplReady): void {
    if (this.asyncCopies.length === 0) return;
    const due = this.asyncCopies.filter((c) => c.dueMs <= nowMs);
    this.asyncCopies = this.asyncCopies.filter((c) => c.dueMs > nowMs);
    for (const c of due) {
      const stored = this.store.get(c.key);
      if (stored) for (const to of c.to) this.sendCopy(to, 'async-copy', c.key, stored, r);
    }
  }

  private handOffHints(nowMs: number, r: ReplReady): void {
    for (const h of this.store.hints()) {
      if (this.suspected(h.owner, nowMs)) continue;
      this.sendCopy(h.owner, 'handoff', h.key, { version: h.version, value: h.value }, r);
    }
  }

  private onCopyAck(from: NodeId, reason: CopyReason, key: string, version: Version, r: ReplReady): void {
    switch (reason) {
      case 'repair':
      case 'async-copy':
        return;
      case 'semi-sync':
        return this.semiSync?.onBackupAck(from, key, version, r);
      case 'handoff': {
        const held = this.store.hints().find((h) => h.owner === from && h.key === key);
        if (!held || compareVersions(held.version, version) > 0) return;
        this.persist({ type: 'hint-delivered', key, owner: from, version }, r);
        r.events.push({ type: 'hint-handed-off', key, owner: from, version });
        return;
      }
      case 'transfer': {
        const t = this.transfers.get(key);
        if (!t) return;
        const current = this.store.get(key);
        // Only an ack for what we hold now completes the move (a newer write may have come in).
        if (current && compareVersions(current.version, version) > 0) return;
        t.remaining.delete(from);
        if (t.remaining.size > 0) return;
        this.transfers.delete(key);
        if (t.dropWhenDone) {
          this.persist({ type: 'dropped', key }, r);
          r.events.push({ type: 'key-dropped', key });
        }
        return;
      }
      default:
        return unreachable(reason, 'copy reason');
    }
  }

  // ---- membership and placement ----

  private changeMembership(id: string, members: readonly NodeId[], requested: RingWeights | undefined, r: ReplReady, ranges?: RangeTable): void {
    const unique = [...new Set(members)];
    const weights = normalRingWeights(unique, requested);
    if (unique.length === 0 || unique.length !== members.length || typeof weights === 'string') {
      r.replies.push({
        id,
        ok: false,
        outcome: 'fail',
        code: 'BAD_REQUEST',
        message: typeof weights === 'string' ? weights : `members must be a non-empty list of distinct node ids, got ${JSON.stringify(members)}`,
      });
      return;
    }
    const current = this.rangeTable();
    if (ranges !== undefined && current !== null && ranges.version <= current.version && sameSet(unique, this.store.members)) {
      r.replies.push({ id, ok: true }); // a table this node has (re-sent, or arriving late): nothing to do
      return;
    }
    const before = this.ring;
    const nBefore = Math.min(this.n, this.store.members.length);
    this.persist({ type: 'members', members: unique, ...(Object.keys(weights).length > 0 ? { weights } : {}) }, r);
    if (ranges !== undefined && this.splits) this.persist({ type: 'ranges', table: ranges }, r);
    this.ring = this.buildRing(unique, weights);
    if (before instanceof RangeMap && this.ring instanceof RangeMap) this.noteSplits(before.table, this.ring.table, r);
    for (const m of before.nodes()) if (!unique.includes(m.id)) this.detector.forget?.(m.id);
    this.expecting = false;
    const nAfter = Math.min(this.n, unique.length);
    for (const key of this.store.keys()) {
      const old = before.preferenceList(key, nBefore);
      const now = this.ring.preferenceList(key, nAfter);
      const leaving = !now.includes(this.id);
      // Only keys whose replica set changed move; the new owners get them from every old holder.
      const to = now.filter((m) => m !== this.id && (leaving || !old.includes(m)));
      if (to.length === 0 && !leaving) continue;
      if (to.length === 0 || sameSet(old, now)) continue;
      this.transfers.set(key, { remaining: new Set(to), dropWhenDone: leaving });
      r.events.push({ type: 'key-moved', key, to });
      const stored = this.store.get(key);
      if (stored) for (const m of to) this.sendCopy(m, 'transfer', key, stored, r);
    }
    r.replies.push({ id, ok: true });
  }

  private resendTransfers(r: ReplReady): void {
    for (const [key, t] of this.transfers) {
      const stored = this.store.get(key);
      if (stored) for (const m of t.remaining) this.sendCopy(m, 'transfer', key, stored, r);
    }
  }

  /**
   * Range placement: the recorded table (the founding one before any), reassigned to
   * `members` if they differ. Hashing: virtual nodes in proportion to weight (HashRing):
   * a weight-2 node owns about twice the keys.
   */
  private buildRing(members: readonly NodeId[], weights: RingWeights): Placement {
    if (this.splits) return new RangeMap(reassignRanges(this.store.ranges ?? initialRangeTable(this.config.members, this.n), members));
    const ring = new HashRing(this.config.vnodesPerWeight === undefined ? {} : { vnodesPerWeight: this.config.vnodesPerWeight });
    for (const m of members) ring.add(m, weights[m] ?? 1);
    return ring;
  }

  /** Range placement: one `range-split` event per split point the new table adds. */
  private noteSplits(before: RangeTable, after: RangeTable, r: ReplReady): void {
    this.splits?.applied(after);
    const had = new Set(before.ranges.map((x) => x.start));
    for (let i = 1; i < after.ranges.length; i++) {
      const range = after.ranges[i];
      if (!range || had.has(range.start)) continue;
      r.events.push({ type: 'range-split', at: range.start, range: after.ranges[i - 1]?.start ?? '', owners: range.owners, version: after.version });
    }
  }

  private suspected(node: NodeId, nowMs: number): boolean {
    return node !== this.id && this.detector.isSuspected(node, nowMs);
  }

  /** Modes whose writes go to one primary that issues the version. */
  private primaryWrites(): boolean {
    return this.mode === 'async' || this.mode === 'semi-sync';
  }

  /** async and semi-sync: the first home replica not suspected (the first one if all are). */
  private primaryOf(key: string, nowMs: number): NodeId {
    const home = this.replicasOf(key);
    return home.find((m) => !this.suspected(m, nowMs)) ?? (home[0] as NodeId);
  }

  /**
   * Every home replica (suspicion may be wrong, so they are always asked), plus, for each
   * suspected one, a stand-in further along the ring that keeps a hint for it.
   */
  private targetsOf(key: string, nowMs: number): Target[] {
    const home = this.replicasOf(key);
    const targets: Target[] = home.map((node) => ({ node }));
    const standIns = this.ring.preferenceList(key, this.store.members.length).slice(home.length);
    for (const owner of home) {
      if (!this.suspected(owner, nowMs)) continue;
      const i = standIns.findIndex((s) => !this.suspected(s, nowMs));
      if (i < 0) break;
      const [standIn] = standIns.splice(i, 1);
      if (standIn !== undefined) targets.push({ node: standIn, hintFor: owner });
    }
    return targets;
  }
}

/** Rebuilds a node after a crash from its durable records only (volatile state is gone). */
export function restoreReplicationNode(config: ReplicationConfig, durable: readonly ReplRecord[]): ReplicationNode {
  return new ReplicationNode(config, durable);
}

function ridOperation(rid: string): string {
  const i = rid.lastIndexOf('#');
  return i < 0 ? rid : rid.slice(0, i);
}

function ridPhase(rid: string): string {
  const i = rid.lastIndexOf('#');
  return i < 0 ? '' : rid.slice(i + 1);
}

function sameSet(a: readonly NodeId[], b: readonly NodeId[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}
