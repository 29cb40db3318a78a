/**
 * Node-level log compaction: when the node's durable log grows past its bound, replace it
 * with the fewest records that rebuild the same state (DurableLog.compact).
 *
 * Each part of the composed machine either offers `durableSnapshot()` (records that
 * restore it exactly: Paxos, promise + snapshot + the log above the floor; replication,
 * the latest stored value per key, issued counters, open hints; 2PC, one record for the
 * finished transactions plus the records of unfinished ones) or not; a part without it,
 * or records of a part the machine does not host, keep EVERY record ever persisted. A part
 * may also answer undefined (it cannot right now): then nothing is compacted. Correctness
 * over size: nothing is dropped that a part did not say it can do without.
 *
 * Why taking the snapshot between steps is enough: the host calls `compact` synchronously
 * after appending a Ready's records, so the machine's state reflects every record appended
 * so far, which is exactly what DurableLog.compact asks of a snapshot; appends issued after
 * the call queue behind the compaction and land in the new file.
 */
import type { ComposedMachine, Tagged } from '../algorithms/common';
import type { DurableLog } from './durable-log';

/** A part that can replace its whole durable history; undefined: it cannot right now. */
interface SnapshottingPart {
  durableSnapshot(): readonly unknown[] | undefined;
}

function canSnapshot(part: unknown): part is SnapshottingPart {
  return typeof (part as Partial<SnapshottingPart>).durableSnapshot === 'function';
}

export const DEFAULT_COMPACT_ABOVE_BYTES = 8 * 1024 * 1024;

export interface CompactionResult {
  readonly beforeBytes: number;
  readonly afterRecords: number;
  /** Parts whose every record was kept (they offer no snapshot, or are not hosted). */
  readonly keptWhole: readonly string[];
}

export class NodeCompactor {
  /** Every record of the parts that cannot snapshot, in order, since the log was opened. */
  private readonly kept = new Map<string, Tagged[]>();
  /** Parts that replace their own history with durableSnapshot(). */
  private readonly snapshotting = new Set<string>();
  private running: Promise<void> | undefined;
  /**
   * The next compaction waits until the log is twice the size the last one left (at least
   * the log's own bound): a state larger than the bound must not compact on every append.
   */
  private nextAtBytes = 0;

  constructor(
    private readonly machine: ComposedMachine,
    restored: readonly Tagged[],
  ) {
    for (const name of machine.partNames()) {
      if (canSnapshot(machine.part(name))) this.snapshotting.add(name);
      else this.kept.set(name, []);
    }
    this.note(restored);
  }

  /** Call with every batch appended to the log (and the records the log was opened with). */
  note(records: readonly Tagged[]): void {
    for (const r of records) {
      let kept = this.kept.get(r.part);
      // A record of a part this machine does not host (an older layout) is kept, not judged.
      if (kept === undefined && !this.snapshotting.has(r.part)) this.kept.set(r.part, (kept = []));
      kept?.push(r);
    }
  }

  /** The minimal equivalent record set now, or undefined when some part cannot give one. */
  snapshotRecords(): Tagged[] | undefined {
    const out: Tagged[] = [];
    for (const name of this.snapshotting) {
      const part: unknown = this.machine.part(name);
      const snapshot = (part as SnapshottingPart).durableSnapshot();
      if (snapshot === undefined) return undefined;
      for (const body of snapshot) out.push({ part: name, body });
    }
    for (const whole of this.kept.values()) out.push(...whole);
    return out;
  }

  get compacting(): boolean {
    return this.running !== undefined;
  }

  /**
   * Compacts `log` if it needs it and no compaction is under way. Returns the compaction's
   * promise (rejected if the log failed; the log then refuses every later append too).
   */
  maybeCompact(log: DurableLog<Tagged>): Promise<CompactionResult> | undefined {
    if (this.running !== undefined || !log.needsCompaction || log.sizeBytes <= this.nextAtBytes) return undefined;
    return this.compact(log);
  }

  /** Compacts now (unless one is running); undefined when a part cannot snapshot. */
  compact(log: DurableLog<Tagged>): Promise<CompactionResult> | undefined {
    if (this.running !== undefined) return undefined;
    const records = this.snapshotRecords();
    if (records === undefined) {
      // Not on every append from now on: a snapshot attempt costs a full state copy.
      this.nextAtBytes = 2 * log.sizeBytes;
      return undefined;
    }
    const beforeBytes = log.sizeBytes;
    const done = log.compact(records).then(() => {
      this.nextAtBytes = 2 * log.sizeBytes;
      return { beforeBytes, afterRecords: records.length, keptWhole: [...this.kept.keys()] };
    });
    this.running = done.then(
      () => undefined,
      () => undefined,
    );
    void this.running.then(() => (this.running = undefined));
    return done;
  }
}
