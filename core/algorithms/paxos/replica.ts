/**
 * One Multi-Paxos replica: acceptor, learner and (when elected) the distinguished proposer,
 * as a pure machine in the style of etcd's raft. Inputs are ticks, messages and client
 * requests; outputs are Ready batches (persist, then send and reply).
 *
 * step() is the dispatcher. The acceptor and learner parts are the same in every role and
 * live here (with acceptor.ts, catch-up.ts and snapshot-transfer.ts); the proposer roles
 * (follower, candidate, leader) and the election timers between them are proposer.ts,
 * swapped behaviours as etcd swaps step functions.
 */
import { Deadline } from '../common/deadline';
import { invariantCheck, type InvariantCheck } from '../common/invariant';
import {
  emptyReady,
  type Input,
  type Machine,
  type NodeId,
  type ReplicatedService,
} from '../common/types';
import { unreachable } from '../common/unreachable';
import { ballotEquals } from './ballot';
import type { ReplicaLog } from './log';
import { validateConfig } from './config';
import { Acceptor } from './acceptor';
import { CatchUp } from './catch-up';
import { Proposer } from './proposer';
import { restoreDurable } from './restore';
import type { PaxosReady } from './roles';
import { MAX_SNAPSHOT_CHARS, SnapshotTransfer } from './snapshot-transfer';
import { SessionedStateMachine } from './state-machine';
import {
  ZERO_BALLOT,
  compareBallots,
  type Ballot,
  type LogValue,
  type PaxosConfig,
  type PaxosEvent,
  type PaxosLogEntryView,
  type PaxosMsg,
  type PaxosRecord,
  type PaxosReply,
  type PaxosRequest,
  type PaxosSnapshotState,
  type PaxosStatus,
} from './types';

export { MAX_SNAPSHOT_CHARS, SNAPSHOT_CHUNK_CHARS } from './snapshot-transfer';

export const DEFAULT_MAX_IN_FLIGHT = 256;
export { CATCHUP_BATCH } from './catch-up';
/** Chosen records are written at the latest once this many wait (see learnSlot). */
const MAX_DEFERRED_CHOSEN = 1024;
/** At most this many slots per logEntries() call (it is for a panel, not bulk export). */
export const LOG_VIEW_LIMIT = 1000;
/** Applied slots between automatic snapshots (PaxosConfig.snapshotEverySlots). */
export const DEFAULT_SNAPSHOT_EVERY_SLOTS = 10_000;

/**
 * Rebuilds a replica after a crash (the `restore` every mechanism exports next to its
 * machine): a FRESH service, and every record the old incarnation persisted.
 */
export function restorePaxosReplica<Cmd, Res>(
  config: PaxosConfig,
  freshService: ReplicatedService<Cmd, Res>,
  durable: readonly PaxosRecord<Cmd>[],
): PaxosReplica<Cmd, Res> {
  return new PaxosReplica(config, freshService, durable);
}


