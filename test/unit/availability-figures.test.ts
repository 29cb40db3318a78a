import { describe, expect, it } from 'vitest';
import type { HistoryOp } from '../../core/check/history';
import type { FaultWindow } from '../../core/supervisor/workload/availability';
import { computeFigures } from '../../core/supervisor/workload/figures';
import { outcomeClass } from '../../core/supervisor/workload/outcome';

type Row = readonly [process: number, invokeMs: number, completeMs: number | undefined, type: 'ok' | 'fail' | 'info', error?: string];

/** A history from rows, in real-time order (times in ms, stored in ns as the recorder does). */
function history(rows: readonly Row[]): HistoryOp[] {
  const events: { ms: number; op: Omit<HistoryOp, 'index'> }[] = [];
  for (const [process, invokeMs, completeMs, type, error] of rows) {
    events.push({ ms: invokeMs, op: { process, type: 'invoke', f: 'txn', value: null, time: invokeMs * 1e6 } });
    if (completeMs !== undefined) events.push({ ms: completeMs, op: { process, type, f: 'txn', value: null, time: completeMs * 1e6, ...(error ? { error } : {}) } });
  }
  return events.sort((a, b) => a.ms - b.ms).map((e, index) => ({ ...e.op, index }) as HistoryOp);
}

describe('outcomeClass', () => {
  it('keeps refusals by design apart from unavailability', () => {
    expect(outcomeClass('ok', undefined)).toBe('ok');
    expect(outcomeClass('fail', 'ABORTED')).toBe('refused');
    expect(outcomeClass('fail', 'ABORTED', 'conflict')).toBe('refused');
    expect(outcomeClass('fail', 'ABORTED', 'refused')).toBe('refused');
    // Aborted because part of the cluster did not answer: unavailability, not design.
    expect(outcomeClass('fail', 'ABORTED', 'failure')).toBe('unavailable');
    expect(outcomeClass('fail', 'STALE_FENCING_TOKEN', 'failure')).toBe('refused');
    expect(outcomeClass('fail', 'STALE_FENCING_TOKEN')).toBe('refused');
    expect(outcomeClass('fail', 'GAVE_UP_WAITING')).toBe('refused');
    expect(outcomeClass('info', 'TIMEOUT')).toBe('unavailable');
    expect(outcomeClass('info', 'UNAVAILABLE')).toBe('unavailable');
    expect(outcomeClass('info', 'cancel: TIMEOUT')).toBe('unavailable');
    expect(outcomeClass('info', 'INTERNAL')).toBe('unknown');
    expect(outcomeClass('info', 'renewed the grant of token 4 this client already held')).toBe('unknown');
    expect(outcomeClass(undefined, undefined)).toBe('unknown');
    // A fail certainly had no effect: the cluster answered, whatever the code.
    expect(outcomeClass('fail', undefined)).toBe('refused');
  });
});

