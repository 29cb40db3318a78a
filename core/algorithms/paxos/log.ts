/**
 * One replica's view of the log: what its acceptor accepted per slot and what its learner
 * knows chosen. Both are Maps keyed by slot, so every protocol step touches only the slots
 * it names; nothing scans the whole log.
 *
 * Compaction (not implemented yet) fits here: snapshot the service and the session table at
 * `appliedUpTo`, then delete both maps' entries at or below it and remember the snapshot's
 * slot as a floor; catch-up below the floor would ship the snapshot instead of entries.
 */
import { compareBallots, type AcceptedEntry, type Ballot, type LogValue } from './types';

export interface AcceptedValue<Cmd> {
  readonly ballot: Ballot;
  readonly value: LogValue<Cmd>;
}

export class ReplicaLog<Cmd> {
  private readonly accepted = new Map<number, AcceptedValue<Cmd>>();
  private readonly chosen = new Map<number, LogValue<Cmd>>();
  /** Every slot <= chosenUpTo is in `chosen`. */
  private chosenPrefix = 0;
  private appliedPrefix = 0;
  private highestAccepted = 0;

  get chosenUpTo(): number {
    return this.chosenPrefix;
  }

  get appliedUpTo(): number {
    return this.appliedPrefix;
  }

  get lastAcceptedSlot(): number {
    return this.highestAccepted;
  }

  acceptedAt(slot: number): AcceptedValue<Cmd> | undefined {
    return this.accepted.get(slot);
  }

  /** Records an acceptance; a lower ballot never replaces a higher one (restore reads records in any order). */
  accept(slot: number, ballot: Ballot, value: LogValue<Cmd>): void {
    const old = this.accepted.get(slot);
    if (old !== undefined && compareBallots(old.ballot, ballot) > 0) return;
    this.accepted.set(slot, { ballot, value });
    if (slot > this.highestAccepted) this.highestAccepted = slot;
  }

  /** What a promise reports: every accepted entry at or above `fromSlot`. */
  acceptedFrom(fromSlot: number): AcceptedEntry<Cmd>[] {
    const entries: AcceptedEntry<Cmd>[] = [];
    for (let slot = Math.max(1, fromSlot); slot <= this.highestAccepted; slot++) {
      const a = this.accepted.get(slot);
      if (a !== undefined) entries.push({ slot, ballot: a.ballot, value: a.value });
    }
    return entries;
  }

  isChosen(slot: number): boolean {
    return slot <= this.chosenPrefix || this.chosen.has(slot);
  }

  chosenAt(slot: number): LogValue<Cmd> | undefined {
    return this.chosen.get(slot);
  }

  /**
   * Records a chosen value; returns false when the slot was already known chosen.
   * Advances the contiguous chosen prefix over any slots learned out of order.
   */
  learn(slot: number, value: LogValue<Cmd>): boolean {
    if (slot < 1 || this.chosen.has(slot)) return false;
    this.chosen.set(slot, value);
    while (this.chosen.has(this.chosenPrefix + 1)) this.chosenPrefix++;
    return true;
  }

  /** The next chosen slot to apply, advancing the applied prefix; undefined when caught up. */
  nextToApply(): { slot: number; value: LogValue<Cmd> } | undefined {
    if (this.appliedPrefix >= this.chosenPrefix) return undefined;
    const slot = this.appliedPrefix + 1;
    const value = this.chosen.get(slot);
    if (value === undefined) throw new Error(`log invariant broken: slot ${slot} <= chosenUpTo ${this.chosenPrefix} has no chosen value`);
    this.appliedPrefix = slot;
    return { slot, value };
  }

  /** Chosen entries from `fromSlot` on, at most `limit`, contiguous (for catch-up replies). */
  chosenRange(fromSlot: number, limit: number): { slot: number; value: LogValue<Cmd> }[] {
    const entries: { slot: number; value: LogValue<Cmd> }[] = [];
    const last = Math.min(this.chosenPrefix, Math.max(1, fromSlot) + limit - 1);
    for (let slot = Math.max(1, fromSlot); slot <= last; slot++) {
      entries.push({ slot, value: this.chosen.get(slot) as LogValue<Cmd> });
    }
    return entries;
  }
}
