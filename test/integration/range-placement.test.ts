/**
 * Range placement on real node processes (issue 13, part 3): `faultline run --workload
 * register --placement range` under kill -9, with a split threshold low enough that the
 * workload's keys make ranges split during the run. The ranges split through the Paxos
 * log (the report lists them), and quorum mode stays linearizable across the splits.
 * With 5 nodes the table starts pre-split, one range per node: every node holds and leads
 * ranges through the splits (the report counts them).
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

  it('5 nodes: the pre-split founding table has every node holding and leading ranges through the splits, and the history is linearizable', async () => {
    const dir = join(out, 'five');
    const code = await runCommand([
      '--workload', 'register', '--mode', 'quorum', '--placement', 'range', '--split-keys', '2',
      '--time', '8', '--nodes', '5', '--clients', '4', '--rate', '60', '--seed', '6', '--out', dir,
    ]);
    const report = await readFile(join(dir, 'report.txt'), 'utf8');
    const verdict = JSON.parse(await readFile(join(dir, 'verdict.json'), 'utf8')) as { verdict: { valid: unknown } };
    expect(code, report).toBe(0);
    expect(verdict.verdict.valid).toBe(true);
    // Five founding ranges (one per node) plus one per split, and at least one split.
    const ranges = /ranges \(placement range\): (\d+) split\(s\), (\d+) range\(s\)/.exec(report);
    expect(Number(ranges?.[1]), report).toBeGreaterThanOrEqual(1);
    expect(Number(ranges?.[2]), report).toBe(Number(ranges?.[1]) + 5);
    const counts = (line: RegExp): Record<string, number> =>
      Object.fromEntries((line.exec(report)?.[1] ?? '').trim().split(' ').map((p) => p.split('=')).map(([n, c]) => [n, Number(c)]));
    const held = counts(/ranges per node: as a replica ([^;]+);/);
    const led = counts(/ranges per node: as a replica [^;]+; as leaseholder (.+)$/m);
    expect(Object.keys(held).sort(), report).toEqual(['n1', 'n2', 'n3', 'n4', 'n5']);
    for (const n of Object.keys(held)) {
      expect(held[n], `${n} holds ranges\n${report}`).toBeGreaterThanOrEqual(3);
      expect(led[n], `${n} leads a range\n${report}`).toBeGreaterThanOrEqual(1);
    }
    // Every written key is on N=3 nodes under the final table.
    const written = /the (\d+) keys the run wrote, per node under this table: as a replica ([^;]+);/.exec(report);
    expect(written, report).not.toBeNull();
    const sum = (written?.[2] ?? '').trim().split(' ').reduce((t, p) => t + Number(p.split('=')[1]), 0);
    expect(sum).toBe(3 * Number(written?.[1]));
  }, 120_000);
});