describe('computeFigures', () => {
  it('counts conflict aborts as answers, not as an outage (no fault: 100% available)', () => {
    // The shape of `run --workload txn --nemesis kill --seed 77`'s baseline: many aborts, no fault.
    const rows: Row[] = [];
    for (let i = 0; i < 20; i++) rows.push([i % 4, i * 100, i * 100 + 20, i % 5 === 0 ? 'fail' : 'ok', i % 5 === 0 ? 'ABORTED' : undefined]);
    const f = computeFigures({ history: history(rows), windows: [], endMs: 2_000 });
    expect(f.requests).toMatchObject({ ops: 20, ok: 16, refused: 4, unavailable: 0, unknown: 0, availability: 1, okShare: 0.8, refusedCodes: { ABORTED: 4 } });
    expect(f.time).toMatchObject({ active: 2, answered: 2, availability: 1 });
    expect(f).toMatchObject({ faults: 0, faultsPerHour: 0, mttdMs: null, mttrMs: null });
  });

  // A kill of n1 from 1000 to 3000 ms (healed by a restart at 3000). Requests time out
  // from 1200 on; the detector suspects n1 at 1400; the first ok after the heal completes at 3250.
  const kill: FaultWindow = { id: 0, kind: 'kill', text: 'kill -9 n1', startMs: 1_000, healMs: 3_000, nodes: ['n1'] };
  const rows: Row[] = [
    [0, 100, 120, 'ok'],
    [1, 500, 530, 'ok'],
    [2, 900, 950, 'fail', 'ABORTED'],
    [0, 1_050, 1_080, 'ok'], // a request served by another node during the fault
    [1, 1_100, 1_600, 'info', 'TIMEOUT'],
    [2, 1_150, 1_650, 'info', 'TIMEOUT'],
    [0, 1_700, 2_200, 'info', 'UNAVAILABLE'],
    [1, 2_300, undefined, 'info'], // never answered
    [2, 3_100, 3_250, 'ok'],
    [0, 3_300, 3_310, 'ok'],
  ];
  const signals = [{ atMs: 1_400, kind: 'suspicion' as const, node: 'n1' }];

  it('measures time to detect as the first sign the cluster noticed, and recovery from the heal', () => {
    const f = computeFigures({ history: history(rows), windows: [kill], signals, endMs: 4_000 });
    const [w] = f.windows;
    // The first request that failed completed at 1600, the suspicion came at 1400.
    expect(w).toMatchObject({ detectMs: 400, detectedBy: 'suspicion', recoverMs: 250, repairMs: 3_000 });
    // ok completions: 1080, then 3250: the outage inside [1000, 3250].
    expect(w!.longestOutageMs).toBe(2_170);
    expect(f).toMatchObject({ faults: 1, mttdMs: 400, detected: 1, mttrMs: 250, recovered: 1 });
    expect(f.faultsPerHour).toBe(900);
  });

  it('uses the first failed request when no detector or leader signal came first', () => {
    const f = computeFigures({ history: history(rows), windows: [kill], endMs: 4_000 });
    expect(f.windows[0]).toMatchObject({ detectMs: 600, detectedBy: 'request-failed' });
  });

  it('ignores signals outside the window (before the fault, after its heal)', () => {
    const f = computeFigures({ history: history(rows.filter((r) => r[4] === undefined || r[4] === 'ABORTED')), windows: [kill], signals: [{ atMs: 900, kind: 'leader-change' }, { atMs: 3_000, kind: 'suspicion' }], endMs: 4_000 });
    expect(f.windows[0]).toMatchObject({ detectMs: null, detectedBy: null });
    expect(f.mttdMs).toBeNull();
  });

  it('splits requests and time buckets between the fault window and the baseline', () => {
    const f = computeFigures({ history: history(rows), windows: [kill], signals, endMs: 4_000 });
    const [w] = f.windows;
    // Invoked in [1000, 3000): 1050 ok, 1100 and 1150 timeouts, 1700 unavailable, 2300 unanswered.
    expect(w!.requests).toMatchObject({ ops: 5, ok: 1, refused: 0, unavailable: 3, unknown: 1 });
    expect(w!.requests.availability).toBeCloseTo(1 / 5);
    // Buckets 1000 and 2000 start inside it: both active; only 1000 had an answer (1080).
    expect(w!.time).toMatchObject({ active: 2, answered: 1, availability: 0.5 });
    // Baseline: buckets 0 and 3000 (the unanswered request keeps 3000 active too): both answered.
    expect(f.baseline.time).toMatchObject({ active: 2, answered: 2, availability: 1 });
    expect(f.baseline.requests).toMatchObject({ ops: 5, ok: 4, refused: 1, availability: 1 });
    expect(f.requests.ops).toBe(10);
    expect(f.time).toMatchObject({ active: 4, answered: 3 });
  });

  it('counts an idle stretch as neither available nor unavailable', () => {
    const f = computeFigures({ history: history([[0, 100, 120, 'ok'], [0, 5_100, 5_120, 'ok']]), windows: [], endMs: 6_000 });
    expect(f.time).toMatchObject({ active: 2, answered: 2, availability: 1 });
  });

  it('starts recovery at a self-heal restart that came before the heal, and lists the restart', () => {
    const restarts = [{ node: 'n1', crashAtMs: 1_000, restartAtMs: 2_000, upAtMs: 2_400 }];
    const healed: Row[] = [...rows.slice(0, 6), [0, 2_050, 2_500, 'ok'], [1, 2_600, 2_620, 'ok']];
    const f = computeFigures({ history: history(healed), windows: [kill], signals, restarts, endMs: 4_000 });
    expect(f.windows[0]).toMatchObject({ repairMs: 2_000, recoverMs: 500 });
    expect(f.selfHealRestarts).toEqual([{ node: 'n1', atMs: 2_400, downMs: 1_400 }]);
  });

  it('does not take a restart of another node, or of only one of two crashed nodes, as the repair', () => {
    const two: FaultWindow = { ...kill, nodes: ['n1', 'n2'] };
    const restarts = [{ node: 'n1', crashAtMs: 1_000, restartAtMs: 2_000, upAtMs: 2_400 }];
    const f = computeFigures({ history: history(rows), windows: [two], signals, restarts, endMs: 4_000 });
    expect(f.windows[0]).toMatchObject({ repairMs: 3_000, recoverMs: 250 });
  });

  it('says never (null) for a fault neither healed nor recovered, and leaves skipped faults out', () => {
    const open: FaultWindow = { id: 1, kind: 'partition', text: 'partition halves', startMs: 1_000, healMs: undefined, nodes: ['n1'] };
    const skipped: FaultWindow = { id: 2, kind: 'kill', text: 'kill (skipped)', startMs: 500, healMs: 900, nodes: [] };
    const f = computeFigures({ history: history([[0, 100, 110, 'ok'], [0, 1_200, undefined, 'info']]), windows: [skipped, open], endMs: 5_000 });
    expect(f.faults).toBe(1);
    expect(f.windows).toHaveLength(1);
    expect(f.windows[0]).toMatchObject({ recoverMs: null, longestOutageMs: 4_000 });
    expect(f.recovered).toBe(0);
  });

  it('averages detection and recovery over the faults that have one', () => {
    const a: FaultWindow = { id: 0, kind: 'pause', text: 'pause n2', startMs: 1_000, healMs: 2_000, nodes: ['n2'] };
    const b: FaultWindow = { id: 1, kind: 'pause', text: 'pause n3', startMs: 3_000, healMs: 4_000, nodes: ['n3'] };
    const ops: Row[] = [
      [0, 1_000, 1_500, 'info', 'TIMEOUT'], // detects a at 500
      [0, 2_000, 2_100, 'ok'], // a recovers in 100
      [0, 3_000, 3_010, 'ok'], // b masked
      [0, 4_100, 4_400, 'ok'], // b recovers in 400 (invoked after its heal)
    ];
    const f = computeFigures({ history: history(ops), windows: [a, b], signals: [{ atMs: 3_200, kind: 'leader-change' }], endMs: 5_000 });
    expect(f.windows.map((w) => w.detectMs)).toEqual([500, 200]);
    expect(f.windows.map((w) => w.recoverMs)).toEqual([100, 400]);
    expect(f).toMatchObject({ mttdMs: 350, mttrMs: 250, detected: 2, recovered: 2 });
  });
});
