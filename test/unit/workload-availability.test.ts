import { describe, expect, it } from 'vitest';
import type { HistoryOp } from '../../core/check/history';
import { computeAvailability, faultWindows, type FaultWindow } from '../../core/supervisor/workload/availability';

/** Builds a history from [process, invokeMs, completeMs, type] rows, in real-time order. */
function history(rows: readonly [number, number, number | undefined, 'ok' | 'fail' | 'info'][]): HistoryOp[] {
  const events: { ms: number; op: Omit<HistoryOp, 'index'> }[] = [];
  for (const [process, invokeMs, completeMs, type] of rows) {
    events.push({ ms: invokeMs, op: { process, type: 'invoke', f: 'read', key: 'k', value: null, time: invokeMs * 1e6 } });
    if (completeMs !== undefined) events.push({ ms: completeMs, op: { process, type, f: 'read', key: 'k', value: null, time: completeMs * 1e6 } });
  }
  return events.sort((a, b) => a.ms - b.ms).map((e, index) => ({ ...e.op, index }) as HistoryOp);
}

describe('computeAvailability', () => {
  // A kill from 1000 to 2000 ms: one op times out across it, nothing succeeds until 2300.
  const ops = history([
    [0, 100, 110, 'ok'],
    [1, 500, 520, 'ok'],
    [0, 900, 950, 'ok'],
    [1, 1050, 1550, 'info'], // timed out during the fault
    [0, 1100, 1200, 'fail'],
    [2, 1600, 2300, 'ok'], // invoked during the fault, succeeds after the heal
    [0, 2100, 2400, 'ok'],
    [1, 2500, 2510, 'ok'],
  ]);
  const windows: FaultWindow[] = [{ id: 0, kind: 'kill', text: 'kill -9 n1', startMs: 1000, healMs: 2000 }];
  const report = computeAvailability(ops, windows, 3000);

  it('splits availability into the no-fault baseline and each fault kind by invoke time', () => {
    expect(report.overall).toMatchObject({ ops: 8, ok: 6, fail: 1, info: 1 });
    expect(report.baseline).toMatchObject({ ops: 5, ok: 5, availability: 1 });
    expect(report.byKind.kill).toMatchObject({ ops: 3, ok: 1, fail: 1, info: 1 });
    expect(report.byKind.kill!.availability).toBeCloseTo(1 / 3);
  });

  it('measures recovery from the fault and from the heal to the first later success', () => {
    const [r] = report.recoveries;
    expect(r).toMatchObject({ id: 0, kind: 'kill', fromFaultMs: 1300, fromHealMs: 400 });
    // ok completions at 950, then 2300: the outage inside [1000, 2400] is 1000 -> 2300.
    expect(r!.longestOutageMs).toBe(1300);
  });

  it('says never (null) when nothing succeeded after the fault, and counts unanswered operations as not ok', () => {
    const dead = history([
      [0, 100, 110, 'ok'],
      [0, 1200, undefined, 'info'],
    ]);
    const rep = computeAvailability(dead, [{ id: 3, kind: 'partition', text: 'partition halves', startMs: 1000, healMs: undefined }], 5000);
    expect(rep.recoveries[0]).toMatchObject({ fromFaultMs: null, fromHealMs: null, longestOutageMs: 4000 });
    expect(rep.byKind.partition).toMatchObject({ ops: 1, ok: 0, info: 1, availability: 0 });
  });

  it('reports a masked fault as an immediate recovery with no outage beyond normal latency', () => {
    const masked = history([
      [0, 1000, 1010, 'ok'],
      [1, 1005, 1020, 'ok'],
      [0, 1500, 1510, 'ok'],
      [0, 2000, 2010, 'ok'],
    ]);
    const rep = computeAvailability(masked, [{ id: 1, kind: 'pause', text: 'pause n2', startMs: 1000, healMs: 2000 }], 2100);
    expect(rep.recoveries[0]).toMatchObject({ fromFaultMs: 10, fromHealMs: 10 });
    expect(rep.recoveries[0]!.longestOutageMs).toBe(500);
    expect(rep.baseline.availability).toBe(1);
  });
});

describe('faultWindows', () => {
  it('pairs each fault with its own heal, or with the final heal-everything', () => {
    const w = faultWindows([
      { atMs: 1000, phase: 'fault', period: 0, kind: 'kill', text: 'kill -9 n1' },
      { atMs: 2000, phase: 'heal', period: 0, kind: 'kill', text: 'restart n1' },
      { atMs: 3000, phase: 'fault', period: 1, kind: 'pause', text: 'pause n2' },
      { atMs: 3100, phase: 'error', period: 1, kind: 'pause', text: 'heal failed' },
      { atMs: 4000, phase: 'heal', period: -1, kind: 'all', text: 'final heal' },
    ]);
    expect(w).toEqual([
      { id: 0, kind: 'kill', text: 'kill -9 n1', startMs: 1000, healMs: 2000 },
      { id: 1, kind: 'pause', text: 'pause n2', startMs: 3000, healMs: 4000 },
    ]);
  });
});
