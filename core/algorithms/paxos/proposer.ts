/**
 * The proposer side of a replica, one role at a time: follower, candidate (phase 1 for
 * every open slot at once), leader (pipelined phase 2, heartbeats, check-quorum), and the
 * election timers that move a replica between them. Roles are swapped behaviours, as etcd's
 * raft swaps step functions: becomeLeader sets `behaviour = asLeader` as etcd sets
 * `step = stepLeader`, and the replica's step() only dispatches to whichever is current.
 *
 * The acceptor and the learner are the same in every role and stay in the replica; what
 * this file needs from them is the ProposerHost below, and nothing else.
 */
import { Deadline, backoffMs } from '../common/deadline';
import { Prng } from '../common/prng';
import { QuorumTracker, majority } from '../common/quorum';
import type { NodeId, Ready, ReplicatedService } from '../common/types';
import { unreachable } from '../common/unreachable';
import type { Acceptor } from './acceptor';
import { ballotEquals } from './ballot';
import { CATCHUP_BATCH } from './catch-up';
import type { ReplicaLog } from './log';
import { LeaderState, absorbPromise, clientSeqKey, type CandidateState, type InFlightSlot } from './proposer-state';
import type { ApplyOutcome, SessionedStateMachine } from './state-machine';
import {
  ZERO_BALLOT,
  compareBallots,
  type AcceptedEntry,
  type Ballot,
  type LogValue,
  type PaxosConfig,
  type PaxosEvent,
  type PaxosMsg,
  type PaxosRecord,
  type PaxosReply,
  type PaxosRequest,
  type PaxosRole,
} from './types';

export type PaxosReady<Cmd, Res> = Ready<PaxosMsg<Cmd>, PaxosRecord<Cmd>, PaxosReply<Res>, PaxosEvent<Cmd>>;

/** Messages only a proposer cares about; acceptor/learner messages are role-independent. */
export type ProposerMsg<Cmd> = Extract<PaxosMsg<Cmd>, { type: 'promise' | 'accepted' | 'nack' }>;
export type ProposeRequest<Cmd> = Extract<PaxosRequest<Cmd>, { kind: 'propose' }>;

/** Consecutive failed campaigns stretch the back-off up to this many maximum election timeouts. */
const BACKOFF_CAP_FACTOR = 4;

const NOOP: LogValue<never> = { kind: 'noop' };

/** What the proposer roles use of the rest of the replica (its acceptor, its learner, its output). */
export interface ProposerHost<Cmd, Res> {
  readonly config: PaxosConfig;
  readonly electorate: ReadonlySet<NodeId>;
  readonly peers: readonly NodeId[];
  readonly maxInFlight: number;
  readonly acceptor: Acceptor<Cmd>;
  readonly log: ReplicaLog<Cmd>;
  readonly service: ReplicatedService<Cmd, Res>;
  readonly stateMachine: SessionedStateMachine<Cmd, Res>;
  /** The time of the step being computed. */
  now(): number;
  /** The Ready of the step being computed. */
  out(): PaxosReady<Cmd, Res>;
  send(to: NodeId, msg: PaxosMsg<Cmd>): void;
  broadcast(msg: PaxosMsg<Cmd>): void;
  /** Raises the acceptor's promise durably: the record goes out in this Ready, before any message. */
  promise(ballot: Ballot): void;
  /** The learner: a slot is chosen with this value. */
  learnSlot(slot: number, value: LogValue<Cmd>): void;
  /** The learner: apply the chosen prefix (and answer clients through settlePending). */
  applyChosen(): void;
  /** The learner: ask `peer` for the chosen entries past the commit point, unless a request is out. */
  requestCatchup(peer: NodeId): void;
  /** A learner's (config.learner) tick, in place of the follower's: it polls, it never campaigns. */
  tickLearner(): void;
}

/** One role's answers to the replica's inputs. */
interface RoleBehaviour<Cmd> {
  readonly role: PaxosRole;
  step(from: NodeId, msg: ProposerMsg<Cmd>): void;
  tick(): void;
  propose(request: ProposeRequest<Cmd>): void;
  /** The chosen prefix grew (a candidate may be waiting for it). */
  learned(): void;
}

export class Proposer<Cmd, Res> {
  private readonly id: NodeId;
  private readonly config: PaxosConfig;
  private readonly electorate: ReadonlySet<NodeId>;
  private readonly peers: readonly NodeId[];
  private readonly maxInFlight: number;
  private readonly acceptor: Acceptor<Cmd>;
  private readonly log: ReplicaLog<Cmd>;
  private readonly service: ReplicatedService<Cmd, Res>;
  private readonly stateMachine: SessionedStateMachine<Cmd, Res>;
  private readonly prng: Prng;

