/**
 * Paxos-decision 2PC on a real node (txn mode `paxos`): the transaction outcomes are a
 * service (`decisions`, a DecisionService) on the SAME Paxos log the node already runs
 * for locks, kv and membership, not a second replica per node. Why one log: one leader,
 * one election, one durable history and one snapshot per node; a decision is just one
 * more command in the ServiceMux (the simulator's TwoPcPaxosNode composes its own
 * replica because it runs 2PC alone).
 *
 * The glue after every step: the 2PC part's proposals (collected by its DecisionPort)
 * become Paxos proposals (forwarded to the leader when this replica is not it), and every
 * outcome the log has applied for a transaction the 2PC part waits on is handed to it
 * (TwoPcNode.learn), its records, sends and events going out in the same Ready. The first
 * decision the log orders for a transaction wins, so a coordinator that died after the
 * votes blocks nobody: an in-doubt participant proposes abort and adopts what the log chose.
 */
import { type ComposedReady, type Input, type NodeId, type Tagged } from '../algorithms/common';
import type { DecisionCommand, DecisionService, Outcome, TwoPcNode, TxnId } from '../algorithms/twopc';
import type { PaxosReply } from '../algorithms/paxos';
import { MembershipSyncedMachine } from './membership-sync';

/** The ServiceMux name of the decision record. */
export const DECISION_SERVICE = 'decisions';
/** A proposal handed to the leader by a replica that is not it. */
export const DECISION_FORWARD_PART = 'decision-forward';
/** Paxos request ids of decision proposals: no client waits for them. */
const DECISION_ID_PREFIX = 'txn-decision:';
/** Rounds of propose/learn per step at most (each learn may propose again). */
const MAX_SETTLE_ROUNDS = 100;
const MAX_IN_FLIGHT = 10_000;

/** Collects the 2PC part's proposals during a step (TwoPcConfig.decisions). */
export class DecisionQueue {
  readonly pending: DecisionCommand[] = [];
  propose(txn: TxnId, outcome: Outcome): void {
    this.pending.push({ txn, outcome });
  }
}

export class DecidingMachine extends MembershipSyncedMachine {
  private requestSeq = 0;
  /** Outstanding proposal ids -> command, to forward on NOT_LEADER. */
  private readonly inFlight = new Map<string, DecisionCommand>();
  private twopc: TwoPcNode | undefined;

  constructor(
    id: NodeId,
    parts: ConstructorParameters<typeof MembershipSyncedMachine>[1],
    membership: ConstructorParameters<typeof MembershipSyncedMachine>[2],
    repl: ConstructorParameters<typeof MembershipSyncedMachine>[3],
    paxos: ConstructorParameters<typeof MembershipSyncedMachine>[4],
    private readonly queue: DecisionQueue,
    private readonly decisions: DecisionService,
  ) {
    super(id, parts, membership, repl, paxos);
  }

  override step(input: Input<Tagged, Tagged>): ComposedReady {
    if (input.kind === 'message' && input.msg.part === DECISION_FORWARD_PART) {
      const cmd = input.msg.body as Partial<DecisionCommand>; // { type: 'propose', txn, outcome } (checked by the transport)
      const out: ComposedReady = { persist: [], send: [], replies: [], events: [] };
      if (typeof cmd.txn === 'string' && (cmd.outcome === 'commit' || cmd.outcome === 'abort')) this.queue.propose(cmd.txn, cmd.outcome);
      this.settle(out, input.nowMs);
      return out;
    }
    const out = this.filtered(super.step(input));
    this.settle(out, input.nowMs);
    return out;
  }

  private settle(out: ComposedReady, nowMs: number): void {
    this.twopc ??= this.part<TwoPcNode>('twopc');
    for (let round = 0; round < MAX_SETTLE_ROUNDS; round++) {
      for (const cmd of this.queue.pending.splice(0)) {
        const id = `${DECISION_ID_PREFIX}${this.id}:${this.requestSeq++}`;
        this.inFlight.set(id, cmd);
        // A proposal whose reply never comes (its leader died mid-way) is forgotten in time;
        // the 2PC part proposes again on its retry timer anyway.
        if (this.inFlight.size > MAX_IN_FLIGHT) this.inFlight.delete(this.inFlight.keys().next().value!);
        const request: Tagged = { part: 'paxos', body: { kind: 'propose', id, command: { op: { service: DECISION_SERVICE, cmd } } } };
        this.absorb(out, this.filtered(super.step({ kind: 'request', request, nowMs })));
      }
      let learned = false;
      for (const txn of this.twopc.awaitingDecision()) {
        const outcome = this.decisions.decision(txn);
        if (outcome === undefined) continue;
        learned = true;
        const r = this.twopc.learn(txn, outcome, nowMs);
        out.persist.push(...r.persist.map((body) => ({ part: 'twopc', body })));
        out.send.push(...r.send.map((e) => ({ to: e.to, msg: { part: 'twopc', body: e.msg } })));
        out.replies.push(...r.replies.map((body) => ({ part: 'twopc', body })));
        out.events.push(...r.events.map((body) => ({ part: 'twopc', body })));
      }
      if (this.queue.pending.length === 0 && !learned) return;
    }
  }

  private absorb(out: ComposedReady, r: ComposedReady): void {
    out.persist.push(...r.persist);
    out.send.push(...r.send);
    out.replies.push(...r.replies);
    out.events.push(...r.events);
  }

  /** Takes the replies to decision proposals out of a batch (forwarding refused ones). */
  private filtered(r: ComposedReady): ComposedReady {
    if (this.inFlight.size === 0) return r;
    const replies: Tagged[] = [];
    for (const rep of r.replies) {
      const body = rep.body as PaxosReply<unknown>;
      const cmd = rep.part === 'paxos' ? this.inFlight.get(body.id) : undefined;
      if (cmd === undefined) {
        replies.push(rep);
        continue;
      }
      this.inFlight.delete(body.id);
      // Applied: settle() picks the decision up from the service. Not the leader: hand it
      // to the one this replica believes leads; no hint (an election): the 2PC part
      // proposes again on its retry timer.
      if (!body.ok && body.error === 'NOT_LEADER' && body.leader !== undefined && body.leader !== this.id) {
        r.send.push({ to: body.leader, msg: { part: DECISION_FORWARD_PART, body: { type: 'propose', txn: cmd.txn, outcome: cmd.outcome } } });
      }
    }
    return { ...r, replies };
  }
}
