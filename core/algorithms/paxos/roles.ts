/**
 * The interface between a replica's roles. The proposer roles (follower, candidate, leader)
 * are swapped behaviours, as etcd's raft swaps step functions; each sees the acceptor, the
 * learner and the step's output only through ProposerHost.
 */
import type { NodeId, Ready, ReplicatedService } from '../common/types';
import type { Acceptor } from './acceptor';
import type { ReplicaLog } from './log';
import type { SessionedStateMachine } from './state-machine';
import type { Ballot, LogValue, PaxosConfig, PaxosEvent, PaxosMsg, PaxosRecord, PaxosReply, PaxosRequest, PaxosRole } from './types';

export type PaxosReady<Cmd, Res> = Ready<PaxosMsg<Cmd>, PaxosRecord<Cmd>, PaxosReply<Res>, PaxosEvent<Cmd>>;

/** Messages only a proposer cares about; acceptor/learner messages are role-independent. */
export type ProposerMsg<Cmd> = Extract<PaxosMsg<Cmd>, { type: 'promise' | 'accepted' | 'nack' }>;
export type ProposeRequest<Cmd> = Extract<PaxosRequest<Cmd>, { kind: 'propose' }>;

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
export interface RoleBehaviour<Cmd> {
  readonly role: PaxosRole;
  step(from: NodeId, msg: ProposerMsg<Cmd>): void;
  tick(): void;
  propose(request: ProposeRequest<Cmd>): void;
  /** The chosen prefix grew (a candidate may be waiting for it). */
  learned(): void;
}

