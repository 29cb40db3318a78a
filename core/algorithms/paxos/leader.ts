/**
 * The leader role: phase 2 per slot, pipelined (at most maxInFlight slots open), with
 * heartbeats that carry the commit point, chosen values pushed to peers that did not vote,
 * retransmitted accepts, and check-quorum step-down. It exists from winning phase 1 until
 * it steps down (proposer.ts switches roles); it answers the clients it took commands from.
 */
import { QuorumTracker, majority } from '../common/quorum';
import type { NodeId } from '../common/types';
import { unreachable } from '../common/unreachable';
import { ballotEquals } from './ballot';
import { CATCHUP_BATCH } from './catch-up';
import { LeaderState, clientSeqKey, type CandidateState, type InFlightSlot } from './proposer-state';
import type { PaxosReady, ProposeRequest, ProposerHost, ProposerMsg, RoleBehaviour } from './roles';
import type { ApplyOutcome } from './state-machine';
import { compareBallots, type Ballot, type LogValue, type PaxosMsg } from './types';

const NOOP: LogValue<never> = { kind: 'noop' };

/** What a leader asks of role switching. */
export interface LeaderExits {
  /** A peer promised a higher ballot (see Proposer.onNack). */
  nacked(promised: Ballot): void;
  /** Check-quorum failed: become a follower of nobody. */
  lostQuorum(): void;
}

export class Leader<Cmd, Res> implements RoleBehaviour<Cmd> {
  readonly role = 'leader';
  private readonly id: NodeId;
  private readonly state: LeaderState<Cmd>;
  /** Set once it steps down: a deposed leader acts on nothing more. */
  private deposed = false;

  /**
   * Takes over from a won campaign (its promises already absorbed): every open slot up to
   * the highest one reported gets the value phase 1 found there (it may already be chosen),
   * or a no-op to fill the hole. Nothing is sent until begin().
   */
  constructor(
    private readonly host: ProposerHost<Cmd, Res>,
    private readonly ballot: Ballot,
    candidate: CandidateState<Cmd>,
    private readonly exits: LeaderExits,
    /** Chosen values to push to acceptors that did not vote for them (the proposer sends them at the end of the step). */
    private readonly chosenPushes: Map<NodeId, { slot: number; value: LogValue<Cmd> }[]>,
  ) {
    this.id = host.config.id;
    const log = host.log;
    this.state = new LeaderState<Cmd>(Math.max(candidate.highestSlot, log.chosenUpTo) + 1, host.peers, host.now());
    for (let slot = candidate.fromSlot; slot <= candidate.highestSlot; slot++) {
      if (log.isChosen(slot)) continue;
      this.state.queue.push({ slot, value: candidate.reported.get(slot)?.value ?? NOOP });
    }
  }

  private get nowMs(): number {
    return this.host.now();
  }

  private get out(): PaxosReady<Cmd, Res> {
    return this.host.out();
  }

  /** Announces the leadership (heartbeats) and starts phase 2 for the slots phase 1 left open. */
  begin(): void {
    this.host.service.onLeadership?.(this.nowMs);
    this.sendHeartbeats();
    this.dispatch();
  }

  step(from: NodeId, msg: ProposerMsg<Cmd>): void {
    const leader = this.state;
    if (!ballotEquals(msg.ballot, this.ballot)) return;
    switch (msg.type) {
      case 'accepted': {
        const slot = leader.inFlight.get(msg.slot);
        if (slot === undefined) {
          leader.recentlyChosen.get(msg.slot)?.votes.vote(from); // a late vote: no push needed
        } else if (slot.votes.vote(from)) {
          this.commit(msg.slot, slot);
          this.dispatch();
        }
        return;
      }
      case 'promise': // late, after the quorum: nothing to do
        return;
      case 'nack':
        return this.exits.nacked(msg.promised);
      default:
        return unreachable(msg, 'proposer message');
    }
  }

  tick(): void {
    const leader = this.state;
    const config = this.host.config;
    // Check-quorum: a leader that has not heard from a majority for a whole election
    // timeout steps down, so it stops taking commands it cannot commit (and stops looking
    // like a leader to its clients) about when the others elect a new one.
    const heard = leader.peersHeardWithin(this.nowMs, config.electionTimeoutMaxMs);
    if (heard + 1 < majority(this.host.electorate.size)) {
      this.exits.lostQuorum();
      return;
    }
    for (const op of this.host.service.leaderTick?.(this.nowMs) ?? []) {
      leader.queue.push({ slot: leader.nextSlot++, value: { kind: 'cmd', command: { op } } });
    }
    if (leader.heartbeatTimer.fire(this.nowMs)) {
      this.sendHeartbeats();
      this.pushChosenToNonVoters();
      this.retransmitStaleAccepts();
    }
    this.dispatch();
  }

