/**
 * Learner catch-up, one role of a replica: asking a peer for the chosen entries past this
 * replica's commit point (one request at a time, a lost one retried later) and answering
 * such requests from its own log. Below the log's floor the entries are gone and the asker
 * needs the snapshot instead (snapshot-transfer.ts). What learning an entry means stays in
 * the replica.
 */
import type { ReplicaLog } from './log';
import type { LogValue, PaxosMsg } from './types';

/** Chosen entries per catch-up reply: bounded, so a far-behind replica cannot ask for a huge message. */
export const CATCHUP_BATCH = 256;

type CatchupMsg = Extract<PaxosMsg<never>, { type: 'catchup' }>;

export type CatchupAnswer<Cmd> = { readonly kind: 'snapshot' } | { readonly kind: 'entries'; readonly entries: { slot: number; value: LogValue<Cmd> }[] };

export class CatchUp<Cmd> {
  /** One request at a time; a lost one is retried after this. */
  private retryAtMs = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly log: ReplicaLog<Cmd>,
    private readonly retryAfterMs: number,
  ) {}

  /** A request from the commit point, sent whatever is outstanding (a heartbeat's answer, a learner's poll). */
  ask(nowMs: number): CatchupMsg {
    this.holdOff(nowMs);
    return { type: 'catchup', fromSlot: this.log.chosenUpTo + 1 };
  }

  /** A request unless one is still outstanding. */
  askIfIdle(nowMs: number): CatchupMsg | undefined {
    return nowMs < this.retryAtMs ? undefined : this.ask(nowMs);
  }

  /** Something is on its way (a request, a snapshot transfer): ask nothing new for a while. */
  holdOff(nowMs: number): void {
    this.retryAtMs = nowMs + this.retryAfterMs;
  }

  /** The peer answered: the next request may go at once. */
  answered(): void {
    this.retryAtMs = Number.NEGATIVE_INFINITY;
  }

  /** What a peer asking from `fromSlot` gets: entries (maybe none), or the snapshot when below the floor. */
  answer(fromSlot: number): CatchupAnswer<Cmd> {
    if (fromSlot <= this.log.floor) return { kind: 'snapshot' };
    return { kind: 'entries', entries: this.log.chosenRange(fromSlot, CATCHUP_BATCH) };
  }
}
