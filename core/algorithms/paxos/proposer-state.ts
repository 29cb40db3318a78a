/**
 * What a replica keeps while it campaigns (phase 1) and while it leads (phase 2). Both
 * exist only in their role and are dropped on stepping down, so a deposed leader cannot
 * keep acting on stale proposer state.
 */
import { Deadline } from '../common/deadline';
import type { QuorumTracker } from '../common/quorum';
import type { NodeId } from '../common/types';
import { Fifo } from './fifo';
import { compareBallots, type AcceptedEntry, type LogValue } from './types';

export interface CandidateState<Cmd> {
  /** Phase 1 covers every slot from here on (the first slot not known chosen). */
  readonly fromSlot: number;
  readonly votes: QuorumTracker;
  /** Per open slot, the accepted value the new leader must re-propose. */
  readonly reported: Map<number, AcceptedEntry<Cmd>>;
  /** The highest slot any promise reported (or fromSlot - 1). */
  highestSlot: number;
  /**
   * The highest commit point a promise reported, and who reported it. Acceptors leave out
   * the slots they know chosen (keeping promises small), so the candidate must learn every
   * slot up to here, by catch-up, before it may lead.
   */
  mustLearnUpTo: number;
  aheadPeer: NodeId | undefined;
  /** Prepares are resent to silent acceptors (a dropped prepare should not cost a whole election timeout). */
  readonly resendTimer: Deadline;
}

/**
 * Phase 1's rule: for every open slot a promise reports, the candidate keeps the value
 * accepted with the HIGHEST ballot, the one it must re-propose (it may already be chosen).
 * `pickFirst` is the deliberate bug (PaxosConfig.bugs.pickAnyAcceptedValue): whichever
 * value it heard of first.
 */
export function absorbPromise<Cmd>(candidate: CandidateState<Cmd>, entries: readonly AcceptedEntry<Cmd>[], pickFirst: boolean): void {
  for (const entry of entries) {
    if (entry.slot < candidate.fromSlot) continue;
    if (entry.slot > candidate.highestSlot) candidate.highestSlot = entry.slot;
    const known = candidate.reported.get(entry.slot);
    if (known === undefined || (!pickFirst && compareBallots(entry.ballot, known.ballot) > 0)) {
      candidate.reported.set(entry.slot, entry);
    }
  }
}

export interface InFlightSlot<Cmd> {
  readonly value: LogValue<Cmd>;
  readonly votes: QuorumTracker;
  /** When the accepts were last sent, to retransmit to silent acceptors. */
  sentAtMs: number;
}

export interface QueuedSlot<Cmd> {
  readonly slot: number;
  readonly value: LogValue<Cmd>;
}

export interface PendingProposal<Cmd> {
  /** What this leader proposed there: the reply is only about THIS value. */
  readonly value: LogValue<Cmd>;
  readonly requestIds: string[];
}

export class LeaderState<Cmd> {
  /** The next free slot for a new command. */
  nextSlot: number;
  /** Accepted here, sent, not yet chosen; bounded by maxInFlight. */
  readonly inFlight = new Map<number, InFlightSlot<Cmd>>();
  /**
   * Chosen since the last heartbeat, still counting late votes: at the heartbeat, peers that
   * never voted get the values pushed (`chosen`); the others learn from chosenUpTo alone.
   */
  readonly recentlyChosen = new Map<number, InFlightSlot<Cmd>>();
  /** Slots already numbered but waiting for room in the pipeline, in slot order. */
  readonly queue = new Fifo<QueuedSlot<Cmd>>();
  /** Client requests waiting for the command this leader put in a slot to be applied. */
  readonly pendingBySlot = new Map<number, PendingProposal<Cmd>>();
  /** (client, seq) -> slot of a pending proposal, so a retry joins it instead of taking a new slot. */
  readonly slotByClientSeq = new Map<string, number>();
  /** When each peer was last heard from, for check-quorum. */
  readonly lastHeardMs = new Map<NodeId, number>();
  readonly heartbeatTimer = new Deadline();

  constructor(nextSlot: number, peers: readonly NodeId[], nowMs: number) {
    this.nextSlot = nextSlot;
    // A new leader gives every peer a full timeout before counting it as unreachable.
    for (const peer of peers) this.lastHeardMs.set(peer, nowMs);
  }

  /** Peers heard from within the last `windowMs`. */
  peersHeardWithin(nowMs: number, windowMs: number): number {
    let heard = 0;
    for (const atMs of this.lastHeardMs.values()) if (nowMs - atMs < windowMs) heard++;
    return heard;
  }
}

export function clientSeqKey(client: string, seq: number): string {
  return `${client}\u0000${seq}`;
}
