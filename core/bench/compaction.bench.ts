/**
 * Log compaction: the node's durable log size and its restart time (open + replay +
 * re-apply) after N kv commands through the Paxos part, with compaction off (every
 * accepted/chosen record kept) and on (default bounds: snapshots every 10k slots, the log
 * compacted past 8 MiB). The node is an OfflineNode on a real temp file, driven as the host
 * drives it; requests go in batches so group commit keeps fsyncs from dominating.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OfflineNode, type DriverOptions } from '../node/offline-node';
import { summarize, type BenchContext, type BenchSuite, type Measurement } from './harness';

const BATCH = 500;

async function fill(path: string, options: DriverOptions, commands: number, ctx: BenchContext): Promise<number> {
  const node = await OfflineNode.open(path, options);
  await node.elect();
  for (let i = 0; i < commands; i += BATCH) {
    const batch: Promise<unknown>[] = [];
    for (let j = i; j < Math.min(commands, i + BATCH); j++) {
      batch.push(node.propose('bench', j, 'kv', { f: 'write', key: `k${j % 1000}`, value: { n: j, pad: 'v'.repeat(32) } }));
    }
    await Promise.all(batch);
    await node.tick();
    if (i % 10_000 === 0) ctx.progress(`compaction bench: ${i}/${commands} commands`);
  }
  const bytes = node.log.sizeBytes;
  await node.close();
  return bytes;
}

async function restartMs(path: string, options: DriverOptions): Promise<{ ms: number; records: number }> {
  const start = performance.now();
  const node = await OfflineNode.open(path, options);
  const ms = performance.now() - start;
  const records = node.restoredRecords;
  await node.close();
  return { ms, records };
}

async function measure(label: string, options: DriverOptions, commands: number, runs: number, ctx: BenchContext): Promise<Measurement[]> {
  const dir = await mkdtemp(join(tmpdir(), 'faultline-compaction-bench-'));
  try {
    const path = join(dir, 'node.log');
    const bytes = await fill(path, options, commands, ctx);
    const samples: number[] = [];
    let records = 0;
    for (let r = 0; r < runs; r++) {
      const s = await restartMs(path, { ...options, noCompaction: true });
      samples.push(s.ms);
      records = s.records;
    }
    return [
      summarize(`log size after ${commands} kv writes, ${label}`, 'MiB', [bytes / (1024 * 1024)], `${records} records`),
      summarize(`restart (open + replay) after ${commands} kv writes, ${label}`, 'ms', samples),
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const suite: BenchSuite = {
  name: 'compaction',
  async run(ctx) {
    const commands = ctx.quick ? 10_000 : 50_000;
    const runs = ctx.quick ? 2 : 5;
    return [
      ...(await measure('no compaction', { noCompaction: true, snapshotEverySlots: 0 }, commands, runs, ctx)),
      ...(await measure('compaction on (defaults)', {}, commands, runs, ctx)),
    ];
  },
};

export default suite;
