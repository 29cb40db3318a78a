/**
 * "No orphan processes, ever": a supervisor killed with SIGKILL (no exit handler runs)
 * leaves no node behind — not even one frozen by SIGSTOP, which could not notice anything.
 */
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { waitFor } from '../support/wait';

const clusterModule = fileURLToPath(new URL('../../core/supervisor/cluster.ts', import.meta.url));
const tsx = import.meta.resolve('tsx');

const supervisorSource = `
import { Cluster } from ${JSON.stringify(clusterModule)};
const cluster = await Cluster.start({ nodes: 3, dataDir: process.argv[1] });
cluster.pause('n2');
process.stdout.write(JSON.stringify(cluster.views().map((v) => v.pid)) + '\\n');
setInterval(() => {}, 1000);
`;

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('no orphans', () => {
  it('kill -9 of the supervisor takes every node with it, a paused one too', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'faultline-orphans-'));
    const child = spawn(process.execPath, ['--import', tsx, '--input-type=module', '-e', supervisorSource, dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const pids = await new Promise<number[]>((resolve, reject) => {
        createInterface({ input: child.stdout! }).once('line', (line) => resolve(JSON.parse(line) as number[]));
        child.once('exit', (code) => reject(new Error(`supervisor exited early with ${code}`)));
      });
      expect(pids).toHaveLength(3);
      expect(pids.every(alive)).toBe(true);
      child.kill('SIGKILL');
      await waitFor('every node gone', () => (pids.every((p) => !alive(p)) ? true : undefined), 10_000);
    } finally {
      child.kill('SIGKILL');
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
