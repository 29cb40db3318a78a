import { mkdtemp, readFile, rm, stat, truncate, writeFile, appendFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { crc32 } from '../../core/node/crc32';
import { DurableLog, DurableLogError, newDurableLogStats } from '../../core/node/durable-log';
import { FRAME_HEADER_BYTES, decodeRecords, encodeRecord } from '../../core/node/log-frame';

type Rec = { type: string; n: number };

let dir: string;
let path: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'faultline-log-'));
  path = join(dir, 'node.log');
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** What a process that starts after a crash would see. */
async function recordsOnDisk(): Promise<unknown[]> {
  return decodeRecords(await readFile(path)).records;
}

describe('crc32', () => {
  it('matches the IEEE check value', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    expect(crc32(Buffer.alloc(0))).toBe(0);
  });
});

describe('log framing (properties)', () => {
  const records = fc.array(fc.jsonValue({ maxDepth: 2 }), { minLength: 1, maxLength: 12 });
  const encodeAll = (rs: unknown[]) => Buffer.concat(rs.map((r) => encodeRecord(r)));
  // JSON round trip normalizes -0 and the like; compare what a reader can see.
  const normalize = (rs: unknown[]) => rs.map((r) => JSON.parse(JSON.stringify(r)) as unknown);

  it('a cut anywhere yields a prefix of the records, and damage is reported unless the cut is on a boundary', () => {
    fc.assert(
      fc.property(records, fc.nat(), (rs, at) => {
        const bytes = encodeAll(rs);
        const cut = at % (bytes.length + 1);
        const decoded = decodeRecords(bytes.subarray(0, cut));
        const whole = normalize(rs);
        expect(decoded.records).toEqual(whole.slice(0, decoded.records.length));
        const onBoundary = decoded.validBytes === cut;
        expect(decoded.damage === undefined).toBe(onBoundary);
        if (decoded.damage) expect(decoded.damage.offset + decoded.damage.droppedBytes).toBe(cut);
      }),
      { numRuns: 300 },
    );
  });

  it('a flipped bit anywhere never yields a record that was not written', () => {
    fc.assert(
      fc.property(records, fc.nat(), fc.integer({ min: 0, max: 7 }), (rs, at, bit) => {
        const bytes = encodeAll(rs);
        const i = at % bytes.length;
        bytes[i] = (bytes[i] as number) ^ (1 << bit);
        const decoded = decodeRecords(bytes);
        const whole = normalize(rs);
        expect(decoded.records).toEqual(whole.slice(0, decoded.records.length));
        expect(decoded.records.length).toBeLessThan(rs.length);
        expect(decoded.damage).toBeDefined();
      }),
      { numRuns: 300 },
    );
  });
});

