/**
 * `faultline run` on real node processes, bounded (3 nodes, ≤ 15 s of workload each):
 *  - the register workload in the default mode under kill + partition is linearizable;
 *  - the lock workload under pause, with fencing, is safe;
 *  - a client process frozen by SIGSTOP past its lease, with fencing: its write is refused;
 *  - the negative control: no fencing and a client process frozen by SIGSTOP past its
 *    lease — checkLocks catches the stale-token write, with both writes as evidence.
 * Every cluster is stopped in afterAll/finally, so no process outlives the file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseHistory } from '../../core/check/history';
import { checkLocks } from '../../core/check/locks';
import { checkRegister } from '../../core/check/register';
import { run as runCommand } from '../../core/cli/commands/run';
import { Cluster } from '../../core/supervisor/cluster';
import { startTestCluster, stopTestCluster, type TestCluster } from '../support/test-cluster';
import { LeaderTracker } from '../../core/supervisor/leader-tracker';
import { LockWorkload } from '../../core/supervisor/workload/lock';
import { runWorkload } from '../../core/supervisor/workload/run-workload';

const shortPlan = { baselineMs: 1_500, tailMs: 3_000, faultMs: [1_500, 2_500] as [number, number], quietMs: [800, 1_500] as [number, number] };

describe('faultline run, register workload (CLI)', () => {
  let out: string;
  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'faultline-run-it-'));
  });
  afterAll(async () => {
    await rm(out, { recursive: true, force: true });
  });

  it('default mode under kill + partition: exit 0, and the written history re-checks as linearizable', async () => {
    // The command starts and stops its own cluster (in a finally), so nothing is left running.
    const code = await runCommand(['--workload', 'register', '--nemesis', 'kill,partition', '--time', '12', '--nodes', '3', '--clients', '4', '--rate', '60', '--seed', '11', '--out', out]);
    const verdict = JSON.parse(await readFile(join(out, 'verdict.json'), 'utf8')) as {
      verdict: { valid: unknown };
      timeline: { phase: string; kind: string }[];
      availability: { recoveries: unknown[] };
      counts: { ok: number };
    };
    expect(code).toBe(0);
    expect(verdict.verdict.valid).toBe(true);
    expect(verdict.counts.ok).toBeGreaterThan(50);
    expect(verdict.timeline.filter((e) => e.phase === 'fault').length).toBeGreaterThan(0);
    expect(verdict.timeline.at(-1)).toMatchObject({ phase: 'heal', kind: 'all' });
    expect(verdict.availability.recoveries.length).toBe(verdict.timeline.filter((e) => e.phase === 'fault').length);
    const history = parseHistory(await readFile(join(out, 'history.jsonl'), 'utf8'));
    expect(checkRegister(history, { timeoutMs: 20_000 }).valid).toBe(true);
    expect((await readFile(join(out, 'report.txt'), 'utf8')).split('\n')[0]).toContain('register workload on 3 nodes');
  }, 120_000);
});

describe('faultline run, lock workload (real cluster)', () => {
  let t: TestCluster | undefined;
  let cluster: Cluster;
  let tracker: LeaderTracker;
  beforeAll(async () => {
    t = await startTestCluster('run-it', { nodes: 3 });
    ({ cluster, tracker } = t);
  }, 90_000);
  afterAll(() => stopTestCluster(t), 60_000);

  it('pause (SIGSTOP/SIGCONT) with fencing: lock safety holds and every node is up again afterwards', async () => {
    const result = await runWorkload(cluster, {
      workload: new LockWorkload({ ttlMs: 1_000 }),
      clients: 4,
      rate: 50,
      durationMs: 12_000,
      seed: 21,
      faults: ['pause'],
      plan: shortPlan,
      leader: () => tracker.leader(),
    });
    expect(result.verdict.valid).toBe(true);
    expect(result.counts.ok).toBeGreaterThan(20);
    expect(result.timeline.some((e) => e.phase === 'fault' && e.kind === 'pause')).toBe(true);
    expect(cluster.views().map((v) => v.lifecycle)).toEqual(['up', 'up', 'up']);
  }, 120_000);

  it('fencing + a client process SIGSTOPped past its lease: the resource refuses the stale write, lock safety holds', async () => {
    const workload = new LockWorkload({ ttlMs: 800, fencing: true, gcPauseMs: 2_500, gcSigstop: true });
    const result = await runWorkload(cluster, { workload, clients: 4, rate: 50, durationMs: 10_000, seed: 23, faults: [] });
    expect(result.verdict.valid).toBe(true);
    expect(result.notes.some((n) => n.includes('frozen by SIGSTOP'))).toBe(true);
    // The same stall that breaks the unfenced run below is what fencing refused here.
    expect(workload.resources.get('lock0-resource')!.staleWrites).toBeGreaterThan(0);
  }, 120_000);

  it('no fencing + a client process SIGSTOPped past its lease: checkLocks catches the stale-token write', async () => {
    // Client 0 runs as its own process and is frozen by a real SIGSTOP between its lease check and its write.
    const workload = new LockWorkload({ ttlMs: 800, fencing: false, gcPauseMs: 2_500, gcSigstop: true });
    const historyFile = join(t!.dataDir, 'gc-pause-history.jsonl');
    const result = await runWorkload(cluster, { workload, clients: 4, rate: 50, durationMs: 12_000, seed: 22, faults: [], historyFile });
    expect(result.verdict.valid).toBe(false);
    const violations = (result.verdict.evidence as { violations: { code: string; key: string; operations: { value?: unknown }[] }[] }).violations;
    const stale = violations.find((v) => v.code === 'STALE_WRITE_ACCEPTED');
    expect(stale?.key).toBe('lock0-resource');
    expect(stale?.operations).toHaveLength(2);
    // The evidence is real: the resource did accept a token lower than one it had seen.
    expect(workload.resources.get('lock0-resource')!.staleWrites).toBeGreaterThan(0);
    expect(result.notes.some((n) => n.includes('frozen by SIGSTOP'))).toBe(true);
    const [earlier, later] = stale!.operations as { value: { token: number } }[];
    expect(later!.value.token).toBeLessThan(earlier!.value.token);
    // The history file on disk, judged again from scratch, says the same.
    const again = checkLocks(parseHistory(await readFile(historyFile, 'utf8')));
    expect(again.valid).toBe(false);
    expect(again.summary).toContain('STALE_WRITE_ACCEPTED');
  }, 120_000);
});
