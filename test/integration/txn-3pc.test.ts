/**
 * Txn mode 3pc on real node processes: a 5-node cluster under kill -9 of one node at a
 * time runs three-phase commit, and both judgements hold: the history is strictly
 * serializable and, from what every node logged, every transaction has one outcome. The
 * command starts and stops its own cluster (in a finally).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run as runCommand } from '../../core/cli/commands/run';

describe('faultline run --workload txn --mode 3pc --nemesis kill', () => {
  let out: string;
  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'faultline-txn-3pc-'));
  });
  afterAll(async () => {
    await rm(out, { recursive: true, force: true });
  });

  it('commits under kill -9, strictly serializable and atomic by the nodes’ logs', async () => {
    const code = await runCommand(['--workload', 'txn', '--mode', '3pc', '--nemesis', 'kill', '--time', '12', '--clients', '6', '--rate', '100', '--seed', '5', '--out', out]);
    const written = JSON.parse(await readFile(join(out, 'verdict.json'), 'utf8')) as {
      mode: string;
      verdict: { valid: unknown; model: string };
      counts: { ok: number };
      notes: string[];
      timeline: { phase: string }[];
    };
    expect(code).toBe(0);
    expect(written.mode).toContain('3pc');
    expect(written.verdict).toMatchObject({ valid: true, model: 'txn' });
    expect(written.counts.ok).toBeGreaterThan(0);
    expect(written.notes.some((n) => n.startsWith("atomicity (from the nodes' logs): Atomic"))).toBe(true);
    expect(written.timeline.filter((e) => e.phase === 'fault').length).toBeGreaterThan(0);
  }, 120_000);
});