describe('durable log', () => {
  it('round-trips records across reopen', async () => {
    const first = await DurableLog.open<Rec>(path);
    expect(first.records).toEqual([]);
    expect(first.repair).toBeUndefined();
    await first.log.append({ type: 'promised', n: 1 });
    await first.log.appendAll([
      { type: 'accepted', n: 2 },
      { type: 'chosen', n: 3 },
    ]);
    expect(first.log.recordCount).toBe(3);
    await first.log.close();

    const second = await DurableLog.open<Rec>(path);
    expect(second.records).toEqual([
      { type: 'promised', n: 1 },
      { type: 'accepted', n: 2 },
      { type: 'chosen', n: 3 },
    ]);
    expect(second.repair).toBeUndefined();
    await second.log.append({ type: 'chosen', n: 4 });
    await second.log.close();
    expect(await recordsOnDisk()).toHaveLength(4);
  });

  it('group commit: concurrent appends share syncs, and each resolves only once durable', async () => {
    const stats = newDurableLogStats();
    const { log } = await DurableLog.open<Rec>(path, { stats });
    const appends = 200;
    const seenOnResolve: boolean[] = [];
    const promises = Array.from({ length: appends }, (_, n) =>
      log.append({ type: 'accepted', n }).then(async () => {
        // Re-read the file as a restarted process would: the record must be there.
        const onDisk = (await recordsOnDisk()) as Rec[];
        seenOnResolve[n] = onDisk.some((r) => r.n === n);
      }),
    );
    await Promise.all(promises);
    expect(seenOnResolve.filter(Boolean)).toHaveLength(appends);
    expect(stats.appends).toBe(appends);
    expect(stats.syncs).toBeGreaterThanOrEqual(1);
    expect(stats.syncs).toBeLessThan(appends / 10);
    await log.close();
  });

  it('appends made while a sync runs are carried by the next sync', async () => {
    const stats = newDurableLogStats();
    const { log } = await DurableLog.open<Rec>(path, { stats });
    const a = log.append({ type: 'a', n: 1 });
    await new Promise((r) => setImmediate(r)); // the first flush has started
    const rest = [2, 3, 4, 5].map((n) => log.append({ type: 'b', n }));
    await Promise.all([a, ...rest]);
    expect(stats.syncs).toBe(2);
    expect(((await recordsOnDisk()) as Rec[]).map((r) => r.n)).toEqual([1, 2, 3, 4, 5]);
    await log.close();
  });

  it('appends made in many later turns while one slow sync runs all share the next sync', async () => {
    const stats = newDurableLogStats();
    const { log } = await DurableLog.open<Rec>(path, { stats });
    // Hold the first fdatasync until every later append has been made, each in its own
    // turn of the event loop (as messages and client requests arrive on a busy node).
    const handle = (log as unknown as { handle: { datasync(): Promise<void> } }).handle;
    const realSync = handle.datasync.bind(handle);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let first = true;
    handle.datasync = async () => {
      if (first) {
        first = false;
        await gate;
      }
      return realSync();
    };
    const all = [log.append({ type: 'a', n: 0 })];
    await new Promise((r) => setImmediate(r)); // the first write has started and waits in its sync
    for (let n = 1; n <= 30; n++) {
      all.push(log.append({ type: 'b', n }));
      await new Promise((r) => setImmediate(r));
    }
    release();
    await Promise.all(all);
    // One sync for the first record, ONE more for the thirty that queued behind it.
    expect(stats.syncs).toBe(2);
    expect(((await recordsOnDisk()) as Rec[]).map((r) => r.n)).toEqual(Array.from({ length: 31 }, (_, i) => i));
    await log.close();
  });

  it('a torn header at the tail is truncated and reported with its offset', async () => {
    const { log } = await DurableLog.open<Rec>(path);
    await log.appendAll([{ type: 'x', n: 1 }, { type: 'x', n: 2 }]);
    await log.close();
    const goodBytes = (await stat(path)).size;
    await appendFile(path, Buffer.from([7, 0, 0])); // 3 of 8 header bytes

    const reopened = await DurableLog.open<Rec>(path);
    expect(reopened.records).toEqual([{ type: 'x', n: 1 }, { type: 'x', n: 2 }]);
    expect(reopened.repair).toEqual({ reason: 'TORN_HEADER', offset: goodBytes, droppedBytes: 3 });
    expect((await stat(path)).size).toBe(goodBytes);
    // The repaired log keeps working and the next open is clean.
    await reopened.log.append({ type: 'x', n: 3 });
    await reopened.log.close();
    const again = await DurableLog.open<Rec>(path);
    expect(again.repair).toBeUndefined();
    expect(again.records.map((r) => r.n)).toEqual([1, 2, 3]);
    await again.log.close();
  });

  it('a torn payload (crash mid-record) is truncated and reported', async () => {
    const { log } = await DurableLog.open<Rec>(path);
    await log.append({ type: 'x', n: 1 });
    await log.close();
    const goodBytes = (await stat(path)).size;
    const frame = encodeRecord({ type: 'x', n: 2 });
    await appendFile(path, frame.subarray(0, frame.length - 4));

    const reopened = await DurableLog.open<Rec>(path);
    expect(reopened.records).toEqual([{ type: 'x', n: 1 }]);
    expect(reopened.repair).toEqual({ reason: 'TORN_PAYLOAD', offset: goodBytes, droppedBytes: frame.length - 4 });
    await reopened.log.close();
  });

  it('a flipped byte is detected by the checksum; the record and everything after it are cut', async () => {
    const { log } = await DurableLog.open<Rec>(path);
    await log.appendAll([{ type: 'x', n: 1 }, { type: 'x', n: 2 }, { type: 'x', n: 3 }]);
    await log.close();
    const bytes = await readFile(path);
    const firstLength = encodeRecord({ type: 'x', n: 1 }).length;
    const target = firstLength + FRAME_HEADER_BYTES + 3; // inside record 2's payload
    bytes[target] = (bytes[target] as number) ^ 0x01;
    await writeFile(path, bytes);

    const reopened = await DurableLog.open<Rec>(path);
    expect(reopened.records).toEqual([{ type: 'x', n: 1 }]);
    expect(reopened.repair?.reason).toBe('BAD_CHECKSUM');
    expect(reopened.repair?.offset).toBe(firstLength);
    expect((await stat(path)).size).toBe(firstLength);
    await reopened.log.close();
  });

  it('a record with a valid checksum but invalid JSON is reported as BAD_JSON', async () => {
    const payload = Buffer.from('{"type":', 'utf8');
    const header = Buffer.alloc(FRAME_HEADER_BYTES);
    header.writeUInt32LE(payload.length, 0);
    header.writeUInt32LE(crc32(payload), 4);
    await writeFile(path, Buffer.concat([encodeRecord({ type: 'x', n: 1 }), header, payload]));
    const reopened = await DurableLog.open<Rec>(path);
    expect(reopened.records).toEqual([{ type: 'x', n: 1 }]);
    expect(reopened.repair?.reason).toBe('BAD_JSON');
    await reopened.log.close();
  });

  it('an impossible length field is reported as BAD_LENGTH', async () => {
    const header = Buffer.alloc(FRAME_HEADER_BYTES);
    header.writeUInt32LE(0xffffffff, 0);
    await writeFile(path, Buffer.concat([header, Buffer.alloc(32)]));
    const reopened = await DurableLog.open<Rec>(path);
    expect(reopened.records).toEqual([]);
    expect(reopened.repair).toEqual({ reason: 'BAD_LENGTH', offset: 0, droppedBytes: 40 });
    await reopened.log.close();
  });

  it('compaction replaces the prefix with the snapshot and keeps appending after it', async () => {
    const stats = newDurableLogStats();
    const { log } = await DurableLog.open<Rec>(path, { stats, compactAboveBytes: 200 });
    for (let n = 0; n < 20; n++) await log.append({ type: 'accepted', n });
    expect(log.needsCompaction).toBe(true);
    const before = log.sizeBytes;
    await log.compact([{ type: 'snapshot', n: 19 }]);
    expect(stats.compactions).toBe(1);
    expect(log.sizeBytes).toBeLessThan(before);
    expect(log.needsCompaction).toBe(false);
    expect(log.recordCount).toBe(1);
    await log.append({ type: 'accepted', n: 20 });
    await log.close();
    const reopened = await DurableLog.open<Rec>(path);
    expect(reopened.records).toEqual([
      { type: 'snapshot', n: 19 },
      { type: 'accepted', n: 20 },
    ]);
    expect(await readdir(dir)).toEqual(['node.log']);
    await reopened.log.close();
  });

  it('appends still waiting for their sync when compaction starts resolve once the snapshot is durable', async () => {
    const { log } = await DurableLog.open<Rec>(path);
    const waiting = log.append({ type: 'accepted', n: 1 });
    const compacted = log.compact([{ type: 'snapshot', n: 1 }]);
    const after = log.append({ type: 'accepted', n: 2 });
    await Promise.all([waiting, compacted, after]);
    await log.close();
    expect(await recordsOnDisk()).toEqual([
      { type: 'snapshot', n: 1 },
      { type: 'accepted', n: 2 },
    ]);
  });

  it('a crash between writing the temp file and the rename leaves the old log, and the temp is ignored', async () => {
    const { log } = await DurableLog.open<Rec>(path);
    await log.appendAll([{ type: 'x', n: 1 }, { type: 'x', n: 2 }]);
    await log.close();
    // The crash: a complete (or half-written) temp file that never got renamed.
    const temp = DurableLog.tempPathFor(path);
    await writeFile(temp, encodeRecord({ type: 'snapshot', n: 99 }).subarray(0, 5));

    const reopened = await DurableLog.open<Rec>(path);
    expect(reopened.removedStaleTemp).toBe(true);
    expect(reopened.repair).toBeUndefined();
    expect(reopened.records).toEqual([{ type: 'x', n: 1 }, { type: 'x', n: 2 }]);
    expect(await readdir(dir)).toEqual(['node.log']);
    // And a compaction after the crash succeeds.
    await reopened.log.compact([{ type: 'snapshot', n: 2 }]);
    await reopened.log.close();
    expect(await recordsOnDisk()).toEqual([{ type: 'snapshot', n: 2 }]);
  });

  it('a crash after the rename leaves the new log', async () => {
    // Simulated by doing the rename's effect by hand: the new content is the whole file.
    await writeFile(path, encodeRecord({ type: 'snapshot', n: 5 }));
    const reopened = await DurableLog.open<Rec>(path);
    expect(reopened.records).toEqual([{ type: 'snapshot', n: 5 }]);
    expect(reopened.removedStaleTemp).toBe(false);
    await reopened.log.close();
  });

  it('refuses appends after close with a coded error', async () => {
    const { log } = await DurableLog.open<Rec>(path);
    await log.close();
    await expect(log.append({ type: 'x', n: 1 })).rejects.toMatchObject({ code: 'LOG_CLOSED' });
    await expect(log.append({ type: 'x', n: 1 })).rejects.toBeInstanceOf(DurableLogError);
  });

  it('a record JSON cannot carry is refused alone; the log keeps working', async () => {
    const { log } = await DurableLog.open<unknown>(path);
    await expect(log.append(undefined)).rejects.toThrow(/must be JSON values, got undefined/);
    await expect(log.append({ n: 1n })).rejects.toThrow(/BigInt/);
    await log.append({ type: 'x', n: 1 });
    await log.close();
    expect(await recordsOnDisk()).toEqual([{ type: 'x', n: 1 }]);
  });

  it('close waits for queued appends', async () => {
    const { log } = await DurableLog.open<Rec>(path);
    const p = log.append({ type: 'x', n: 1 });
    await log.close();
    await p;
    expect(await recordsOnDisk()).toEqual([{ type: 'x', n: 1 }]);
  });

  it('truncation happens on disk, so damage does not come back', async () => {
    await writeFile(path, Buffer.concat([encodeRecord({ type: 'x', n: 1 }), Buffer.from([1, 2])]));
    const first = await DurableLog.open<Rec>(path);
    await first.log.close();
    await truncate(path, (await stat(path)).size); // no-op, the file is already short
    const second = await DurableLog.open<Rec>(path);
    expect(second.repair).toBeUndefined();
    await second.log.close();
  });

  it('a failed sync rejects every waiting append and fails the log for good; a reopen recovers', async () => {
    let failing = false;
    const { log } = await DurableLog.open<Rec>(path, { syncFault: () => (failing ? new Error('EIO: injected') : undefined) });
    await log.append({ type: 'x', n: 1 });
    failing = true;
    const a = log.append({ type: 'x', n: 2 });
    const b = log.append({ type: 'x', n: 3 });
    await expect(a).rejects.toMatchObject({ code: 'LOG_FAILED' });
    await expect(b).rejects.toThrow(/EIO: injected; reopen it to recover/);
    failing = false;
    // Retrying the sync could "succeed" without the data (fsyncgate): the log stays failed.
    await expect(log.append({ type: 'x', n: 4 })).rejects.toMatchObject({ code: 'LOG_FAILED' });
    await log.close();
    const reopened = await DurableLog.open<Rec>(path);
    expect(reopened.records[0]).toEqual({ type: 'x', n: 1 });
    await reopened.log.append({ type: 'x', n: 5 });
    await reopened.log.close();
  });

  it('a failed sync during compaction leaves the old log in place', async () => {
    let failing = false;
    const { log } = await DurableLog.open<Rec>(path, { syncFault: () => (failing ? new Error('EIO: injected') : undefined) });
    await log.appendAll([{ type: 'x', n: 1 }, { type: 'x', n: 2 }]);
    failing = true;
    await expect(log.compact([{ type: 'snapshot', n: 2 }])).rejects.toMatchObject({ code: 'LOG_FAILED' });
    await log.close();
    const reopened = await DurableLog.open<Rec>(path);
    expect(reopened.records).toEqual([{ type: 'x', n: 1 }, { type: 'x', n: 2 }]);
    expect(reopened.removedStaleTemp).toBe(true);
    await reopened.log.close();
  });
});