export class PaxosReplica<Cmd, Res>
  implements Machine<PaxosMsg<Cmd>, PaxosRequest<Cmd>, PaxosRecord<Cmd>, PaxosReply<Res>, PaxosEvent<Cmd>>
{
  readonly id: NodeId;
  private readonly electorate: ReadonlySet<NodeId>;
  private readonly peers: readonly NodeId[];
  private readonly maxInFlight: number;
  private readonly snapshotEverySlots: number;
  /** `invariant`, or a no-op for negative controls (PaxosConfig.checkInvariants). */
  private readonly check: InvariantCheck;

  // Durable acceptor state (restored from records) and the learner's log.
  private readonly acceptor: Acceptor<Cmd>;
  /** Catch-up requests out and answers in (catch-up.ts). */
  private readonly catchup: CatchUp<Cmd>;
  private readonly log: ReplicaLog<Cmd>;
  /** The service and its session table: rebuilt from the latest snapshot record, then by re-applying the log above it. */
  private readonly stateMachine: SessionedStateMachine<Cmd, Res>;
  /** Follower, candidate or leader, with the election timers between them (proposer.ts). */
  private readonly proposer: Proposer<Cmd, Res>;
  private started = false;

  /** appliedUpTo at the last automatic snapshot attempt (one that was too large is not retried at once). */
  private snapshotTriedAt = 0;
  /** Snapshot transfer to and from peers below the floor (snapshot-transfer.ts). */
  private readonly transfer = new SnapshotTransfer();

  // The step being computed.
  private out: PaxosReady<Cmd, Res> = emptyReady();
  private nowMs = 0;
  private readonly learnerTimer = new Deadline();
  /** Chosen records waiting for the next tick's batch (see learnSlot). */
  private deferredChosen: PaxosRecord<Cmd>[] = [];
  /** Round-robin over the members when the one asked last did not answer. */
  private learnerNext = 0;
  private learnerAnswered = false;
  constructor(
    private readonly config: PaxosConfig,
    private readonly service: ReplicatedService<Cmd, Res>,
    durable: readonly PaxosRecord<Cmd>[] = [],
  ) {
    validateConfig(config);
    this.id = config.id;
    this.electorate = new Set(config.members);
    this.peers = config.members.filter((m) => m !== config.id);
    this.maxInFlight = config.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
    this.snapshotEverySlots = config.snapshotEverySlots ?? DEFAULT_SNAPSHOT_EVERY_SLOTS;
    this.stateMachine = new SessionedStateMachine(service);
    this.check = invariantCheck(config.checkInvariants !== false);
    const restored = restoreDurable(durable, config.bugs, this.check);
    this.acceptor = new Acceptor(this.id, restored, durable, this.check);
    this.log = restored.log;
    this.catchup = new CatchUp(this.log, 2 * config.heartbeatMs);
    if (restored.snapshot !== undefined) this.stateMachine.restore(restored.snapshot.state);
    this.proposer = new Proposer<Cmd, Res>({
      config,
      electorate: this.electorate,
      peers: this.peers,
      maxInFlight: this.maxInFlight,
      acceptor: this.acceptor,
      log: this.log,
      service,
      stateMachine: this.stateMachine,
      now: () => this.nowMs,
      out: () => this.out,
      send: (to, msg) => this.send(to, msg),
      broadcast: (msg) => this.broadcast(msg),
      promise: (ballot) => this.promise(ballot),
      learnSlot: (slot, value) => this.learnSlot(slot, value),
      applyChosen: () => this.applyChosen(false),
      requestCatchup: (peer) => this.requestCatchup(peer),
      tickLearner: () => this.tickLearner(),
    });
  }

  /** True for a learner (config.learner): it never votes nor campaigns. */
  get isLearner(): boolean {
    return this.config.learner === true;
  }

  step(input: Input<PaxosMsg<Cmd>, PaxosRequest<Cmd>>): PaxosReady<Cmd, Res> {
    this.nowMs = input.nowMs;
    this.start();
    switch (input.kind) {
      case 'tick':
        this.writeDeferredChosen();
        this.proposer.tick();
        break;
      case 'message':
        if (input.from === this.id) this.proposer.receiveFromSelf(input.msg);
        else if (this.electorate.has(input.from)) this.receive(input.from, input.msg);
        else this.receiveFromLearner(input.from, input.msg);
        break;
      case 'request':
        this.request(input.request);
        break;
      default:
        return unreachable(input, 'input');
    }
    this.proposer.flushChosenPushes();
    const out = this.out;
    this.out = emptyReady();
    return out;
  }

  status(): PaxosStatus {
    return {
      id: this.id,
      role: this.proposer.role,
      ballot: this.proposer.currentBallot,
      promised: this.acceptor.promised,
      leader: this.proposer.leaderHint,
      chosenUpTo: this.log.chosenUpTo,
      appliedUpTo: this.log.appliedUpTo,
      lastAcceptedSlot: this.log.lastAcceptedSlot,
    };
  }

  /** A read-only view of slots [fromSlot, toSlot] (at most LOG_VIEW_LIMIT), skipping empty ones. */
  logEntries(fromSlot: number, toSlot: number): PaxosLogEntryView<Cmd>[] {
    const views: PaxosLogEntryView<Cmd>[] = [];
    const first = Math.max(1, Math.floor(fromSlot));
    const last = Math.min(Math.floor(toSlot), first + LOG_VIEW_LIMIT - 1);
    for (let slot = first; slot <= last; slot++) {
      const accepted = this.log.acceptedAt(slot);
      const chosen = this.log.chosenAt(slot);
      const value = chosen ?? accepted?.value;
      if (value === undefined) continue;
      const state = slot <= this.log.appliedUpTo ? 'applied' : chosen !== undefined ? 'chosen' : 'accepted';
      views.push(accepted === undefined ? { slot, state, value } : { slot, state, ballot: accepted.ballot, value });
    }
    return views;
  }

  /** Slots at or below this are covered by a snapshot and hold no log entries here. */
  get snapshotFloor(): number {
    return this.log.floor;
  }

  /** The replicated state at appliedUpTo (service + sessions), or undefined if the service cannot snapshot. */
  snapshotState(): PaxosSnapshotState | undefined {
    return this.stateMachine.snapshot();
  }

  /**
   * Snapshots now and drops the log entries the snapshot covers. The snapshot record goes
   * out with the next step's Ready (until then the records it covers are still on disk, so
   * a crash in between loses nothing). Returns false when the service cannot snapshot.
   */
  compact(): boolean {
    const snapshot = this.takeSnapshot();
    if (snapshot === undefined) return false;
    this.out.persist.push({ type: 'snapshot', upTo: snapshot.upTo, state: snapshot.state });
    return true;
  }

  /**
   * The minimal records a restart needs, to replace this replica's whole durable history
   * (node-level compaction): the promise, a snapshot at appliedUpTo, and every accepted and
   * chosen entry above it. Acceptor safety needs only the promise and the accepted entries
   * of slots not yet chosen-and-applied; both are kept. Undefined when the service cannot
   * snapshot: then every record must be kept.
   */
  durableSnapshot(): PaxosRecord<Cmd>[] | undefined {
    const snapshot = this.takeSnapshot();
    if (snapshot === undefined) return undefined;
    const records: PaxosRecord<Cmd>[] = [];
    if (compareBallots(this.acceptor.promised, ZERO_BALLOT) > 0) records.push({ type: 'promised', ballot: this.acceptor.promised });
    if (snapshot.upTo > 0) records.push({ type: 'snapshot', upTo: snapshot.upTo, state: snapshot.state });
    for (const e of this.log.acceptedEntries()) records.push({ type: 'accepted', slot: e.slot, ballot: e.ballot, value: e.value });
    for (const e of this.log.chosenEntries()) records.push({ type: 'chosen', slot: e.slot, value: e.value });
    return records;
  }

  // ---------------------------------------------------------------------------------------
  // Start-up: re-apply the restored chosen prefix with the host's clock (afterApply needs
  // a real nowMs, which a constructor does not have), silently: clients got their replies
  // before the crash, and observers already saw these slots applied.

  private start(): void {
    if (this.started) return;
    this.started = true;
    this.applyChosen(true);
    this.proposer.start();
  }

  // ---------------------------------------------------------------------------------------
  // Dispatch

  private receive(from: NodeId, msg: PaxosMsg<Cmd>): void {
    if (this.config.learner === true) return this.receiveAsLearner(from, msg);
    // Any message proves the link from `from` works: check-quorum counts it.
    this.proposer.heardFrom(from);
    switch (msg.type) {
      case 'prepare':
        return this.onPrepare(from, msg);
      case 'accept':
        return this.onAccept(from, msg);
      case 'heartbeat':
        return this.onHeartbeat(from, msg);
      case 'chosen':
        for (const e of msg.entries) this.learnSlot(e.slot, e.value);
        return this.applyChosen(false);
      case 'catchup': {
        // Below the floor the entries are gone: the asker gets the snapshot instead.
        const answer = this.catchup.answer(msg.fromSlot);
        if (answer.kind === 'snapshot') return this.sendSnapshotChunk(from, undefined, 0);
        // Followers also send one as their answer to every heartbeat (see onHeartbeat), so
        // an up-to-date asker gets no reply: there is nothing to give.
        if (answer.entries.length === 0) return;
        return this.send(from, { type: 'catchup-reply', entries: answer.entries, chosenUpTo: this.log.chosenUpTo });
      }
      case 'catchup-reply':
        return this.onCatchupReply(from, msg);
      case 'snapshot':
        return this.onSnapshotChunk(from, msg);
      case 'snapshot-fetch':
        return this.sendSnapshotChunk(from, msg.upTo, msg.offset);
      case 'promise':
      case 'accepted':
      case 'nack':
        return this.proposer.step(from, msg);
      default:
        return unreachable(msg, 'paxos message');
    }
  }

  private request(request: PaxosRequest<Cmd>): void {
    switch (request.kind) {
      case 'propose':
        return this.proposer.propose(request);
      case 'query-local':
        if (this.service.queryLocal === undefined) {
          this.out.replies.push({ id: request.id, ok: false, error: 'UNSUPPORTED' });
        } else {
          const result = this.service.queryLocal(request.op);
          this.out.replies.push({ id: request.id, ok: true, result, slot: this.log.appliedUpTo });
        }
        return;
      default:
        return unreachable(request, 'paxos request');
    }
  }

  // ---------------------------------------------------------------------------------------
  // Acceptor (every role)

  private onPrepare(from: NodeId, msg: Extract<PaxosMsg<Cmd>, { type: 'prepare' }>): void {
    const acceptor = this.acceptor;
    acceptor.noteRound(msg.ballot);
    if (acceptor.refuses(msg.ballot)) return this.nack(from, msg.ballot);
    if (compareBallots(msg.ballot, acceptor.promised) > 0) {
      this.promise(msg.ballot);
      this.proposer.promisedHigher();
    }
    this.proposer.grantedPromise();
    this.send(from, acceptor.promiseMessage(msg.ballot, msg.fromSlot));
  }

  private onAccept(from: NodeId, msg: Extract<PaxosMsg<Cmd>, { type: 'accept' }>): void {
    const acceptor = this.acceptor;
    acceptor.noteRound(msg.ballot);
    if (acceptor.refuses(msg.ballot)) return this.nack(from, msg.ballot);
    // The accepted record implies the promise, so no separate `promised` record is needed.
    acceptor.raise(msg.ballot);
    this.proposer.followLeader(msg.ballot);
    // A retransmitted accept (the leader did not hear our answer) is answered again without
    // writing its record twice (see Acceptor.accept).
    const record = acceptor.accept(msg.slot, msg.ballot, msg.value);
    if (record !== undefined) this.out.persist.push(record);
    this.send(from, { type: 'accepted', ballot: msg.ballot, slot: msg.slot });
    this.learnFromLeader(from, msg.ballot, msg.chosenUpTo);
  }

  private onHeartbeat(from: NodeId, msg: Extract<PaxosMsg<Cmd>, { type: 'heartbeat' }>): void {
    this.acceptor.noteRound(msg.ballot);
    if (this.acceptor.refuses(msg.ballot)) return this.nack(from, msg.ballot);
    this.proposer.followLeader(msg.ballot);
    this.learnFromLeader(from, msg.ballot, msg.chosenUpTo, false);
    // The answer to a heartbeat is a catch-up request from our commit point: it tells the
    // leader we are alive (its check-quorum) and pulls whatever we miss in one round trip.
    this.send(from, this.catchup.ask(this.nowMs));
  }

  /** Raises the promise durably: the record goes out in this Ready, before the promise message. */
  private promise(ballot: Ballot): void {
    this.out.persist.push(this.acceptor.promise(ballot));
  }

  private nack(to: NodeId, ballot: Ballot): void {
    this.send(to, { type: 'nack', ballot, promised: this.acceptor.promised });
  }

  // ---------------------------------------------------------------------------------------
  // Learner (every role)

  /**
   * Learns from a leader's commit point. A slot this acceptor accepted IN THE SAME BALLOT
   * holds the value the leader proposed there, which is the chosen one; any other slot
   * (nothing accepted, or an older ballot's value) must be fetched with catch-up.
   */
  private learnFromLeader(from: NodeId, ballot: Ballot, remoteChosenUpTo: number, pull = true): void {
    while (this.log.chosenUpTo < remoteChosenUpTo) {
      const slot = this.log.chosenUpTo + 1;
      const accepted = this.log.acceptedAt(slot);
      if (accepted === undefined || !ballotEquals(accepted.ballot, ballot)) break;
      this.learnSlot(slot, accepted.value);
    }
    this.applyChosen(false);
    if (pull && this.log.chosenUpTo < remoteChosenUpTo) this.requestCatchup(from);
  }

  private requestCatchup(from: NodeId): void {
    const request = this.catchup.askIfIdle(this.nowMs);
    if (request !== undefined) this.send(from, request);
  }

  private onCatchupReply(from: NodeId, msg: Extract<PaxosMsg<Cmd>, { type: 'catchup-reply' }>): void {
    this.catchup.answered();
    for (const e of msg.entries) this.learnSlot(e.slot, e.value);
    this.applyChosen(false);
    // Batches are bounded: keep asking while the peer knows more and did give something.
    if (msg.entries.length > 0 && this.log.chosenUpTo < msg.chosenUpTo) this.requestCatchup(from);
  }

  // ---------------------------------------------------------------------------------------
  // Snapshots

  /** Snapshots the state machine at appliedUpTo and drops the log below it (undefined: cannot, or too large). */
  private takeSnapshot(): { upTo: number; state: PaxosSnapshotState } | undefined {
    const state = this.stateMachine.snapshot();
    if (state === undefined) return undefined;
    // Measured before anything is dropped: a snapshot too large to persist keeps the log.
    if (JSON.stringify(state).length > MAX_SNAPSHOT_CHARS) return undefined;
    const upTo = this.log.appliedUpTo;
    this.log.compactTo(upTo);
    this.transfer.forgetServedBelow(upTo);
    return { upTo, state };
  }

  /** Serves chunk `offset` of a snapshot to a peer below the floor (see SnapshotTransfer.chunk). */
  private sendSnapshotChunk(to: NodeId, upTo: number | undefined, offset: number): void {
    const chunk = this.transfer.chunk(this.log, () => this.stateMachine.snapshot(), upTo, offset);
    if (chunk !== undefined) this.send(to, chunk);
  }

  private onSnapshotChunk(from: NodeId, msg: Extract<PaxosMsg<Cmd>, { type: 'snapshot' }>): void {
    const outcome = this.transfer.receive(msg, this.log.appliedUpTo);
    if (outcome.kind === 'ignored') return;
    // A transfer under way: no catch-up request meanwhile.
    this.catchup.holdOff(this.nowMs);
    switch (outcome.kind) {
      case 'fetch':
        return this.send(from, { type: 'snapshot-fetch', upTo: outcome.upTo, offset: outcome.offset });
      case 'corrupt':
        return;
      case 'complete':
        this.installSnapshot(outcome.upTo, outcome.state);
        this.catchup.answered();
        if (this.log.chosenUpTo < msg.chosenUpTo) this.requestCatchup(from);
        return;
      default:
        return unreachable(outcome, 'snapshot chunk outcome');
    }
  }

  /** Jumps this replica to a peer's snapshot: state, sessions and log floor, durably. */
  private installSnapshot(upTo: number, state: PaxosSnapshotState): void {
    this.stateMachine.restore(state);
    this.log.installSnapshot(upTo);
    this.transfer.forgetServed();
    this.out.persist.push({ type: 'snapshot', upTo, state });
    this.proposer.snapshotInstalled(upTo);
    this.applyChosen(false);
  }

  private learnSlot(slot: number, value: LogValue<Cmd>): void {
    if (!this.log.learn(slot, value)) return;
    // Chosen records are not needed for safety: a majority's accepted records already hold
    // the value, and a restart re-learns what it lost by catch-up. Written in the step that
    // learns, they would make the client's reply wait for one more fsync; so they go out
    // with the next tick's batch (or sooner: when many piled up, or when the host takes
    // them with takeDeferredChosen because something it persists now depends on them).
    this.deferredChosen.push({ type: 'chosen', slot, value });
    if (this.deferredChosen.length >= MAX_DEFERRED_CHOSEN) this.writeDeferredChosen();
    this.out.events.push({ kind: 'learned', slot, value });
    this.proposer.chosenElsewhere(slot);
  }

  /** Applies the chosen prefix in order; `silent` replays a restored prefix (no events, no replies). */
  private writeDeferredChosen(): void {
    if (this.deferredChosen.length === 0) return;
    for (const r of this.deferredChosen) this.out.persist.push(r);
    this.deferredChosen = [];
  }

  /**
   * Hands over the chosen records not yet written, for a host that is about to persist
   * something derived from what was applied (a ring change caused by a membership
   * command): written first, they make the cause durable no later than its effect.
   */
  takeDeferredChosen(): PaxosRecord<Cmd>[] {
    const records = this.deferredChosen;
    this.deferredChosen = [];
    return records;
  }

  private applyChosen(silent: boolean): void {
    for (let next = this.log.nextToApply(); next !== undefined; next = this.log.nextToApply()) {
      const { slot, value } = next;
      const outcome = this.stateMachine.apply(slot, value, this.nowMs);
      if (silent) continue;
      this.out.events.push({ kind: 'applied', slot, value });
      this.proposer.settlePending(slot, value, outcome);
    }
    if (this.snapshotEverySlots > 0 && this.log.appliedUpTo - Math.max(this.log.floor, this.snapshotTriedAt) >= this.snapshotEverySlots) {
      this.snapshotTriedAt = this.log.appliedUpTo;
      const snapshot = this.takeSnapshot();
      if (snapshot !== undefined) this.out.persist.push({ type: 'snapshot', upTo: snapshot.upTo, state: snapshot.state });
    }
    if (!silent) this.proposer.learned();
  }

  // ---------------------------------------------------------------------------------------
  // Learners: non-members that only read the chosen log

  /**
   * A non-member may only read: catch-up and snapshot transfer. It is never counted (no
   * vote, no check-quorum liveness), so a learner cannot change what is chosen. An
   * up-to-date learner still gets an (empty) answer: it carries the leader hint.
   */
  private receiveFromLearner(from: NodeId, msg: PaxosMsg<Cmd>): void {
    switch (msg.type) {
      case 'catchup': {
        const answer = this.catchup.answer(msg.fromSlot);
        if (answer.kind === 'snapshot') return this.sendSnapshotChunk(from, undefined, 0);
        const leader = this.proposer.leaderHint;
        return this.send(from, { type: 'catchup-reply', entries: answer.entries, chosenUpTo: this.log.chosenUpTo, ...(leader !== undefined ? { leader } : {}) });
      }
      case 'snapshot-fetch':
        return this.sendSnapshotChunk(from, msg.upTo, msg.offset);
      default:
        return; // a non-member cannot prepare, accept, vote or lead
    }
  }

  /** A learner takes only learned values from members; it never promises nor accepts. */
  private receiveAsLearner(from: NodeId, msg: PaxosMsg<Cmd>): void {
    switch (msg.type) {
      case 'chosen':
        for (const e of msg.entries) this.learnSlot(e.slot, e.value);
        return this.applyChosen(false);
      case 'catchup-reply':
        this.learnerAnswered = true;
        if (msg.leader !== undefined) this.proposer.leaderHint = msg.leader;
        return this.onCatchupReply(from, msg);
      case 'snapshot':
        this.learnerAnswered = true;
        return this.onSnapshotChunk(from, msg);
      case 'heartbeat':
        this.proposer.leaderHint = msg.ballot.node;
        return;
      default:
        return;
    }
  }

  private tickLearner(): void {
    if (!this.learnerTimer.fire(this.nowMs) && this.learnerTimer.armed) return;
    this.learnerTimer.set(this.nowMs, this.config.learnerCatchupMs ?? 2 * this.config.heartbeatMs);
    // Ask the leader while it answers; otherwise the next member in turn.
    let target = this.learnerAnswered && this.proposer.leaderHint !== undefined && this.electorate.has(this.proposer.leaderHint) ? this.proposer.leaderHint : undefined;
    if (target === undefined) {
      target = this.peers[this.learnerNext % this.peers.length];
      this.learnerNext++;
      if (!this.learnerAnswered) this.proposer.leaderHint = undefined;
    }
    this.learnerAnswered = false;
    if (target === undefined) return;
    this.send(target, this.catchup.ask(this.nowMs));
  }

  // ---------------------------------------------------------------------------------------
  // Output

  private send(to: NodeId, msg: PaxosMsg<Cmd>): void {
    this.out.send.push({ to, msg });
  }

  private broadcast(msg: PaxosMsg<Cmd>): void {
    for (const peer of this.peers) this.out.send.push({ to: peer, msg });
  }

}
