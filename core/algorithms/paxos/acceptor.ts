/**
 * The acceptor, one role of a replica: its promise, the highest round it has seen, and
 * what it accepts into the log. The rules of Paxos's safety live here (never accept below
 * the promise, never let the promise go back) and are asserted where the state changes;
 * the replica decides what the answers mean for its other roles (stepping down, learning).
 */
import type { InvariantCheck } from '../common/invariant';
import type { NodeId } from '../common/types';
import { ballotEquals, nextBallot } from './ballot';
import { highestDurablePromise, type RestoredState } from './restore';
import { compareBallots, type Ballot, type LogValue, type PaxosMsg, type PaxosRecord } from './types';

type PromiseMsg<Cmd> = Extract<PaxosMsg<Cmd>, { type: 'promise' }>;

export class Acceptor<Cmd> {
  private promisedBallot: Ballot;
  /** The highest round seen anywhere; the next campaign goes above it. */
  private highestRoundSeen: number;
  private readonly log: RestoredState<Cmd>['log'];

  constructor(
    private readonly id: NodeId,
    restored: RestoredState<Cmd>,
    durable: readonly PaxosRecord<Cmd>[],
    private readonly check: InvariantCheck,
  ) {
    // A promise never goes back, across a restart too: the restored one covers every
    // promise and acceptance on disk (forgetPromiseOnRestart breaks exactly this).
    const durablePromise = highestDurablePromise(durable);
    check(compareBallots(restored.promised, durablePromise) >= 0, () => `${id} to restart promised at least ${JSON.stringify(durablePromise)} (its durable records), but it restored ${JSON.stringify(restored.promised)}`);
    this.promisedBallot = restored.promised;
    this.highestRoundSeen = restored.highestRound;
    this.log = restored.log;
  }

  get promised(): Ballot {
    return this.promisedBallot;
  }

  get highestRound(): number {
    return this.highestRoundSeen;
  }

  noteRound(ballot: Ballot): void {
    if (ballot.round > this.highestRoundSeen) this.highestRoundSeen = ballot.round;
  }

  /** True when `ballot` is below the promise: the answer is a nack. */
  refuses(ballot: Ballot): boolean {
    return compareBallots(ballot, this.promisedBallot) < 0;
  }

  /** Raises the promise; returns its record, which must be durable before the promise message. */
  promise(ballot: Ballot): PaxosRecord<Cmd> {
    this.raise(ballot);
    return { type: 'promised', ballot };
  }

  /** Raises the promise without a record of its own (an accepted record implies it). */
  raise(ballot: Ballot): void {
    this.check(compareBallots(ballot, this.promisedBallot) >= 0, () => `${this.id}'s promise never to go back from ${JSON.stringify(this.promisedBallot)}, but it was set to ${JSON.stringify(ballot)}`);
    this.promisedBallot = ballot;
  }

  /**
   * Accepts `value` in `slot` at `ballot` (at or above the promise); returns the record to
   * persist, or undefined for a retransmitted accept: the value accepted in this ballot is
   * the same (one proposer, one value per slot and ballot) and its record is already on its
   * way to disk (hosts send a batch only after every record appended before it is durable).
   */
  accept(slot: number, ballot: Ballot, value: LogValue<Cmd>): PaxosRecord<Cmd> | undefined {
    const already = this.log.acceptedAt(slot);
    if (already !== undefined && ballotEquals(already.ballot, ballot)) return undefined;
    this.check(compareBallots(ballot, this.promisedBallot) >= 0, () => `${this.id} to accept slot ${slot} at a ballot >= its promise ${JSON.stringify(this.promisedBallot)}, got ${JSON.stringify(ballot)}`);
    this.log.accept(slot, ballot, value);
    return { type: 'accepted', slot, ballot, value };
  }

  /**
   * The promise message for `ballot`. Slots known chosen here are left out: the candidate
   * learns them by catch-up instead (see CandidateState.mustLearnUpTo), so a promise
   * carries only the undecided tail.
   */
  promiseMessage(ballot: Ballot, fromSlot: number): PromiseMsg<Cmd> {
    return {
      type: 'promise',
      ballot,
      accepted: this.log.acceptedFrom(Math.max(fromSlot, this.log.chosenUpTo + 1)),
      chosenUpTo: this.log.chosenUpTo,
    };
  }

  /** A ballot above every round seen or promised, for this node's next campaign. */
  nextCampaignBallot(): Ballot {
    const ballot = nextBallot(this.id, Math.max(this.highestRoundSeen, this.promisedBallot.round));
    this.highestRoundSeen = ballot.round;
    return ballot;
  }
}
