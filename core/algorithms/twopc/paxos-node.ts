/**
 * Non-blocking 2PC: a TwoPcNode and a Paxos replica of the decision log on one node,
 * hosted by a ComposedMachine, plus the glue between them that a composite cannot do on
 * its own: the 2PC part's decision proposals become Paxos proposals (forwarded to the
 * leader when this replica is not it), and decisions the log applied are handed back to
 * the 2PC part. Since the first decision for a transaction wins and every replica applies
 * the same log, a coordinator crash after the votes blocks nobody: an in-doubt
 * participant proposes abort and adopts whatever the log chose.
 */
import { ComposedMachine, recordsByPart, type Tagged } from '../common/compose';
import { emptyReady, type Input, type Machine, type NodeId, type Ready } from '../common/types';
import { unreachable } from '../common/unreachable';
import { PaxosReplica } from '../paxos/replica';
import { DEFAULT_PAXOS_TIMING, type PaxosConfig, type PaxosRecord, type PaxosReply, type PaxosStatus } from '../paxos/types';
import { DecisionService, type DecisionCommand, type DecisionResult } from './decision-service';
import { restoreTwoPcNode, type TwoPcNode } from './node';
import type { Outcome, TwoPcConfig, TwoPcRecord, TwoPcEvent, TwoPcReply, TwoPcRequest, TwoPcStatus, TxnId } from './types';

const TWOPC = 'twopc';
const PAXOS = 'paxos';
/** Messages this glue handles itself: a decision proposal forwarded to the log's leader. */
const FORWARD = 'decision-forward';

export type TwoPcPaxosReady = Ready<Tagged, Tagged, TwoPcReply, TwoPcEvent>;

export interface TwoPcPaxosConfig {
  readonly twopc: Omit<TwoPcConfig, 'decisions'>;
  /** Every node of the decision log (usually all nodes), self included. */
  readonly members: readonly NodeId[];
  readonly seed: number;
  readonly paxosTiming?: Pick<PaxosConfig, 'heartbeatMs' | 'electionTimeoutMinMs' | 'electionTimeoutMaxMs'>;
}

export class TwoPcPaxosNode implements Machine<Tagged, TwoPcRequest, Tagged, TwoPcReply, TwoPcEvent> {
  readonly id: NodeId;
  private readonly composed: ComposedMachine;
  readonly twopc: TwoPcNode;
  readonly paxos: PaxosReplica<DecisionCommand, DecisionResult>;
  readonly decisions: DecisionService;
  /** Proposals the 2PC part made during the current step. */
  private readonly pending: DecisionCommand[] = [];
  /** Outstanding Paxos request ids -> command, to forward on NOT_LEADER. */
  private readonly inFlight = new Map<string, DecisionCommand>();
  private requestSeq = 0;

  constructor(config: TwoPcPaxosConfig, durable: readonly Tagged[] = []) {
    this.id = config.twopc.id;
    const byPart = recordsByPart(durable);
    const twopcConfig: TwoPcConfig = { ...config.twopc, decisions: { propose: (txn, outcome) => this.pending.push({ txn, outcome }) } };
    this.twopc = restoreTwoPcNode(twopcConfig, (byPart.get(TWOPC) ?? []) as TwoPcRecord[]);
    // A restart builds a fresh service: the replica re-applies its chosen prefix into it.
    this.decisions = new DecisionService();
    const paxosConfig: PaxosConfig = { id: this.id, members: config.members, seed: config.seed, ...(config.paxosTiming ?? DEFAULT_PAXOS_TIMING) };
    this.paxos = new PaxosReplica(paxosConfig, this.decisions, (byPart.get(PAXOS) ?? []) as PaxosRecord<DecisionCommand>[]);
    this.composed = new ComposedMachine(this.id, { [TWOPC]: this.twopc, [PAXOS]: this.paxos });
  }

  step(input: Input<Tagged, TwoPcRequest>): TwoPcPaxosReady {
    const out: TwoPcPaxosReady = emptyReady();
    switch (input.kind) {
      case 'tick':
        this.absorb(out, this.composed.step(input), input.nowMs);
        break;
      case 'message':
        if (input.msg.part === FORWARD) this.pending.push(input.msg.body as DecisionCommand);
        else this.absorb(out, this.composed.step(input), input.nowMs);
        break;
      case 'request':
        this.absorb(out, this.composed.step({ kind: 'request', request: { part: TWOPC, body: input.request }, nowMs: input.nowMs }), input.nowMs);
        break;
      default:
        return unreachable(input, 'input');
    }
    this.settle(out, input.nowMs);
    return out;
  }

  /** Proposes what the 2PC part asked for, and hands it every decision the log has made. */
  private settle(out: TwoPcPaxosReady, nowMs: number): void {
    for (let round = 0; round < 100; round++) {
      const proposals = this.pending.splice(0);
      for (const cmd of proposals) {
        const id = `${this.id}:${cmd.txn}:${cmd.outcome}:${this.requestSeq++}`;
        this.inFlight.set(id, cmd);
        const request = { part: PAXOS, body: { kind: 'propose', id, command: { op: cmd } } };
        this.absorb(out, this.composed.step({ kind: 'request', request, nowMs }), nowMs);
      }
      let learned = false;
      for (const txn of this.twopc.awaitingDecision()) {
        const outcome: Outcome | undefined = this.decisions.decision(txn);
        if (!outcome) continue;
        learned = true;
        const r = this.twopc.learn(txn, outcome, nowMs);
        this.absorb(out, { persist: r.persist.map((body) => ({ part: TWOPC, body })), send: r.send.map((e) => ({ to: e.to, msg: { part: TWOPC, body: e.msg } })), replies: r.replies.map((body) => ({ part: TWOPC, body })), events: r.events.map((body) => ({ part: TWOPC, body })) }, nowMs);
      }
      if (this.pending.length === 0 && !learned) return;
    }
  }

  /** Moves a composite batch into `out`: 2PC replies and events go out, Paxos replies are handled here. */
  private absorb(out: TwoPcPaxosReady, r: Ready<Tagged, Tagged, Tagged, Tagged>, _nowMs: number): void {
    out.persist.push(...r.persist);
    out.send.push(...r.send);
    for (const rep of r.replies) {
      if (rep.part === TWOPC) out.replies.push(rep.body as TwoPcReply);
      else if (rep.part === PAXOS) this.onPaxosReply(out, rep.body as PaxosReply<DecisionResult>);
    }
    for (const ev of r.events) if (ev.part === TWOPC) out.events.push(ev.body as TwoPcEvent);
  }

  private onPaxosReply(out: TwoPcPaxosReady, reply: PaxosReply<DecisionResult>): void {
    const cmd = this.inFlight.get(reply.id);
    this.inFlight.delete(reply.id);
    if (!cmd || reply.ok) return; // applied: settle() picks the decision up from the service
    // Not the leader: hand it to the one we believe leads. No hint (an election): the
    // 2PC part re-proposes on its retry timer.
    if (reply.error === 'NOT_LEADER' && reply.leader !== undefined && reply.leader !== this.id) {
      out.send.push({ to: reply.leader, msg: { part: FORWARD, body: cmd } });
    }
  }

  status(): TwoPcStatus & { paxos: PaxosStatus } {
    return { ...this.twopc.status(), paxos: this.paxos.status() };
  }

  decision(txn: TxnId): Outcome | undefined {
    return this.decisions.decision(txn);
  }
}
