/**
 * A node's durable log. The host appends a Ready's records and "fsyncs" before sending;
 * a crash keeps what was synced. A torn crash (the node dies between writing and syncing)
 * keeps only a prefix of the batch being written, which is what an append-only log on a
 * real disk can leave behind.
 *
 * Like the real node's log (JSON frames), the disk keeps each record serialised by default:
 * a machine that mutates a record after persisting it changes nothing on disk, and a
 * restart reads fresh copies, so the simulator is no gentler than a real node. `serialise:
 * false` keeps the objects themselves (benches that measure the world alone).
 */
export class SimDisk<Rec> {
  private readonly records: (Rec | string)[] = [];
  /** How many records were lost to torn crashes, for reports. */
  lostRecords = 0;

  constructor(private readonly serialise = true) {}

  /** What survived, as fresh copies when serialised (each call parses again). */
  get synced(): readonly Rec[] {
    if (!this.serialise) return this.records as Rec[];
    return this.records.map((r) => JSON.parse(r as string) as Rec);
  }

  get length(): number {
    return this.records.length;
  }

  /** Appends and syncs a batch. */
  appendSynced(batch: readonly Rec[]): void {
    for (const r of batch) this.records.push(this.write(r));
  }

  /** The crash came before the sync: only the first `keep` records of `batch` made it. */
  appendTorn(batch: readonly Rec[], keep: number): void {
    const kept = Math.max(0, Math.min(keep, batch.length));
    for (let i = 0; i < kept; i++) this.records.push(this.write(batch[i] as Rec));
    this.lostRecords += batch.length - kept;
  }

  private write(record: Rec): Rec | string {
    if (!this.serialise) return record;
    const text = JSON.stringify(record);
    if (text === undefined) throw new Error(`durable records must be JSON values (as on a real node), got ${typeof record}`);
    return text;
  }
}
