/**
 * A real cluster for an integration test: started in a fresh data directory, with a
 * leader tracker, and stopped so that nothing outlives the test — every node process is
 * checked gone and the data directory removed.
 */
import { expect } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cluster, type ClusterOptions } from '../../core/supervisor/cluster';
import { LeaderTracker } from '../../core/supervisor/leader-tracker';

export interface TestCluster {
  readonly cluster: Cluster;
  readonly tracker: LeaderTracker;
  readonly dataDir: string;
}

export async function startTestCluster(name: string, options: Omit<ClusterOptions, 'dataDir'>): Promise<TestCluster> {
  const dataDir = await mkdtemp(join(tmpdir(), `faultline-${name}-`));
  const cluster = await Cluster.start({ ...options, dataDir });
  const tracker = new LeaderTracker(cluster, () => cluster.endpoints().map((e) => e.id));
  return { cluster, tracker, dataDir };
}

/** Stops everything; safe to call with a cluster that never started. */
export async function stopTestCluster(t: TestCluster | undefined): Promise<void> {
  if (t === undefined) return;
  t.tracker.close();
  const pids = t.cluster.views().map((v) => v.pid).filter((p): p is number => p !== undefined);
  await t.cluster.stop();
  // No orphan: every node process is gone.
  for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
  await rm(t.dataDir, { recursive: true, force: true });
}
