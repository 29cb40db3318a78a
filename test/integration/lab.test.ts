/**
 * The Lab's cluster lifecycle on real node processes: start shows progress and a leader,
 * stop ends every process and keeps the data, resume starts the same nodes from it, reset
 * with new settings (node count, mode, time scale) deletes the data and starts fresh, and
 * close leaves no process and no temp folder behind.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Lab } from '../../core/supervisor/lab';
import { workloadSettingsSchema, type ClusterInfo, type NodeStatus } from '../../core/protocol/panel';
import { waitFor } from '../support/wait';

let lab: Lab | undefined;

afterAll(async () => {
  await lab?.close();
}, 60_000);

function pids(l: Lab): number[] {
  return (l.cluster?.views() ?? []).map((v) => v.pid).filter((p): p is number => p !== undefined);
}

function gone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
}

describe('Lab lifecycle', () => {
  it('starts, stops (data kept), resumes, resets with new settings, and closes clean', async () => {
    lab = await Lab.create({ nodes: 3, mode: 'paxos', timeScale: 1 });
    const infos: ClusterInfo[] = [];
    lab.on('info', (i) => infos.push(i));

    const started = await lab.start();
    expect(started).toMatchObject({ state: 'running', nodes: 3, mode: 'paxos', timeScale: 1, generation: 1 });
    const phases = started.progress.map((p) => p.phase);
    expect(phases[0]).toBe('spawning');
    expect(phases.filter((p) => p === 'spawned')).toHaveLength(3);
    expect(phases.filter((p) => p === 'ready')).toHaveLength(3);
    await waitFor('leader elected', () => (lab!.clusterInfo.leaderAtMs !== null ? true : undefined), 20_000);
    expect(lab.clusterInfo.progress.at(-1)).toMatchObject({ phase: 'leader', code: 'progress.leader', params: { node: expect.stringMatching(/^n\d$/) }, message: expect.stringMatching(/^n\d elected leader$/) });
    expect(started.progress[0]).toMatchObject({ code: 'progress.spawning', params: { n: 3, mode: 'paxos', scale: 1 } });
    // Observers saw the start happen step by step, not only its end.
    expect(infos.some((i) => i.state === 'starting' && i.progress.length > 0)).toBe(true);

    const firstDir = join(lab.dataPath, 'cluster-1');
    const running = pids(lab);
    const stopped = await lab.stop();
    expect(stopped).toMatchObject({ state: 'stopped', dataKept: true });
    expect(lab.cluster).toBeUndefined();
    for (const pid of running) expect(gone(pid)).toBe(true);
    expect(readdirSync(firstDir).sort()).toEqual(['n1', 'n2', 'n3']);
    await expect(lab.killLeader()).rejects.toMatchObject({ code: 'NO_CLUSTER' });

    const resumed = await lab.resume();
    expect(resumed).toMatchObject({ state: 'running', nodes: 3, generation: 2 });
    expect(lab.cluster!.ids).toEqual(['n1', 'n2', 'n3']);
    // The same data: the nodes restart from their logs (each restores what it wrote).
    expect(existsSync(firstDir)).toBe(true);

    const reset = await lab.reset({ nodes: 4, mode: 'quorum', timeScale: 3 });
    expect(reset).toMatchObject({ state: 'running', nodes: 4, mode: 'quorum', timeScale: 3, dataKept: false });
    expect(existsSync(firstDir)).toBe(false);
    expect(lab.cluster!.ids).toEqual(['n1', 'n2', 'n3', 'n4']);
    const statuses = await waitFor('every node reports', () => {
      const all = lab!.cluster!.views().map((v) => v.status as unknown as NodeStatus | undefined);
      return all.every((s) => s !== undefined) ? (all as NodeStatus[]) : undefined;
    }, 20_000);
    for (const s of statuses) expect(s).toMatchObject({ mode: 'quorum', timeScale: 3 });
    // A workload started in the Lab takes its lease TTLs times the scale: 1500 ms -> 4500 ms.
    lab.workload.start(workloadSettingsSchema.parse({ workload: 'lock', rate: 20, clients: 2, durationS: 2, ttlMs: 1500, seed: 3 }));
    const ttl = await waitFor('a lock held', () => {
      for (const v of lab!.cluster!.views()) {
        const held = (v.status as unknown as NodeStatus | undefined)?.locks.find((l) => l.holder !== null);
        if (held) return held.holder!.ttlMs;
      }
      return undefined;
    }, 20_000);
    expect(ttl).toBe(4500);
    await lab.workload.stop();

    const last = pids(lab);
    const root = lab.dataPath;
    await lab.close();
    lab = undefined;
    for (const pid of last) expect(gone(pid)).toBe(true);
    expect(existsSync(root)).toBe(false);
  }, 120_000);

  it('refuses lifecycle commands on a cluster it only wraps', async () => {
    const owner = await Lab.create({ nodes: 3 });
    try {
      await owner.start();
      const wrapped = Lab.attach(owner.cluster!);
      await expect(wrapped.stop()).rejects.toMatchObject({ code: 'BUSY' });
      await wrapped.close();
      expect(owner.cluster!.ids.map((id) => owner.cluster!.view(id).lifecycle)).toEqual(['up', 'up', 'up']);
    } finally {
      await owner.close();
    }
  }, 90_000);
});
