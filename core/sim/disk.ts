/**
 * A node's durable log. The host appends a Ready's records and "fsyncs" before sending;
 * a crash keeps what was synced. A torn crash (the node dies between writing and syncing)
 * keeps only a prefix of the batch being written, which is what an append-only log on a
 * real disk can leave behind.
 */
export class SimDisk<Rec> {
  private readonly records: Rec[] = [];
  /** How many records were lost to torn crashes, for reports. */
  lostRecords = 0;

  get synced(): readonly Rec[] {
    return this.records;
  }

  /** Appends and syncs a batch. */
  appendSynced(batch: readonly Rec[]): void {
    for (const r of batch) this.records.push(r);
  }

  /** The crash came before the sync: only the first `keep` records of `batch` made it. */
  appendTorn(batch: readonly Rec[], keep: number): void {
    const kept = Math.max(0, Math.min(keep, batch.length));
    for (let i = 0; i < kept; i++) this.records.push(batch[i] as Rec);
    this.lostRecords += batch.length - kept;
  }
}
