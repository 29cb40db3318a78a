/**
 * The durable log against a real crash: a child process appends as fast as it can and
 * reports each append whose promise resolved; it is killed with SIGKILL mid-stream. Every
 * record it reported must be there after reopening, in order, with at most a damaged
 * tail that the open reports and cuts. (A process kill keeps the page cache, so this
 * checks the acknowledgement order and the replay, not the platter.)
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { DurableLog } from '../../core/node/durable-log';

const logModule = fileURLToPath(new URL('../../core/node/durable-log.ts', import.meta.url));
const tsx = import.meta.resolve('tsx');

// 8 writers in flight, each reporting its record once durable; big records make a kill
// mid-write likely.
const childSource = `
import { DurableLog } from ${JSON.stringify(logModule)};
const { log, records } = await DurableLog.open(process.argv[1]);
let next = records.length;
const pad = 'x'.repeat(20000);
async function writer() {
  for (;;) {
    const n = next++;
    await log.append({ n, pad });
    process.stdout.write(n + '\\n');
  }
}
for (let i = 0; i < 8; i++) void writer();
`;

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Runs the writer until it has acknowledged `killAfter` records, then SIGKILLs it. */
async function crashWriter(path: string, killAfter: number): Promise<number[]> {
  const child = spawn(process.execPath, ['--import', tsx, '--input-type=module', '-e', childSource, path], { stdio: ['ignore', 'pipe', 'pipe'] });
  const acked: number[] = [];
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      acked.push(Number(line));
      if (acked.length === killAfter) {
        child.kill('SIGKILL');
        resolve();
      }
    });
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`writer exited early (code ${code}): ${stderr}`));
    });
  });
  await exited;
  return acked;
}

describe('durable log under SIGKILL', () => {
  it('keeps every acknowledged record across repeated crashes', async () => {
    dir = await mkdtemp(join(tmpdir(), 'faultline-crash-'));
    const path = join(dir, 'node.log');
    const everAcked = new Set<number>();
    for (let round = 0; round < 3; round++) {
      for (const n of await crashWriter(path, 150)) everAcked.add(n);
      const opened = await DurableLog.open<{ n: number }>(path);
      const seen = opened.records.map((r) => r.n);
      const missing = [...everAcked].filter((n) => !seen.includes(n));
      expect(missing).toEqual([]);
      // Numbers are handed out in order and appended in that order: no holes, no repeats.
      expect(seen).toEqual(seen.map((_, i) => i));
      if (opened.repair) expect(['TORN_HEADER', 'TORN_PAYLOAD']).toContain(opened.repair.reason);
      await opened.log.close();
    }
  });
});
