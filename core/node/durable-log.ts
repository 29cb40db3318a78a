/**
 * A node's durable log: append-only JSON records, framed and checksummed (log-frame.ts),
 * made durable by group commit, replayed and repaired on open, compacted atomically.
 *
 * Group commit: `append` queues a record and returns a promise that resolves only after
 * an fdatasync covering that record has returned. Records queued while a sync is running
 * share the next one, so N concurrent appends cost far fewer than N syncs, and a caller
 * that awaits its append may rely on the record surviving a crash (persist BEFORE send).
 *
 * Damage found on open (a crash mid-write, flipped bits) is never silently accepted: the
 * log is truncated to its last intact record and the open result says where and why.
 */
import { open, readFile, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { decodeRecords, encodeRecord, type LogDamage } from './log-frame';

export type { LogDamage } from './log-frame';

/** Counters a test or the panel can read; pass one in to share it across reopenings. */
export interface DurableLogStats {
  appends: number;
  /** Number of fdatasync calls made for appends (group commits). */
  syncs: number;
  bytesWritten: number;
  compactions: number;
}

export function newDurableLogStats(): DurableLogStats {
  return { appends: 0, syncs: 0, bytesWritten: 0, compactions: 0 };
}

export interface DurableLogOptions {
  stats?: DurableLogStats;
  /**
   * Size above which `needsCompaction` turns true. The log never compacts by itself:
   * only its owner knows what state a snapshot must carry.
   */
  compactAboveBytes?: number;
  /**
   * Disk fault injection (tests, the lab's storage faults): called before every data sync;
   * an Error it returns is treated as that sync failing.
   */
  syncFault?: () => Error | undefined;
}

export interface LogRepair {
  readonly reason: LogDamage;
  /** Byte offset of the first damaged frame; the file was truncated to this length. */
  readonly offset: number;
  readonly droppedBytes: number;
}

export interface OpenedLog<T> {
  readonly log: DurableLog<T>;
  /** Every intact record, in append order. */
  readonly records: T[];
  /** Present when the tail was damaged and cut off. */
  readonly repair?: LogRepair;
  /** True when a temp file from a compaction interrupted by a crash was found and deleted. */
  readonly removedStaleTemp: boolean;
}

interface Pending {
  readonly frame: Buffer;
  readonly count: number;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

export class DurableLogError extends Error {
  constructor(
    readonly code: 'LOG_CLOSED' | 'LOG_FAILED',
    message: string,
  ) {
    super(message);
    this.name = 'DurableLogError';
  }
}

const DEFAULT_COMPACT_ABOVE_BYTES = 16 * 1024 * 1024;

export class DurableLog<T> {
  private pending: Pending[] = [];
  /** Serializes flushes and compactions: one file operation at a time. */
  private chain: Promise<void> = Promise.resolve();
  private flushScheduled = false;
  private closed = false;
  /** Set after a failed write or sync; the file's state is then unknown (fsyncgate). */
  private failure: Error | undefined;

  private constructor(
    private readonly path: string,
    private handle: FileHandle,
    private bytes: number,
    private records: number,
    readonly stats: DurableLogStats,
    private readonly compactAboveBytes: number,
    private readonly syncFault: (() => Error | undefined) | undefined,
  ) {}

  static tempPathFor(path: string): string {
    return join(dirname(path), `.${basename(path)}.compact-tmp`);
  }

  /** Opens (creating if needed) the log at `path`, replays it and repairs a damaged tail. */
  static async open<T>(path: string, options: DurableLogOptions = {}): Promise<OpenedLog<T>> {
    const temp = DurableLog.tempPathFor(path);
    // A temp file means a compaction crashed before its rename: the original is intact.
    let removedStaleTemp = false;
    try {
      await rm(temp);
      removedStaleTemp = true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    let contents: Buffer;
    let created = false;
    try {
      contents = await readFile(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      contents = Buffer.alloc(0);
      created = true;
    }
    const decoded = decodeRecords(contents);
    const handle = await open(path, created ? 'w+' : 'r+');
    if (created) await syncDirectory(dirname(path));
    let repair: LogRepair | undefined;
    if (decoded.damage) {
      await handle.truncate(decoded.validBytes);
      await handle.datasync();
      repair = { ...decoded.damage };
    }
    const log = new DurableLog<T>(
      path,
      handle,
      decoded.validBytes,
      decoded.records.length,
      options.stats ?? newDurableLogStats(),
      options.compactAboveBytes ?? DEFAULT_COMPACT_ABOVE_BYTES,
      options.syncFault,
    );
    const result: OpenedLog<T> = { log, records: decoded.records as T[], removedStaleTemp };
    return repair ? { ...result, repair } : result;
  }

  /** Bytes in the file, including records written but not yet synced. */
  get sizeBytes(): number {
    return this.bytes;
  }

  get recordCount(): number {
    return this.records;
  }

  get needsCompaction(): boolean {
    return this.bytes > this.compactAboveBytes;
  }

  /** Resolves once `record` is on disk (fdatasync returned). */
  append(record: T): Promise<void> {
    return this.appendAll([record]);
  }

  /** Appends several records; they become durable together, in order. */
  appendAll(records: readonly T[]): Promise<void> {
    const refused = this.refusal();
    if (refused) return Promise.reject(refused);
    if (records.length === 0) return Promise.resolve();
    let frame: Buffer;
    try {
      frame = Buffer.concat(records.map((r) => encodeRecord(r)));
    } catch (error) {
      // A record JSON cannot carry (undefined, a BigInt, a cycle) is the caller's bug;
      // it is refused alone and the log stays usable.
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    this.stats.appends += records.length;
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ frame, count: records.length, resolve, reject });
      this.scheduleFlush();
    });
  }

  /**
   * Replaces the whole log with `snapshot`. The snapshot must carry the state of every
   * record appended before this call (including appends still waiting for their sync:
   * they resolve once the snapshot is durable). Steps: write a temp file, fsync it,
   * rename it over the log, fsync the directory. A crash before the rename leaves the old
   * log intact (the temp file is deleted on the next open); after it, the new one.
   */
  compact(snapshot: readonly T[]): Promise<void> {
    const refused = this.refusal();
    if (refused) return Promise.reject(refused);
    const covered = this.pending;
    this.pending = [];
    const frames = snapshot.map((r) => encodeRecord(r));
    return this.enqueue(async () => {
      try {
        const temp = DurableLog.tempPathFor(this.path);
        const tempHandle = await open(temp, 'w');
        const all = Buffer.concat(frames);
        try {
          await tempHandle.writeFile(all);
          const injected = this.syncFault?.();
          if (injected) throw injected;
          await tempHandle.sync();
        } finally {
          await tempHandle.close();
        }
        await rename(temp, this.path);
        await syncDirectory(dirname(this.path));
        await this.handle.close();
        this.handle = await open(this.path, 'r+');
        this.bytes = all.length;
        this.records = snapshot.length;
        this.stats.compactions += 1;
        this.stats.bytesWritten += all.length;
      } catch (error) {
        this.fail(error, covered);
        throw this.failure;
      }
      for (const p of covered) p.resolve();
    });
  }

  /** Waits for queued appends to become durable, then closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.flushScheduled = false;
    const rest = this.pending;
    this.pending = [];
    await this.enqueue(() => this.writeAndSync(rest)).catch(() => undefined);
    await this.chain;
    await this.handle.close();
  }

  private refusal(): Error | undefined {
    if (this.closed) return new DurableLogError('LOG_CLOSED', `durable log ${this.path} is closed`);
    return this.failure;
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // setImmediate, not a microtask: appends issued in the same turn of the event loop
    // (one Ready batch, many client requests) join the same sync. The batch is taken when
    // the write STARTS, not when it is scheduled: everything appended while the previous
    // sync was running rides on the next one, so N appends during one slow fdatasync cost
    // one more sync, not N (group commit that actually groups).
    setImmediate(() => {
      void this.enqueue(async () => {
        this.flushScheduled = false;
        const batch = this.pending;
        this.pending = [];
        await this.writeAndSync(batch);
      }).catch(() => undefined);
    });
  }

  private enqueue(op: () => Promise<void>): Promise<void> {
    const run = this.chain.then(op);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async writeAndSync(batch: Pending[]): Promise<void> {
    if (batch.length === 0) return;
    if (this.failure) {
      for (const p of batch) p.reject(this.failure);
      return;
    }
    try {
      const buffers = batch.map((p) => p.frame);
      let position = this.bytes;
      let remaining = Buffer.concat(buffers);
      while (remaining.length > 0) {
        const { bytesWritten } = await this.handle.write(remaining, 0, remaining.length, position);
        position += bytesWritten;
        remaining = remaining.subarray(bytesWritten);
      }
      const injected = this.syncFault?.();
      if (injected) throw injected;
      await this.handle.datasync();
      this.stats.syncs += 1;
      this.stats.bytesWritten += position - this.bytes;
      this.bytes = position;
      this.records += batch.reduce((n, p) => n + p.count, 0);
    } catch (error) {
      this.fail(error, batch);
      return;
    }
    for (const p of batch) p.resolve();
  }

  /**
   * After a failed write or sync the kernel may have dropped dirty pages, so retrying the
   * sync can "succeed" without the data (the PostgreSQL fsyncgate lesson): fail for good.
   */
  private fail(error: unknown, batch: Pending[]): void {
    const reason = error instanceof Error ? error.message : String(error);
    this.failure ??= new DurableLogError('LOG_FAILED', `durable log ${this.path} failed: ${reason}; reopen it to recover`);
    for (const p of batch) p.reject(this.failure);
  }
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
