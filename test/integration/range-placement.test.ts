/**
 * Range placement on real node processes (issue 13, part 3): `faultline run --workload
 * register --placement range` under kill -9, with a split threshold low enough that the
 * workload's keys make ranges split during the run. The ranges split through the Paxos
 * log (the report lists them), and quorum mode stays linearizable across the splits.
 * The command starts and stops its own cluster (in a finally): no process outlives it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseHistory } from '../../core/check/history';
import { checkRegister } from '../../core/check/register';
import { run as runCommand } from '../../core/cli/commands/run';

describe('faultline run --placement range (real processes)', () => {
  let out: string;
  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'faultline-range-it-'));
  });
  afterAll(async () => {
    await rm(out, { recursive: true, force: true });
  });

  it('register workload, quorum mode, kill -9: ranges split during the run and the history is linearizable', async () => {
    const code = await runCommand([
      '--workload', 'register', '--mode', 'quorum', '--placement', 'range', '--split-keys', '2',
      '--nemesis', 'kill', '--time', '10', '--nodes', '3', '--clients', '4', '--rate', '60', '--seed', '5', '--out', out,
    ]);
    const report = await readFile(join(out, 'report.txt'), 'utf8');
    const verdict = JSON.parse(await readFile(join(out, 'verdict.json'), 'utf8')) as { verdict: { valid: unknown }; counts: { ok: number } };
    expect(code, report).toBe(0);
    expect(verdict.verdict.valid).toBe(true);
    expect(verdict.counts.ok).toBeGreaterThan(50);
    const ranges = /ranges \(placement range\): (\d+) split\(s\), (\d+) range\(s\)/.exec(report);
    expect(ranges, report).not.toBeNull();
    const [splits, count] = [Number(ranges?.[1]), Number(ranges?.[2])];
    expect(splits).toBeGreaterThanOrEqual(1);
    expect(count).toBe(splits + 1);
    // Every range is listed with three owners (the cluster's three nodes, leaseholder first).
    const rows = report.split('\n').filter((l) => /^ {2}\[/.test(l));
    expect(rows.length).toBe(Math.min(count, 12));
    for (const row of rows) expect(row).toMatch(/\) n\d,n\d,n\d$/);
    const history = parseHistory(await readFile(join(out, 'history.jsonl'), 'utf8'));
    expect(checkRegister(history, { timeoutMs: 20_000 }).valid).toBe(true);
  }, 120_000);
});
