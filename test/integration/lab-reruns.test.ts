/**
 * Workloads run one after another from the panel share the Lab's cluster, which keeps what
 * each run wrote and each run's client sessions. A second register run must still be judged
 * on its own history: it uses keys and client names no earlier run used. (It did not: the
 * second run read the first run's last values on r0.0.. and the checker, which starts every
 * key at null, reported "read a value nobody wrote"; with the same seed its clients' (client,
 * seq) pairs also repeated, and the cluster answered them with the first run's cached results.)
 * Likewise a Lab started on a data folder an earlier Lab used must not start from its data.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Lab } from '../../core/supervisor/lab';
import { workloadSettingsSchema, type WorkloadState } from '../../core/protocol/panel';
import { waitFor } from '../support/wait';

let lab: Lab | undefined;
const named = mkdtempSync(join(tmpdir(), 'faultline-lab-reruns-'));

afterAll(async () => {
  await lab?.close();
  rmSync(named, { recursive: true, force: true });
}, 60_000);

/** Runs a short register workload to its end; its final state and the keys its history names. */
async function registerRun(l: Lab): Promise<{ state: WorkloadState; keys: Set<string> }> {
  await waitFor('a leader', () => l.leader(), 30_000);
  // The same seed each time: the same client names and key choices, had the run not its own.
  l.workload.start(workloadSettingsSchema.parse({ workload: 'register', rate: 60, clients: 4, durationS: 3, seed: 7 }));
  const state = await waitFor('the verdict', () => (!l.workload.busy && l.workload.state.phase !== 'running' ? l.workload.state : undefined), 90_000, 100);
  const lines = readFileSync(l.workload.historyFile as string, 'utf8').split('\n').filter((x) => x.trim() !== '');
  const keys = new Set(lines.map((x) => (JSON.parse(x) as { key?: string }).key).filter((k): k is string => k !== undefined));
  return { state, keys };
}

describe('register runs one after another on the Lab cluster', () => {
  it('are each judged linearizable, on keys of their own', async () => {
    lab = await Lab.create({ nodes: 3, mode: 'paxos', timeScale: 1 });
    await lab.start();
    const first = await registerRun(lab);
    const second = await registerRun(lab);
    // Closed here, not only in afterAll: the next case makes a Lab of its own, and a Lab never
    // closed leaves its temporary data folder behind.
    await lab.close();
    lab = undefined;
    for (const run of [first, second]) {
      expect(run.state.phase).toBe('done');
      expect(run.state.historyOps).toBeGreaterThan(20);
      expect(run.state.verdict, run.state.verdict?.summary).toMatchObject({ valid: true });
    }
    expect(first.keys.size).toBeGreaterThan(0);
    expect([...second.keys].filter((k) => first.keys.has(k))).toEqual([]);
  }, 240_000);

  it('a Lab on a data folder an earlier Lab used starts its cluster empty', async () => {
    // The same run numbers, names and keys as the earlier Lab's: only fresh data keeps them apart.
    for (const _ of [1, 2]) {
      lab = await Lab.create({ nodes: 3, mode: 'paxos', timeScale: 1, dataDir: named });
      await lab.start();
      const run = await registerRun(lab);
      expect(run.state.historyOps).toBeGreaterThan(20);
      expect(run.state.verdict, run.state.verdict?.summary).toMatchObject({ valid: true });
      await lab.close();
      lab = undefined;
    }
  }, 240_000);
});
