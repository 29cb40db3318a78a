/**
 * Replication under simulated faults. `quorum` mode (ABD) must stay linearizable over
 * hundreds of seeded fault schedules with every fault on; `async` and `sloppy` are the
 * negative controls: runs built to expose them must be caught, with evidence that holds
 * up against the history itself.
 */
import { describe, expect, it } from 'vitest';
import type { SimHistoryOp } from '../../core/sim/history';
import { findStaleReads, runReplication, type StaleRead } from '../../core/sim/mechanisms/replication';
import { FAULT_KINDS } from '../../core/sim/timeline';

const ALL_FAULTS = [...FAULT_KINDS];

function failures(reports: ReturnType<typeof runReplication>[]): string[] {
  return reports.filter((r) => !r.ok).map((r) => `${r.verdicts.map((v) => v.summary).join(' / ')}\n  replay: ${r.replay}`);
}

/** Re-derives a stale read from the raw history: the write was acknowledged before the read began, and the read saw an older value. */
function confirmInHistory(ops: readonly SimHistoryOp[], s: StaleRead): void {
  const writeOk = ops.find((o) => o.type === 'ok' && o.f === 'write' && o.key === s.key && o.value === s.write.value);
  expect(writeOk, 'the acknowledged write is in the history').toBeDefined();
  const readInvoke = ops.find((o) => o.type === 'invoke' && o.f === 'read' && o.key === s.key && o.time === s.read.invokedAtNs && o.process === s.read.process);
  expect(readInvoke, 'the read is in the history').toBeDefined();
  expect((writeOk as SimHistoryOp).time).toBeLessThan((readInvoke as SimHistoryOp).time);
  expect(s.read.value).not.toEqual(s.write.value);
  if (s.older !== null) {
    const olderOk = ops.find((o) => o.type === 'ok' && o.f === 'write' && o.key === s.key && o.value === s.older?.value);
    const writeInvoke = ops.filter((o) => o.type === 'invoke' && o.f === 'write' && o.key === s.key && o.value === s.write.value)[0];
    expect((olderOk as SimHistoryOp).time).toBeLessThan((writeInvoke as SimHistoryOp).time);
  } else {
    expect(s.read.value).toBeNull();
  }
}

describe('replication in the simulator', () => {
  it('quorum mode stays linearizable over 400 random fault schedules with every fault on', () => {
    const reports = [];
    for (let seed = 1; seed <= 400; seed++) {
      reports.push(runReplication({ seed, faults: ALL_FAULTS, ops: 100, mode: 'quorum', keepHistory: false }));
    }
    expect(failures(reports)).toEqual([]);
    // The faults really happened and really cost something: the runs were not trivially calm.
    expect(reports.reduce((n, r) => n + r.faults.length, 0)).toBeGreaterThan(400);
    expect(reports.reduce((n, r) => n + r.opCounts.info + r.opCounts.fail, 0)).toBeGreaterThan(0);
    expect(reports.reduce((n, r) => n + r.opCounts.ok, 0)).toBeGreaterThan(400 * 50);
  }, 60_000);

  it('quorum mode stays linearizable through 100 failover schedules (crashes, isolations, splits of a key\'s replicas)', () => {
    const reports = [];
    for (let seed = 1; seed <= 100; seed++) {
      reports.push(runReplication({ seed, faults: [], scenario: 'failover', ops: 150, mode: 'quorum', keepHistory: false }));
    }
    expect(failures(reports)).toEqual([]);
  }, 60_000);

  it('async mode is caught losing acknowledged writes when the primary fails over', () => {
    let caught = 0;
    let withDirectEvidence = 0;
    for (let seed = 1; seed <= 10; seed++) {
      const r = runReplication({ seed, faults: [], scenario: 'failover', ops: 200, mode: 'async' });
      if (r.ok) continue;
      caught++;
      expect(r.verdicts.find((v) => v.model === 'register')?.valid).toBe(false);
      const lost = r.verdicts.find((v) => v.model === 'lost acknowledged write');
      if (lost) {
        const evidence = lost.evidence as StaleRead[];
        expect(evidence.length).toBeGreaterThan(0);
        confirmInHistory(r.history ?? [], evidence[0] as StaleRead);
        withDirectEvidence++;
      }
    }
    expect(caught).toBeGreaterThanOrEqual(5);
    expect(withDirectEvidence).toBeGreaterThan(0);
  }, 60_000);

  it('sloppy mode (R=2, W=2, N=3: R+W>N) is caught serving stale reads across a split', () => {
    let caught = 0;
    let withDirectEvidence = 0;
    for (let seed = 1; seed <= 10; seed++) {
      const r = runReplication({ seed, faults: [], scenario: 'failover', ops: 200, mode: 'sloppy', readQuorum: 2, writeQuorum: 2 });
      if (r.ok) continue;
      caught++;
      expect(r.verdicts.find((v) => v.model === 'register')?.valid).toBe(false);
      const stale = findStaleReads(r.history ?? []);
      if (stale.length > 0) {
        withDirectEvidence++;
        confirmInHistory(r.history ?? [], stale[0] as StaleRead);
      }
    }
    expect(caught).toBeGreaterThanOrEqual(5);
    expect(withDirectEvidence).toBeGreaterThan(0);
  }, 60_000);

  it('a seed replays the same history byte for byte', () => {
    const a = runReplication({ seed: 7, faults: ALL_FAULTS, ops: 80, mode: 'quorum' });
    const b = runReplication({ seed: 7, faults: ALL_FAULTS, ops: 80, mode: 'quorum' });
    expect(JSON.stringify(a.history)).toBe(JSON.stringify(b.history));
    expect(a.replay).toContain('--mode quorum');
  });

  it('the stale-read finder accepts a history where every read sees the latest acknowledged write', () => {
    const h: SimHistoryOp[] = [
      { index: 0, process: 0, type: 'invoke', f: 'write', key: 'k', value: 1, time: 1 },
      { index: 1, process: 0, type: 'ok', f: 'write', key: 'k', value: 1, time: 2 },
      { index: 2, process: 1, type: 'invoke', f: 'read', key: 'k', value: null, time: 3 },
      { index: 3, process: 1, type: 'ok', f: 'read', key: 'k', value: 1, time: 4 },
    ];
    expect(findStaleReads(h)).toEqual([]);
    const stale = [...h.slice(0, 3), { ...(h[3] as SimHistoryOp), value: null }];
    expect(findStaleReads(stale)).toHaveLength(1);
  });
});
