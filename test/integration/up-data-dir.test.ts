/**
 * `faultline up` as a user runs it (a real process with real nodes, stopped by SIGINT):
 * a data folder it made itself is gone afterwards; a folder the user named is kept.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');

/** Starts `faultline up`, waits until it is up, stops it with SIGINT; returns its data folder and exit code. */
async function upAndStop(...args: string[]): Promise<{ dataDir: string; code: number | null }> {
  const child = spawn(process.execPath, [join(root, 'bin', 'faultline.mjs'), 'up', '--nodes', '3', '--quiet', ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    let dataDir = '';
    await new Promise<void>((resolve, reject) => {
      child.once('exit', () => reject(new Error('faultline up exited before it was up')));
      createInterface({ input: child.stdout! }).on('line', (line) => {
        const m = /data in (.*)\) …/.exec(line);
        if (m) dataDir = m[1] as string;
        if (line.startsWith('Press Ctrl-C')) resolve();
      });
    });
    child.kill('SIGINT');
    return { dataDir, code: await exited };
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  }
}

describe('faultline up: the data folder', () => {
  it('removes the temporary data folder it created when it stops', async () => {
    const { dataDir, code } = await upAndStop();
    try {
      expect(code).toBe(0);
      expect(dataDir.startsWith(tmpdir())).toBe(true);
      expect(existsSync(dataDir)).toBe(false);
    } finally {
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);

  it('keeps a folder the user named, with what the nodes wrote', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'faultline-up-test-'));
    try {
      const named = join(parent, 'cluster-data');
      const { dataDir, code } = await upAndStop('--data', named);
      expect(code).toBe(0);
      expect(dataDir).toBe(named);
      expect(readdirSync(named).length).toBeGreaterThan(0);
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  }, 60_000);
});
