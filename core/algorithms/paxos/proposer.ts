/**
 * The proposer side of a replica, one role at a time: follower, candidate (phase 1 for
 * every open slot at once) and leader (leader.ts), and the election timers that move a
 * replica between them. Roles are swapped behaviours, as etcd's raft swaps step functions:
 * becomeLeader sets `behaviour = leader` as etcd sets `step = stepLeader`, and the
 * replica's step() only dispatches to whichever is current.
 *
 * The acceptor and the learner are the same in every role and stay in the replica; what
 * the roles need from them is ProposerHost (roles.ts), and nothing else.
 */
import { Deadline, backoffMs } from '../common/deadline';
import { Prng } from '../common/prng';
import { QuorumTracker } from '../common/quorum';
import type { NodeId } from '../common/types';
import { unreachable } from '../common/unreachable';
import type { Acceptor } from './acceptor';
import { ballotEquals } from './ballot';
import { Leader, type LeaderExits } from './leader';
import type { ReplicaLog } from './log';
import { absorbPromise, type CandidateState } from './proposer-state';
import type { PaxosReady, ProposeRequest, ProposerHost, ProposerMsg, RoleBehaviour } from './roles';
import type { ApplyOutcome } from './state-machine';
import {
  ZERO_BALLOT,
  compareBallots,
  type AcceptedEntry,
  type Ballot,
  type LogValue,
  type PaxosConfig,
  type PaxosMsg,
  type PaxosReply,
  type PaxosRole,
} from './types';

/** Consecutive failed campaigns stretch the back-off up to this many maximum election timeouts. */
const BACKOFF_CAP_FACTOR = 4;

export class Proposer<Cmd, Res> {
  private readonly id: NodeId;
  private readonly config: PaxosConfig;
  private readonly electorate: ReadonlySet<NodeId>;
  private readonly peers: readonly NodeId[];
  private readonly acceptor: Acceptor<Cmd>;
  private readonly log: ReplicaLog<Cmd>;
  private readonly prng: Prng;

  private behaviour: RoleBehaviour<Cmd>;
  /** The ballot this replica leads, campaigns with, or follows (ZERO when it follows nobody). */
  private ballot: Ballot = ZERO_BALLOT;
  /** Who leads, as far as this replica knows (a learner also sets it from the answers it gets). */
  leaderHint: NodeId | undefined;
  private candidate: CandidateState<Cmd> | undefined;
  private leader: Leader<Cmd, Res> | undefined;
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
  private readonly leaderExits: LeaderExits = {
    nacked: (promised) => this.onNack(promised),
    lostQuorum: () => this.becomeFollower(undefined, false),
  };

  constructor(private readonly host: ProposerHost<Cmd, Res>) {
    this.config = host.config;
    this.id = host.config.id;
    this.electorate = host.electorate;
    this.peers = host.peers;
    this.acceptor = host.acceptor;
    this.log = host.log;
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
    this.leader?.heardFrom(from);
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
    this.leader?.chosenElsewhere(slot);
  }

  /** A peer's snapshot covers slots up to `upTo`: what this leader proposed there was decided elsewhere. */
  snapshotInstalled(upTo: number): void {
    this.leader?.snapshotInstalled(upTo);
  }

  /** A slot was applied: the clients waiting for what this leader proposed there get their answer. */
  settlePending(slot: number, value: LogValue<Cmd>, outcome: ApplyOutcome<Res>): void {
    this.leader?.settlePending(slot, value, outcome);
  }

  /** The leader's accept to itself and its own vote (see Leader.receiveFromSelf); ignored in any other role. */
  receiveFromSelf(msg: PaxosMsg<Cmd>): void {
    this.leader?.receiveFromSelf(msg);
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
  // Leader: phase 2 per slot, pipelined (leader.ts)

  private becomeLeader(): void {
    const candidate = this.candidate;
    if (candidate === undefined) throw new Error(`becomeLeader on ${this.id} without a campaign`);
    this.candidate = undefined;
    this.absorbPromise(candidate, this.log.acceptedFrom(candidate.fromSlot));
    const leader = new Leader<Cmd, Res>(this.host, this.ballot, candidate, this.leaderExits, this.chosenPushes);
    this.leader = leader;
    this.behaviour = leader;
    this.leaderHint = this.id;
    this.failedCampaigns = 0;
    this.electionTimer.clear();
    this.out.events.push({ kind: 'role', role: 'leader', ballot: this.ballot });
    leader.begin();
  }

  /** Leaving the leader role: every pending client learns that its outcome is unknown. */
  private failLeadership(): void {
    const leader = this.leader;
    if (leader === undefined) return;
    this.leader = undefined;
    leader.stepDown();
  }
}
