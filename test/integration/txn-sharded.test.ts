/**
 * Txn mode sharded on real node processes (5 nodes, each shard a Paxos group of 3): under
 * kill -9 of one node at a time, transactions keep committing in every kill window, the
 * run's checker finds the history strictly serializable, and so does a re-check of the
 * history file. The command starts and stops its own cluster (in a finally).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseHistory } from '../../core/check/history';
import { checkTxn } from '../../core/check/txn';
import { run as runCommand } from '../../core/cli/commands/run';

interface Window {
  kind: string;
  text: string;
  requests: { ops: number; ok: number };
}

describe('faultline run --workload txn --mode sharded --nemesis kill', () => {
  let out: string;
  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'faultline-txn-sharded-'));
  });
  afterAll(async () => {
    await rm(out, { recursive: true, force: true });
  });

  it('keeps committing while a node is down, and stays strictly serializable', async () => {
    const code = await runCommand(['--workload', 'txn', '--mode', 'sharded', '--nemesis', 'kill', '--time', '14', '--nodes', '5', '--clients', '6', '--rate', '100', '--seed', '77', '--out', out]);
    const verdict = JSON.parse(await readFile(join(out, 'verdict.json'), 'utf8')) as {
      verdict: { valid: unknown };
      counts: { ok: number };
      figures: { windows: Window[] };
    };
    expect(code).toBe(0);
    expect(verdict.verdict.valid).toBe(true);
    const kills = verdict.figures.windows.filter((w) => w.kind === 'kill');
    expect(kills.length).toBeGreaterThan(0);
    // Every shard group lost at most one of its three replicas: commits go on in each window.
    for (const w of kills) expect(w.requests.ok, `commits while ${w.text}`).toBeGreaterThan(0);
    const history = parseHistory(await readFile(join(out, 'history.jsonl'), 'utf8'));
    expect(checkTxn(history, { consistency: 'strict-serializable' }).valid).toBe(true);
  }, 120_000);
});