  private behaviour: RoleBehaviour<Cmd>;
  /** The ballot this replica leads, campaigns with, or follows (ZERO when it follows nobody). */
  private ballot: Ballot = ZERO_BALLOT;
  /** Who leads, as far as this replica knows (a learner also sets it from the answers it gets). */
  leaderHint: NodeId | undefined;
  private candidate: CandidateState<Cmd> | undefined;
  private leader: LeaderState<Cmd> | undefined;
  private readonly electionTimer = new Deadline();
  private electionTimeoutMs: number;
  private failedCampaigns = 0;
  /** Chosen values to push to acceptors that did not vote for them, one message per peer (sent at the end of the step). */
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
    tick: () => this.host.tickLearner(),
    propose: (request) => this.rejectNotLeader(request.id),
    learned: () => {},
  };
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

  constructor(private readonly host: ProposerHost<Cmd, Res>) {
    this.config = host.config;
    this.id = host.config.id;
    this.electorate = host.electorate;
    this.peers = host.peers;
    this.maxInFlight = host.maxInFlight;
    this.acceptor = host.acceptor;
    this.log = host.log;
    this.service = host.service;
    this.stateMachine = host.stateMachine;
    this.prng = new Prng(host.config.seed);
    this.behaviour = host.config.learner === true ? this.asLearner : this.asFollower;
    this.electionTimeoutMs = this.randomElectionTimeoutMs();
  }

  private get nowMs(): number {
    return this.host.now();
  }

  private get out(): PaxosReady<Cmd, Res> {
    return this.host.out();
  }

  // ---------------------------------------------------------------------------------------
  // The replica's inputs, dispatched to the current role

  get role(): PaxosRole {
    return this.behaviour.role;
  }

  get currentBallot(): Ballot {
    return this.ballot;
  }

  /** The first step: the election timer starts with the host's clock. */
  start(): void {
    this.resetElectionTimer();
  }

  tick(): void {
    this.behaviour.tick();
  }

  step(from: NodeId, msg: ProposerMsg<Cmd>): void {
    this.behaviour.step(from, msg);
  }

  propose(request: ProposeRequest<Cmd>): void {
    this.behaviour.propose(request);
  }

  /** The chosen prefix grew. */
  learned(): void {
    this.behaviour.learned();
  }

  /** Any message from a member proves its link works: a leader's check-quorum counts it. */
  heardFrom(from: NodeId): void {
    this.leader?.lastHeardMs.set(from, this.nowMs);
  }

  /** This acceptor promised a higher ballot than its own: a candidate or leader steps down. */
  promisedHigher(): void {
    if (this.behaviour.role !== 'follower') this.becomeFollower(undefined, false);
  }

  /** Granting a promise gives the candidate a full election timeout to finish phase 1. */
  grantedPromise(): void {
    if (this.behaviour.role === 'follower') this.resetElectionTimer();
  }

  /** A slot was chosen by other means (catch-up) while still in flight here: nothing left to count. */
  chosenElsewhere(slot: number): void {
    this.leader?.inFlight.delete(slot);
  }

  /** A peer's snapshot covers slots up to `upTo`: what this leader proposed there was decided elsewhere. */
  snapshotInstalled(upTo: number): void {
    const leader = this.leader;
    if (leader === undefined) return;
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

  /** Sends the chosen values gathered for non-voters in this step (see pushChosenToNonVoters). */
  flushChosenPushes(): void {
    if (this.chosenPushes.size === 0) return;
    for (const [peer, entries] of this.chosenPushes) this.host.send(peer, { type: 'chosen', entries });
    this.chosenPushes.clear();
  }

  // ---------------------------------------------------------------------------------------
  // Follower

  private tickFollower(): void {
    if (this.electionTimer.fire(this.nowMs)) this.becomeCandidate();
  }

  /** A leader at `ballot` spoke (an accept, a heartbeat): follow it. */
  followLeader(ballot: Ballot): void {
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
    this.host.promise(ballot); // a candidate promises itself, durably, like any acceptor
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
    this.host.broadcast({ type: 'prepare', ballot, fromSlot });
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
    if (candidate.aheadPeer !== undefined) this.host.requestCatchup(candidate.aheadPeer);
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
      for (const peer of this.peers) if (!candidate.votes.granted.has(peer)) this.host.send(peer, prepare);
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
  receiveFromSelf(msg: PaxosMsg<Cmd>): void {
    if (this.leader === undefined || !('ballot' in msg) || !ballotEquals(msg.ballot, this.ballot)) return;
    if (compareBallots(msg.ballot, this.acceptor.promised) < 0) return;
    if (msg.type === 'accept') {
      const record = this.acceptor.accept(msg.slot, msg.ballot, msg.value);
      if (record !== undefined) this.out.persist.push(record);
      this.host.send(this.id, { type: 'accepted', ballot: msg.ballot, slot: msg.slot });
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
    this.host.broadcast(accept);
    this.host.send(this.id, accept);
  }

  private commit(leader: LeaderState<Cmd>, slot: number, inFlight: InFlightSlot<Cmd>): void {
    leader.inFlight.delete(slot);
    leader.recentlyChosen.set(slot, inFlight);
    this.host.learnSlot(slot, inFlight.value);
    this.host.applyChosen();
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
    this.host.broadcast({ type: 'heartbeat', ballot: this.ballot, chosenUpTo: this.log.chosenUpTo });
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
      for (const voter of this.electorate) if (!inFlight.votes.granted.has(voter)) this.host.send(voter, accept);
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

  /** A slot was applied: the clients waiting for what this leader proposed there get their answer. */
  settlePending(slot: number, value: LogValue<Cmd>, outcome: ApplyOutcome<Res>): void {
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
