/**
 * One Multi-Paxos replica: acceptor, learner and (when elected) the distinguished proposer,
 * as a pure machine in the style of etcd's raft. Inputs are ticks, messages and client
 * requests; outputs are Ready batches (persist, then send and reply).
 *
 * Roles are swapped behaviours (becomeLeader sets `behaviour = asLeader`, as etcd sets
 * `step = stepLeader`); the acceptor and learner parts are the same in every role.
 */
import { Deadline, backoffMs } from '../common/deadline';
import { invariantCheck, type InvariantCheck } from '../common/invariant';
import { Prng } from '../common/prng';
import { QuorumTracker, majority } from '../common/quorum';
import {
  emptyReady,
  type Input,
  type Machine,
  type NodeId,
  type Ready,
  type ReplicatedService,
} from '../common/types';
import { unreachable } from '../common/unreachable';
import { ballotEquals } from './ballot';
import type { ReplicaLog } from './log';
import { LeaderState, absorbPromise, clientSeqKey, type CandidateState, type InFlightSlot } from './proposer-state';
import { validateConfig } from './config';
import { Acceptor } from './acceptor';
import { CATCHUP_BATCH, CatchUp } from './catch-up';
import { restoreDurable } from './restore';
import { MAX_SNAPSHOT_CHARS, SnapshotTransfer } from './snapshot-transfer';
import { SessionedStateMachine, type ApplyOutcome } from './state-machine';
import {
  ZERO_BALLOT,
  compareBallots,
  type AcceptedEntry,
  type Ballot,
  type LogValue,
  type PaxosConfig,
  type PaxosEvent,
  type PaxosLogEntryView,
  type PaxosMsg,
  type PaxosRecord,
  type PaxosReply,
  type PaxosRequest,
  type PaxosRole,
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
/** Consecutive failed campaigns stretch the back-off up to this many maximum election timeouts. */
const BACKOFF_CAP_FACTOR = 4;

const NOOP: LogValue<never> = { kind: 'noop' };

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

type PaxosReady<Cmd, Res> = Ready<PaxosMsg<Cmd>, PaxosRecord<Cmd>, PaxosReply<Res>, PaxosEvent<Cmd>>;

/** Messages only a proposer cares about; acceptor/learner messages are role-independent. */
type ProposerMsg<Cmd> = Extract<PaxosMsg<Cmd>, { type: 'promise' | 'accepted' | 'nack' }>;
type ProposeRequest<Cmd> = Extract<PaxosRequest<Cmd>, { kind: 'propose' }>;

interface RoleBehaviour<Cmd> {
  readonly role: PaxosRole;
  step(from: NodeId, msg: ProposerMsg<Cmd>): void;
  tick(): void;
  propose(request: ProposeRequest<Cmd>): void;
  /** The chosen prefix grew (a candidate may be waiting for it). */
  learned(): void;
}

export class PaxosReplica<Cmd, Res>
  implements Machine<PaxosMsg<Cmd>, PaxosRequest<Cmd>, PaxosRecord<Cmd>, PaxosReply<Res>, PaxosEvent<Cmd>>
{
  readonly id: NodeId;
  private readonly electorate: ReadonlySet<NodeId>;
  private readonly peers: readonly NodeId[];
  private readonly maxInFlight: number;
  private readonly snapshotEverySlots: number;
  private readonly prng: Prng;
  /** `invariant`, or a no-op for negative controls (PaxosConfig.checkInvariants). */
  private readonly check: InvariantCheck;

  // Durable acceptor state (restored from records) and the learner's log.
  private readonly acceptor: Acceptor<Cmd>;
  /** Catch-up requests out and answers in (catch-up.ts). */
  private readonly catchup: CatchUp<Cmd>;
  private readonly log: ReplicaLog<Cmd>;
  /** The service and its session table: rebuilt from the latest snapshot record, then by re-applying the log above it. */
  private readonly stateMachine: SessionedStateMachine<Cmd, Res>;

  // Volatile role state.
  private behaviour: RoleBehaviour<Cmd>;
  /** The ballot this replica leads, campaigns with, or follows (ZERO when it follows nobody). */
  private ballot: Ballot = ZERO_BALLOT;
  private leaderHint: NodeId | undefined;
  private candidate: CandidateState<Cmd> | undefined;
  private leader: LeaderState<Cmd> | undefined;
  private readonly electionTimer = new Deadline();
  private electionTimeoutMs: number;
  private failedCampaigns = 0;
  private started = false;
  /** appliedUpTo at the last automatic snapshot attempt (one that was too large is not retried at once). */
  private snapshotTriedAt = 0;
  /** Snapshot transfer to and from peers below the floor (snapshot-transfer.ts). */
  private readonly transfer = new SnapshotTransfer();

  // The step being computed.
  private out: PaxosReady<Cmd, Res> = emptyReady();
  private nowMs = 0;
  /** Chosen values to push to acceptors that did not vote for them, one message per peer. */
  private readonly chosenPushes = new Map<NodeId, { slot: number; value: LogValue<Cmd> }[]>();

  private readonly asFollower: RoleBehaviour<Cmd> = {
    role: 'follower',
    step: () => {
      // A follower proposes nothing: late promises, votes and nacks are for an old campaign.
    },
    tick: () => this.tickFollower(),
    propose: (request) => this.rejectNotLeader(request.id),
    learned: () => {},
  };
  /** A learner (config.learner): reported as a follower, but it never campaigns and never votes. */
  private readonly asLearner: RoleBehaviour<Cmd> = {
    role: 'follower',
    step: () => {},
    tick: () => this.tickLearner(),
    propose: (request) => this.rejectNotLeader(request.id),
    learned: () => {},
  };
  private readonly learnerTimer = new Deadline();
  /** Chosen records waiting for the next tick's batch (see learnSlot). */
  private deferredChosen: PaxosRecord<Cmd>[] = [];
  /** Round-robin over the members when the one asked last did not answer. */
  private learnerNext = 0;
  private learnerAnswered = false;
  private readonly asCandidate: RoleBehaviour<Cmd> = {
    role: 'candidate',
    step: (from, msg) => this.stepCandidate(from, msg),
    tick: () => this.tickCandidate(),
    propose: (request) => this.rejectNotLeader(request.id),
    learned: () => {
      if (this.candidate !== undefined) this.maybeWinPhase1(this.candidate);
    },
  };
  private readonly asLeader: RoleBehaviour<Cmd> = {
    role: 'leader',
    step: (from, msg) => this.stepLeader(from, msg),
    tick: () => this.tickLeader(),
    propose: (request) => this.proposeAsLeader(request),
    learned: () => {},
  };

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
    this.prng = new Prng(config.seed);
    this.stateMachine = new SessionedStateMachine(service);
    this.check = invariantCheck(config.checkInvariants !== false);
    const restored = restoreDurable(durable, config.bugs, this.check);
    this.acceptor = new Acceptor(this.id, restored, durable, this.check);
    this.log = restored.log;
    this.catchup = new CatchUp(this.log, 2 * config.heartbeatMs);
    if (restored.snapshot !== undefined) this.stateMachine.restore(restored.snapshot.state);
    this.behaviour = config.learner === true ? this.asLearner : this.asFollower;
    this.electionTimeoutMs = this.randomElectionTimeoutMs();
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
        this.behaviour.tick();
        break;
      case 'message':
        if (input.from === this.id) this.receiveFromSelf(input.msg);
        else if (this.electorate.has(input.from)) this.receive(input.from, input.msg);
        else this.receiveFromLearner(input.from, input.msg);
        break;
      case 'request':
        this.request(input.request);
        break;
      default:
        return unreachable(input, 'input');
    }
    this.flushChosenPushes();
    const out = this.out;
    this.out = emptyReady();
    return out;
  }

  status(): PaxosStatus {
    return {
      id: this.id,
      role: this.behaviour.role,
      ballot: this.ballot,
      promised: this.acceptor.promised,
      leader: this.leaderHint,
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
    this.electionTimer.set(this.nowMs, this.electionTimeoutMs);
  }

  // ---------------------------------------------------------------------------------------
  // Dispatch

  private receive(from: NodeId, msg: PaxosMsg<Cmd>): void {
    if (this.config.learner === true) return this.receiveAsLearner(from, msg);
    // Any message proves the link from `from` works: check-quorum counts it.
    this.leader?.lastHeardMs.set(from, this.nowMs);
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
        return this.behaviour.step(from, msg);
      default:
        return unreachable(msg, 'paxos message');
    }
  }

  private request(request: PaxosRequest<Cmd>): void {
    switch (request.kind) {
      case 'propose':
        return this.behaviour.propose(request);
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
      if (this.behaviour.role !== 'follower') this.becomeFollower(undefined, false);
    }
    // Granting a promise gives the candidate a full election timeout to finish phase 1.
    if (this.behaviour.role === 'follower') this.resetElectionTimer();
    this.send(from, acceptor.promiseMessage(msg.ballot, msg.fromSlot));
  }

  private onAccept(from: NodeId, msg: Extract<PaxosMsg<Cmd>, { type: 'accept' }>): void {
    const acceptor = this.acceptor;
    acceptor.noteRound(msg.ballot);
    if (acceptor.refuses(msg.ballot)) return this.nack(from, msg.ballot);
    // The accepted record implies the promise, so no separate `promised` record is needed.
    acceptor.raise(msg.ballot);
    this.followLeader(msg.ballot);
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
    this.followLeader(msg.ballot);
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
    const leader = this.leader;
    if (leader !== undefined) {
      // Slots the snapshot covers were decided elsewhere: their outcome here is unknown.
      for (const slot of leader.inFlight.keys()) if (slot <= upTo) leader.inFlight.delete(slot);
      for (const [slot, pending] of leader.pendingBySlot) {
        if (slot > upTo) continue;
        leader.pendingBySlot.delete(slot);
        const proposed = pending.value;
        if (proposed.kind === 'cmd' && proposed.command.client !== undefined && proposed.command.seq !== undefined) {
          leader.slotByClientSeq.delete(clientSeqKey(proposed.command.client, proposed.command.seq));
        }
        for (const id of pending.requestIds) this.out.replies.push({ id, ok: false, error: 'LEADERSHIP_LOST' });
      }
    }
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
    // Chosen by other means (catch-up) while still in flight here: nothing left to count.
    this.leader?.inFlight.delete(slot);
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
      this.settlePending(slot, value, outcome);
    }
    if (this.snapshotEverySlots > 0 && this.log.appliedUpTo - Math.max(this.log.floor, this.snapshotTriedAt) >= this.snapshotEverySlots) {
      this.snapshotTriedAt = this.log.appliedUpTo;
      const snapshot = this.takeSnapshot();
      if (snapshot !== undefined) this.out.persist.push({ type: 'snapshot', upTo: snapshot.upTo, state: snapshot.state });
    }
    if (!silent) this.behaviour.learned();
  }

  private settlePending(slot: number, value: LogValue<Cmd>, outcome: ApplyOutcome<Res>): void {
    const leader = this.leader;
    if (leader === undefined) return;
    const pending = leader.pendingBySlot.get(slot);
    if (pending === undefined) return;
    leader.pendingBySlot.delete(slot);
    const proposed = pending.value;
    if (proposed.kind === 'cmd' && proposed.command.client !== undefined && proposed.command.seq !== undefined) {
      leader.slotByClientSeq.delete(clientSeqKey(proposed.command.client, proposed.command.seq));
    }
    // The slot may hold another leader's value (learned by catch-up before this leader heard
    // of its successor): then this proposal's outcome is unknown, whatever was applied.
    const ours = value === proposed || sameSession(value, proposed);
    for (const id of pending.requestIds) {
      if (!ours) {
        this.out.replies.push({ id, ok: false, error: 'LEADERSHIP_LOST' });
        continue;
      }
      switch (outcome.kind) {
        case 'result':
          this.out.replies.push({ id, ok: true, result: outcome.result, slot: outcome.slot });
          break;
        case 'expired':
          this.out.replies.push({ id, ok: false, error: 'SESSION_EXPIRED', leader: this.id });
          break;
        case 'noop':
          // Only reachable if `ours` were a no-op, which a client never proposes.
          this.out.replies.push({ id, ok: false, error: 'LEADERSHIP_LOST' });
          break;
        default:
          unreachable(outcome, 'apply outcome');
      }
    }
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
        const leader = this.leaderHint;
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
        if (msg.leader !== undefined) this.leaderHint = msg.leader;
        return this.onCatchupReply(from, msg);
      case 'snapshot':
        this.learnerAnswered = true;
        return this.onSnapshotChunk(from, msg);
      case 'heartbeat':
        this.leaderHint = msg.ballot.node;
        return;
      default:
        return;
    }
  }

  private tickLearner(): void {
    if (!this.learnerTimer.fire(this.nowMs) && this.learnerTimer.armed) return;
    this.learnerTimer.set(this.nowMs, this.config.learnerCatchupMs ?? 2 * this.config.heartbeatMs);
    // Ask the leader while it answers; otherwise the next member in turn.
    let target = this.learnerAnswered && this.leaderHint !== undefined && this.electorate.has(this.leaderHint) ? this.leaderHint : undefined;
    if (target === undefined) {
      target = this.peers[this.learnerNext % this.peers.length];
      this.learnerNext++;
      if (!this.learnerAnswered) this.leaderHint = undefined;
    }
    this.learnerAnswered = false;
    if (target === undefined) return;
    this.send(target, this.catchup.ask(this.nowMs));
  }

  // ---------------------------------------------------------------------------------------
  // Follower

  private tickFollower(): void {
    if (this.electionTimer.fire(this.nowMs)) this.becomeCandidate();
  }

  private followLeader(ballot: Ballot): void {
    if (this.behaviour.role !== 'follower') this.becomeFollower(ballot.node, false);
    this.ballot = ballot;
    this.leaderHint = ballot.node;
    this.failedCampaigns = 0;
    this.resetElectionTimer();
  }

  private becomeFollower(leaderHint: NodeId | undefined, backOff: boolean): void {
    this.failLeadership();
    this.candidate = undefined;
    this.behaviour = this.asFollower;
    this.ballot = ZERO_BALLOT;
    this.leaderHint = leaderHint;
    this.electionTimeoutMs = backOff ? this.backedOffElectionTimeoutMs() : this.randomElectionTimeoutMs();
    this.resetElectionTimer();
    this.out.events.push({ kind: 'role', role: 'follower', ballot: this.acceptor.promised });
  }

  private rejectNotLeader(id: string): void {
    const reply: PaxosReply<Res> =
      this.leaderHint === undefined || this.leaderHint === this.id
        ? { id, ok: false, error: 'NOT_LEADER' }
        : { id, ok: false, error: 'NOT_LEADER', leader: this.leaderHint };
    this.out.replies.push(reply);
  }

  private resetElectionTimer(): void {
    this.electionTimer.set(this.nowMs, this.electionTimeoutMs);
  }

  private randomElectionTimeoutMs(): number {
    return this.prng.between(this.config.electionTimeoutMinMs, this.config.electionTimeoutMaxMs);
  }

  /** After lost duels, wait longer (and randomly) so the duel does not repeat. */
  private backedOffElectionTimeoutMs(): number {
    if (this.failedCampaigns === 0) return this.randomElectionTimeoutMs();
    return backoffMs(
      this.failedCampaigns,
      this.config.electionTimeoutMinMs,
      this.config.electionTimeoutMaxMs * BACKOFF_CAP_FACTOR,
      this.prng.next(),
    );
  }

  // ---------------------------------------------------------------------------------------
  // Candidate: phase 1 for every open slot at once

  private becomeCandidate(): void {
    this.failLeadership();
    const ballot = this.acceptor.nextCampaignBallot();
    this.promise(ballot); // a candidate promises itself, durably, like any acceptor
    this.behaviour = this.asCandidate;
    this.ballot = ballot;
    this.leaderHint = undefined;
    this.electionTimeoutMs = this.backedOffElectionTimeoutMs();
    this.resetElectionTimer();
    this.out.events.push({ kind: 'role', role: 'candidate', ballot });

    const fromSlot = this.log.chosenUpTo + 1;
    const candidate: CandidateState<Cmd> = {
      fromSlot,
      votes: new QuorumTracker(this.electorate),
      reported: new Map(),
      highestSlot: fromSlot - 1,
      mustLearnUpTo: fromSlot - 1,
      aheadPeer: undefined,
      resendTimer: new Deadline(),
    };
    this.candidate = candidate;
    // Its own accepted values are absorbed when phase 1 completes (becomeLeader): the
    // highest-ballot rule does not care about order, and "the first value it hears of" (the
    // deliberate bug) then means the first promise, as it would for any other acceptor's.
    candidate.votes.vote(this.id);
    this.broadcast({ type: 'prepare', ballot, fromSlot });
    candidate.resendTimer.set(this.nowMs, this.config.heartbeatMs);
    this.maybeWinPhase1(candidate);
  }

  /** Paxos's rule for what a new leader re-proposes (see absorbPromise in proposer-state.ts). */
  private absorbPromise(candidate: CandidateState<Cmd>, entries: readonly AcceptedEntry<Cmd>[]): void {
    absorbPromise(candidate, entries, this.config.bugs?.pickAnyAcceptedValue === true);
  }

  private stepCandidate(from: NodeId, msg: ProposerMsg<Cmd>): void {
    const candidate = this.candidate;
    if (candidate === undefined || !ballotEquals(msg.ballot, this.ballot)) return;
    switch (msg.type) {
      case 'promise':
        if (candidate.votes.granted.has(from)) return; // a duplicate
        this.absorbPromise(candidate, msg.accepted);
        if (msg.chosenUpTo > candidate.mustLearnUpTo) {
          candidate.mustLearnUpTo = msg.chosenUpTo;
          candidate.aheadPeer = from;
        }
        candidate.votes.vote(from);
        return this.maybeWinPhase1(candidate);
      case 'nack':
        return this.onNack(msg.promised);
      case 'accepted':
        return;
      default:
        return unreachable(msg, 'proposer message');
    }
  }

  /** Phase 1 is won with a quorum of promises AND every slot the promises left out learned. */
  private maybeWinPhase1(candidate: CandidateState<Cmd>): void {
    if (!candidate.votes.reached) return;
    if (this.log.chosenUpTo >= candidate.mustLearnUpTo) return this.becomeLeader();
    if (candidate.aheadPeer !== undefined) this.requestCatchup(candidate.aheadPeer);
  }

  private tickCandidate(): void {
    const candidate = this.candidate;
    if (candidate === undefined) return;
    if (this.electionTimer.fire(this.nowMs)) {
      this.failedCampaigns++;
      this.becomeCandidate();
      return;
    }
    if (candidate.resendTimer.fire(this.nowMs)) {
      // Lost prepares (or a lost catch-up while waiting for the chosen prefix) are retried
      // well before the election timeout gives up on this ballot.
      const prepare: PaxosMsg<Cmd> = { type: 'prepare', ballot: this.ballot, fromSlot: candidate.fromSlot };
      for (const peer of this.peers) if (!candidate.votes.granted.has(peer)) this.send(peer, prepare);
      candidate.resendTimer.set(this.nowMs, this.config.heartbeatMs);
      this.maybeWinPhase1(candidate);
    }
  }

  /** Someone promised a higher ballot: step down and back off before trying again. */
  private onNack(promised: Ballot): void {
    if (compareBallots(promised, this.ballot) <= 0) return;
    this.acceptor.noteRound(promised);
    this.failedCampaigns++;
    this.becomeFollower(promised.node, true);
  }

  // ---------------------------------------------------------------------------------------
  // Leader: phase 2 per slot, pipelined

  private becomeLeader(): void {
    const candidate = this.candidate;
    if (candidate === undefined) throw new Error(`becomeLeader on ${this.id} without a campaign`);
    this.candidate = undefined;
    this.absorbPromise(candidate, this.log.acceptedFrom(candidate.fromSlot));
    const leader = new LeaderState<Cmd>(Math.max(candidate.highestSlot, this.log.chosenUpTo) + 1, this.peers, this.nowMs);
    this.leader = leader;
    this.behaviour = this.asLeader;
    this.leaderHint = this.id;
    this.failedCampaigns = 0;
    this.electionTimer.clear();
    this.out.events.push({ kind: 'role', role: 'leader', ballot: this.ballot });

    // Every open slot up to the highest one reported gets the value phase 1 found there
    // (it may already be chosen), or a no-op to fill the hole.
    for (let slot = candidate.fromSlot; slot <= candidate.highestSlot; slot++) {
      if (this.log.isChosen(slot)) continue;
      leader.queue.push({ slot, value: candidate.reported.get(slot)?.value ?? NOOP });
    }
    this.service.onLeadership?.(this.nowMs);
    this.sendHeartbeats(leader);
    this.dispatch(leader);
  }

  /**
   * Messages a leader sends itself (see startSlot): its accept, answered like any
   * acceptor's once the record is written, and that answer, counted as its vote. Anything
   * else, or anything from an older leadership, is ignored: a replica never follows itself.
   */
  private receiveFromSelf(msg: PaxosMsg<Cmd>): void {
    if (this.leader === undefined || !('ballot' in msg) || !ballotEquals(msg.ballot, this.ballot)) return;
    if (compareBallots(msg.ballot, this.acceptor.promised) < 0) return;
    if (msg.type === 'accept') {
      const record = this.acceptor.accept(msg.slot, msg.ballot, msg.value);
      if (record !== undefined) this.out.persist.push(record);
      this.send(this.id, { type: 'accepted', ballot: msg.ballot, slot: msg.slot });
    } else if (msg.type === 'accepted') {
      this.stepLeader(this.id, msg);
    }
  }

  private stepLeader(from: NodeId, msg: ProposerMsg<Cmd>): void {
    const leader = this.leader;
    if (leader === undefined || !ballotEquals(msg.ballot, this.ballot)) return;
    switch (msg.type) {
      case 'accepted': {
        const slot = leader.inFlight.get(msg.slot);
        if (slot === undefined) {
          leader.recentlyChosen.get(msg.slot)?.votes.vote(from); // a late vote: no push needed
        } else if (slot.votes.vote(from)) {
          this.commit(leader, msg.slot, slot);
          this.dispatch(leader);
        }
        return;
      }
      case 'promise': // late, after the quorum: nothing to do
        return;
      case 'nack':
        return this.onNack(msg.promised);
      default:
        return unreachable(msg, 'proposer message');
    }
  }

  private tickLeader(): void {
    const leader = this.leader;
    if (leader === undefined) return;
    // Check-quorum: a leader that has not heard from a majority for a whole election
    // timeout steps down, so it stops taking commands it cannot commit (and stops looking
    // like a leader to its clients) about when the others elect a new one.
    const heard = leader.peersHeardWithin(this.nowMs, this.config.electionTimeoutMaxMs);
    if (heard + 1 < majority(this.electorate.size)) {
      this.becomeFollower(undefined, false);
      return;
    }
    for (const op of this.service.leaderTick?.(this.nowMs) ?? []) {
      leader.queue.push({ slot: leader.nextSlot++, value: { kind: 'cmd', command: { op } } });
    }
    if (leader.heartbeatTimer.fire(this.nowMs)) {
      this.sendHeartbeats(leader);
      this.pushChosenToNonVoters(leader);
      this.retransmitStaleAccepts(leader);
    }
    this.dispatch(leader);
  }

  private proposeAsLeader(request: ProposeRequest<Cmd>): void {
    const leader = this.leader;
    if (leader === undefined) return this.rejectNotLeader(request.id);
    const { client, seq } = request.command;
    let key: string | undefined;
    if (client !== undefined && seq !== undefined) {
      const seen = this.stateMachine.lookup(client, seq);
      if (seen.kind === 'applied') {
        this.out.replies.push({ id: request.id, ok: true, result: seen.hit.result, slot: seen.hit.slot });
        return;
      }
      if (seen.kind === 'expired') {
        this.out.replies.push({ id: request.id, ok: false, error: 'SESSION_EXPIRED', leader: this.id });
        return;
      }
      key = clientSeqKey(client, seq);
      const pendingSlot = leader.slotByClientSeq.get(key);
      if (pendingSlot !== undefined) {
        leader.pendingBySlot.get(pendingSlot)?.requestIds.push(request.id); // a retry joins the first attempt
        return;
      }
    }
    const slot = leader.nextSlot++;
    const value: LogValue<Cmd> = { kind: 'cmd', command: request.command };
    leader.queue.push({ slot, value });
    leader.pendingBySlot.set(slot, { value, requestIds: [request.id] });
    if (key !== undefined) leader.slotByClientSeq.set(key, slot);
    this.dispatch(leader);
  }

  /** Starts phase 2 for queued slots while the pipeline has room. */
  private dispatch(leader: LeaderState<Cmd>): void {
    while (leader.inFlight.size < this.maxInFlight) {
      const next = leader.queue.shift();
      if (next === undefined) return;
      if (this.log.isChosen(next.slot)) continue;
      this.startSlot(leader, next.slot, next.value);
      if (this.leader !== leader) return;
    }
  }

  private startSlot(leader: LeaderState<Cmd>, slot: number, value: LogValue<Cmd>): void {
    if (!ballotEquals(this.acceptor.promised, this.ballot)) {
      throw new Error(`leader ${this.id} at ${JSON.stringify(this.ballot)} has promised ${JSON.stringify(this.acceptor.promised)}`);
    }
    const inFlight: InFlightSlot<Cmd> = { value, votes: new QuorumTracker(this.electorate), sentAtMs: this.nowMs };
    leader.inFlight.set(slot, inFlight);
    // The leader is also an acceptor, and it accepts the way the others do: it sends the
    // accept to itself too. Nothing in this batch is persisted, so the accepts leave at once
    // and every acceptor — the leader included — writes its record in parallel; the
    // leader's own vote arrives as an `accepted` message, which hosts deliver locally and
    // only once that record is durable (persist before send). One fsync on the commit path.
    const accept: PaxosMsg<Cmd> = { type: 'accept', ballot: this.ballot, slot, value, chosenUpTo: this.log.chosenUpTo };
    this.broadcast(accept);
    this.send(this.id, accept);
  }

  private commit(leader: LeaderState<Cmd>, slot: number, inFlight: InFlightSlot<Cmd>): void {
    leader.inFlight.delete(slot);
    leader.recentlyChosen.set(slot, inFlight);
    this.learnSlot(slot, inFlight.value);
    this.applyChosen(false);
  }

  /**
   * Voters learn a chosen slot from the next chosenUpTo they see (they accepted it in this
   * ballot), so values are pushed only to peers that never voted for them: in a healthy
   * cluster the late votes arrive before the heartbeat and nothing is pushed. A peer too far
   * behind for one bounded message pulls with catch-up instead.
   */
  private pushChosenToNonVoters(leader: LeaderState<Cmd>): void {
    for (const [slot, chosen] of leader.recentlyChosen) {
      for (const peer of this.peers) {
        if (chosen.votes.granted.has(peer)) continue;
        let entries = this.chosenPushes.get(peer);
        if (entries === undefined) {
          entries = [];
          this.chosenPushes.set(peer, entries);
        }
        if (entries.length < CATCHUP_BATCH) entries.push({ slot, value: chosen.value });
      }
    }
    leader.recentlyChosen.clear();
  }

  private sendHeartbeats(leader: LeaderState<Cmd>): void {
    this.broadcast({ type: 'heartbeat', ballot: this.ballot, chosenUpTo: this.log.chosenUpTo });
    leader.heartbeatTimer.set(this.nowMs, this.config.heartbeatMs);
  }

  /** A dropped accept or vote must not stall its slot (and the pipeline behind it) forever. */
  private retransmitStaleAccepts(leader: LeaderState<Cmd>): void {
    const staleBeforeMs = this.nowMs - 2 * this.config.heartbeatMs;
    for (const [slot, inFlight] of leader.inFlight) {
      if (inFlight.sentAtMs > staleBeforeMs) continue;
      inFlight.sentAtMs = this.nowMs;
      const accept: PaxosMsg<Cmd> = {
        type: 'accept',
        ballot: this.ballot,
        slot,
        value: inFlight.value,
        chosenUpTo: this.log.chosenUpTo,
      };
      for (const voter of this.electorate) if (!inFlight.votes.granted.has(voter)) this.send(voter, accept);
    }
  }

  /** Leaving the leader role: every pending client learns that its outcome is unknown. */
  private failLeadership(): void {
    const leader = this.leader;
    if (leader === undefined) return;
    this.leader = undefined;
    for (const pending of leader.pendingBySlot.values()) {
      for (const id of pending.requestIds) this.out.replies.push({ id, ok: false, error: 'LEADERSHIP_LOST' });
    }
  }

  // ---------------------------------------------------------------------------------------
  // Output

  private send(to: NodeId, msg: PaxosMsg<Cmd>): void {
    this.out.send.push({ to, msg });
  }

  private broadcast(msg: PaxosMsg<Cmd>): void {
    for (const peer of this.peers) this.out.send.push({ to: peer, msg });
  }

  private flushChosenPushes(): void {
    if (this.chosenPushes.size === 0) return;
    for (const [peer, entries] of this.chosenPushes) this.send(peer, { type: 'chosen', entries });
    this.chosenPushes.clear();
  }
}

/** Both are client commands with the same (client, seq): the session table answers for both. */
function sameSession<Cmd>(a: LogValue<Cmd>, b: LogValue<Cmd>): boolean {
  return (
    a.kind === 'cmd' &&
    b.kind === 'cmd' &&
    a.command.client !== undefined &&
    a.command.seq !== undefined &&
    a.command.client === b.command.client &&
    a.command.seq === b.command.seq
  );
}