  propose(request: ProposeRequest<Cmd>): void {
    const leader = this.state;
    const { client, seq } = request.command;
    let key: string | undefined;
    if (client !== undefined && seq !== undefined) {
      const seen = this.host.stateMachine.lookup(client, seq);
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
    this.dispatch();
  }

  learned(): void {}

  /**
   * Messages a leader sends itself (see startSlot): its accept, answered like any
   * acceptor's once the record is written, and that answer, counted as its vote. Anything
   * else, or anything from an older leadership, is ignored: a replica never follows itself.
   */
  receiveFromSelf(msg: PaxosMsg<Cmd>): void {
    if (!('ballot' in msg) || !ballotEquals(msg.ballot, this.ballot)) return;
    const acceptor = this.host.acceptor;
    if (compareBallots(msg.ballot, acceptor.promised) < 0) return;
    if (msg.type === 'accept') {
      const record = acceptor.accept(msg.slot, msg.ballot, msg.value);
      if (record !== undefined) this.out.persist.push(record);
      this.host.send(this.id, { type: 'accepted', ballot: msg.ballot, slot: msg.slot });
    } else if (msg.type === 'accepted') {
      this.step(this.id, msg);
    }
  }

  /** Any message from a member proves its link works: check-quorum counts it. */
  heardFrom(from: NodeId): void {
    this.state.lastHeardMs.set(from, this.nowMs);
  }

  /** A slot was chosen by other means (catch-up) while still in flight here: nothing left to count. */
  chosenElsewhere(slot: number): void {
    this.state.inFlight.delete(slot);
  }

  /** A peer's snapshot covers slots up to `upTo`: they were decided elsewhere, so their outcome here is unknown. */
  snapshotInstalled(upTo: number): void {
    const leader = this.state;
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

  /** A slot was applied: the clients waiting for what this leader proposed there get their answer. */
  settlePending(slot: number, value: LogValue<Cmd>, outcome: ApplyOutcome<Res>): void {
    const leader = this.state;
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

  /** Leaving the leader role: every pending client learns that its outcome is unknown. */
  stepDown(): void {
    this.deposed = true;
    for (const pending of this.state.pendingBySlot.values()) {
      for (const id of pending.requestIds) this.out.replies.push({ id, ok: false, error: 'LEADERSHIP_LOST' });
    }
  }

  /** Starts phase 2 for queued slots while the pipeline has room. */
  private dispatch(): void {
    const leader = this.state;
    while (leader.inFlight.size < this.host.maxInFlight) {
      const next = leader.queue.shift();
      if (next === undefined) return;
      if (this.host.log.isChosen(next.slot)) continue;
      this.startSlot(next.slot, next.value);
      if (this.deposed) return;
    }
  }

  private startSlot(slot: number, value: LogValue<Cmd>): void {
    const promised = this.host.acceptor.promised;
    if (!ballotEquals(promised, this.ballot)) {
      throw new Error(`leader ${this.id} at ${JSON.stringify(this.ballot)} has promised ${JSON.stringify(promised)}`);
    }
    const inFlight: InFlightSlot<Cmd> = { value, votes: new QuorumTracker(this.host.electorate), sentAtMs: this.nowMs };
    this.state.inFlight.set(slot, inFlight);
    // The leader is also an acceptor, and it accepts the way the others do: it sends the
    // accept to itself too. Nothing in this batch is persisted, so the accepts leave at once
    // and every acceptor — the leader included — writes its record in parallel; the
    // leader's own vote arrives as an `accepted` message, which hosts deliver locally and
    // only once that record is durable (persist before send). One fsync on the commit path.
    const accept: PaxosMsg<Cmd> = { type: 'accept', ballot: this.ballot, slot, value, chosenUpTo: this.host.log.chosenUpTo };
    this.host.broadcast(accept);
    this.host.send(this.id, accept);
  }

  private commit(slot: number, inFlight: InFlightSlot<Cmd>): void {
    this.state.inFlight.delete(slot);
    this.state.recentlyChosen.set(slot, inFlight);
    this.host.learnSlot(slot, inFlight.value);
    this.host.applyChosen();
  }

  /**
   * Voters learn a chosen slot from the next chosenUpTo they see (they accepted it in this
   * ballot), so values are pushed only to peers that never voted for them: in a healthy
   * cluster the late votes arrive before the heartbeat and nothing is pushed. A peer too far
   * behind for one bounded message pulls with catch-up instead.
   */
  private pushChosenToNonVoters(): void {
    for (const [slot, chosen] of this.state.recentlyChosen) {
      for (const peer of this.host.peers) {
        if (chosen.votes.granted.has(peer)) continue;
        let entries = this.chosenPushes.get(peer);
        if (entries === undefined) {
          entries = [];
          this.chosenPushes.set(peer, entries);
        }
        if (entries.length < CATCHUP_BATCH) entries.push({ slot, value: chosen.value });
      }
    }
    this.state.recentlyChosen.clear();
  }

  private sendHeartbeats(): void {
    this.host.broadcast({ type: 'heartbeat', ballot: this.ballot, chosenUpTo: this.host.log.chosenUpTo });
    this.state.heartbeatTimer.set(this.nowMs, this.host.config.heartbeatMs);
  }

  /** A dropped accept or vote must not stall its slot (and the pipeline behind it) forever. */
  private retransmitStaleAccepts(): void {
    const staleBeforeMs = this.nowMs - 2 * this.host.config.heartbeatMs;
    for (const [slot, inFlight] of this.state.inFlight) {
      if (inFlight.sentAtMs > staleBeforeMs) continue;
      inFlight.sentAtMs = this.nowMs;
      const accept: PaxosMsg<Cmd> = {
        type: 'accept',
        ballot: this.ballot,
        slot,
        value: inFlight.value,
        chosenUpTo: this.host.log.chosenUpTo,
      };
      for (const voter of this.host.electorate) if (!inFlight.votes.granted.has(voter)) this.host.send(voter, accept);
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
