/**
 * One replica's view of the log: what its acceptor accepted per slot and what its learner
 * knows chosen. Both are Maps keyed by slot, so every protocol step touches only the slots
 * it names; nothing scans the whole log.
 *
 * Compaction: once the service and the session table are snapshotted at `appliedUpTo`,
 * `compactTo` deletes both maps' entries at or below it and remembers the snapshot's slot
 * as the `floor`; catch-up below the floor ships the snapshot instead of entries. Accepted
 * entries at or below the floor may go because those slots are chosen: no leader will ever
 * need an acceptor's report of them (promises already leave chosen slots out).
 */
import { invariant, type InvariantCheck } from '../common/invariant';
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
  /** Slots <= floor are chosen, applied and covered by a snapshot: no entries are kept. */
  private snapshotFloor = 0;

  constructor(private readonly check: InvariantCheck = invariant) {}

  get floor(): number {
    return this.snapshotFloor;
  }

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
    // Below the floor the slot is chosen and snapshotted: nothing to remember.
    if (slot <= this.snapshotFloor) return;
    const old = this.accepted.get(slot);
    if (old !== undefined && compareBallots(old.ballot, ballot) > 0) return;
    this.accepted.set(slot, { ballot, value });
    if (slot > this.highestAccepted) this.highestAccepted = slot;
  }

  /** What a promise reports: every accepted entry at or above `fromSlot`. */
  acceptedFrom(fromSlot: number): AcceptedEntry<Cmd>[] {
    const entries: AcceptedEntry<Cmd>[] = [];
    for (let slot = Math.max(1, fromSlot, this.snapshotFloor + 1); slot <= this.highestAccepted; slot++) {
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
    if (slot < 1 || slot <= this.snapshotFloor) return false;
    const known = this.chosen.get(slot);
    if (known !== undefined) {
      // Agreement, seen from one replica: whoever tells it again must tell the same value.
      this.check(known === value || sameLogValue(known, value), () => `chosen slot ${slot} to keep its value ${JSON.stringify(known)}, but ${JSON.stringify(value)} was learned there`);
      return false;
    }
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
    this.check(this.appliedPrefix <= this.chosenPrefix, () => `applied ${this.appliedPrefix} <= chosen ${this.chosenPrefix}`);
    return { slot, value };
  }

  /**
   * Chosen entries from `fromSlot` on, at most `limit`, contiguous (for catch-up replies).
   * The caller ships a snapshot instead when `fromSlot` is at or below the floor.
   */
  chosenRange(fromSlot: number, limit: number): { slot: number; value: LogValue<Cmd> }[] {
    const entries: { slot: number; value: LogValue<Cmd> }[] = [];
    const first = Math.max(1, fromSlot, this.snapshotFloor + 1);
    const last = Math.min(this.chosenPrefix, first + limit - 1);
    for (let slot = first; slot <= last; slot++) {
      entries.push({ slot, value: this.chosen.get(slot) as LogValue<Cmd> });
    }
    return entries;
  }

  /** Drops every entry at or below `upTo` (<= appliedUpTo: it must be snapshotted already). */
  compactTo(upTo: number): void {
    if (upTo > this.appliedPrefix) {
      throw new Error(`cannot compact the log to slot ${upTo}: only slots <= appliedUpTo ${this.appliedPrefix} are snapshotted`);
    }
    if (upTo <= this.snapshotFloor) return;
    this.dropUpTo(upTo);
  }

  /**
   * Starts from a snapshot at `upTo` (a restart, or one shipped by a peer): every slot up
   * to it counts as chosen and applied. Entries above it are kept and may extend the prefix.
   */
  installSnapshot(upTo: number): void {
    if (upTo <= this.snapshotFloor) return;
    this.dropUpTo(upTo);
    this.appliedPrefix = Math.max(this.appliedPrefix, upTo);
    this.chosenPrefix = Math.max(this.chosenPrefix, upTo);
    while (this.chosen.has(this.chosenPrefix + 1)) this.chosenPrefix++;
  }

  /** Every entry held, for a durable snapshot of the log above the floor. */
  acceptedEntries(): AcceptedEntry<Cmd>[] {
    return [...this.accepted].map(([slot, a]) => ({ slot, ballot: a.ballot, value: a.value }));
  }

  chosenEntries(): { slot: number; value: LogValue<Cmd> }[] {
    return [...this.chosen].map(([slot, value]) => ({ slot, value }));
  }

  private dropUpTo(upTo: number): void {
    // Iterating the maps (not slot numbers) costs what they hold, however far the floor jumps.
    for (const slot of this.accepted.keys()) if (slot <= upTo) this.accepted.delete(slot);
    for (const slot of this.chosen.keys()) if (slot <= upTo) this.chosen.delete(slot);
    this.snapshotFloor = upTo;
  }
}

/** Two log values are the same command (or both no-ops); they may be copies of each other. */
function sameLogValue<Cmd>(a: LogValue<Cmd>, b: LogValue<Cmd>): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
