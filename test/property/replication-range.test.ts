/**
 * Replication with range placement under simulated faults (issue 13, part 3): ranges
 * split while clients read and write and the nemesis crashes, partitions, drops and
 * pauses, and `quorum` mode stays linearizable, because a split keeps every key's replica
 * set. Every seed splits at least once during its run, and a seed replays its splits.
 */
import { describe, expect, it } from 'vitest';
import { runReplication } from '../../core/sim/mechanisms/replication';
import type { SimReport } from '../../core/sim/report';
import { FAULT_KINDS } from '../../core/sim/timeline';

const ALL_FAULTS = [...FAULT_KINDS];

/** The splits a run's notes report, with the virtual time each was applied at. */
function splitsOf(r: SimReport): { at: string; ms: number }[] {
  const line = (r.notes ?? []).find((n) => n.startsWith('range placement:')) ?? '';
  return [...line.matchAll(/at "([^"]+)" \((\d+) ms/g)].map((m) => ({ at: m[1] as string, ms: Number(m[2]) }));
}

function failures(reports: SimReport[]): string[] {
  return reports.filter((r) => !r.ok).map((r) => `${r.verdicts.map((v) => v.summary).join(' / ')}\n  replay: ${r.replay}`);
}

describe('replication with range placement in the simulator', () => {
  it('quorum mode stays linearizable over 150 fault schedules while ranges split during the run', () => {
    const reports: SimReport[] = [];
    for (let seed = 1; seed <= 150; seed++) {
      reports.push(runReplication({ seed, faults: ALL_FAULTS, ops: 120, keys: 6, mode: 'quorum', placement: 'range', keepHistory: false }));
    }
    expect(failures(reports)).toEqual([]);
    for (const r of reports) {
      const splits = splitsOf(r);
      expect(splits.length, `seed ${r.seed} split at least once`).toBeGreaterThan(0);
      // The split happened while the run went on, not after it.
      expect(Math.min(...splits.map((s) => s.ms)), `seed ${r.seed}`).toBeLessThan(r.simulatedMs);
      expect(r.replay).toContain('--placement range');
    }
    expect(reports.reduce((n, r) => n + r.faults.length, 0)).toBeGreaterThan(150);
    expect(reports.reduce((n, r) => n + r.opCounts.ok, 0)).toBeGreaterThan(150 * 60);
  }, 120_000);

  it('quorum mode stays linearizable through 40 failover schedules aimed at the ranges\' replicas', () => {
    const reports: SimReport[] = [];
    for (let seed = 1; seed <= 40; seed++) {
      reports.push(runReplication({ seed, faults: [], scenario: 'failover', ops: 150, keys: 6, mode: 'quorum', placement: 'range', keepHistory: false }));
    }
    expect(failures(reports)).toEqual([]);
    expect(reports.every((r) => splitsOf(r).length > 0)).toBe(true);
  }, 120_000);

  it('a seed replays its splits and ranges exactly', () => {
    const a = runReplication({ seed: 7, faults: ALL_FAULTS, ops: 150, keys: 8, mode: 'quorum', placement: 'range', keepHistory: false });
    const b = runReplication({ seed: 7, faults: ALL_FAULTS, ops: 150, keys: 8, mode: 'quorum', placement: 'range', keepHistory: false });
    expect(a.notes).toEqual(b.notes);
    expect(splitsOf(a).length).toBeGreaterThan(1);
  }, 60_000);

  it('hash placement is unchanged by the range option being absent (no notes, no splits)', () => {
    const r = runReplication({ seed: 3, faults: ALL_FAULTS, ops: 80, mode: 'quorum', keepHistory: false });
    expect(r.ok).toBe(true);
    expect(r.notes).toBeUndefined();
  }, 60_000);
});
