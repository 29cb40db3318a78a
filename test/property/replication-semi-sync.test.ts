/**
 * Semi-synchronous replication under simulated faults, both sides of its promise, judged
 * by "acknowledged write lost" (core/sim/mechanisms/semi-sync.ts):
 * - under every fault, no read misses a write acknowledged SYNCHRONOUSLY (a backup had it
 *   durably), apart from one overwritten by an older write a fallen-back primary
 *   acknowledged alone (counted apart: that is the fallback's doing);
 * - the `semi-sync-loss` scenario (backups away, the primary falls back and acknowledges
 *   alone, then dies) loses an acknowledged write on every seed, with evidence that holds
 *   up against the history itself.
 */
import { describe, expect, it } from 'vitest';
import type { SimHistoryOp } from '../../core/sim/history';
import { runReplication } from '../../core/sim/mechanisms/replication';
import { findLostWrites, LOST_WRITE_MODEL, type LostWrite } from '../../core/sim/mechanisms/semi-sync';
import { FAULT_KINDS } from '../../core/sim/timeline';

const ALL_FAULTS = [...FAULT_KINDS];

function stat(r: ReturnType<typeof runReplication>, name: string): number {
  return r.verdicts.find((v) => v.model === LOST_WRITE_MODEL)?.stats?.[name] ?? 0;
}

/** Re-derives a lost write from the raw history: acknowledged alone, then a later read saw an older version. */
function confirmInHistory(ops: readonly SimHistoryOp[], lost: LostWrite): void {
  const writeOk = ops.find((o) => o.type === 'ok' && o.f === 'write' && o.key === lost.key && o.value === lost.write.value);
  expect(writeOk, 'the acknowledged write is in the history').toBeDefined();
  expect((writeOk?.result as { alone?: boolean }).alone).toBe(true);
  const readInvoke = ops.find((o) => o.type === 'invoke' && o.f === 'read' && o.key === lost.key && o.time === lost.read.invokedAtNs && o.process === lost.read.process);
  expect(readInvoke, 'the read is in the history').toBeDefined();
  expect((writeOk as SimHistoryOp).time).toBeLessThan((readInvoke as SimHistoryOp).time);
  expect(lost.read.value).not.toEqual(lost.write.value);
}

describe('semi-sync replication in the simulator', () => {
  it('loses no synchronously acknowledged write over 300 random fault schedules with every fault on', () => {
    const reports = [];
    for (let seed = 1; seed <= 300; seed++) reports.push(runReplication({ seed, faults: ALL_FAULTS, ops: 150, mode: 'semi-sync', keepHistory: false }));
    const syncLost = reports.filter((r) => stat(r, 'syncLost') > 0).map((r) => `${r.verdicts[0]?.summary}\n  replay: ${r.replay}`);
    expect(syncLost).toEqual([]);
    // No run stopped on a broken invariant (the semi-sync primary's included).
    expect(reports.flatMap((r) => r.verdicts.filter((v) => v.model === 'invariant').map((v) => `${v.summary}\n  replay: ${r.replay}`))).toEqual([]);
    // Not vacuous: writes were acknowledged both ways, and faults cost operations.
    expect(reports.reduce((n, r) => n + stat(r, 'syncWrites'), 0)).toBeGreaterThan(300 * 40);
    expect(reports.reduce((n, r) => n + stat(r, 'aloneWrites'), 0)).toBeGreaterThan(0);
    expect(reports.reduce((n, r) => n + r.opCounts.info + r.opCounts.fail, 0)).toBeGreaterThan(0);
    expect(reports.reduce((n, r) => n + r.faults.length, 0)).toBeGreaterThan(300);
  }, 120_000);

  it('semi-sync-loss: the primary acknowledges alone after its backups went away, dies, and a write is lost on every seed', () => {
    for (let seed = 1; seed <= 25; seed++) {
      const r = runReplication({ seed, faults: [], ops: 200, scenario: 'semi-sync-loss' });
      expect(r.replay).toContain('--mode semi-sync');
      expect(r.verdicts.some((v) => v.model === 'invariant')).toBe(false);
      const verdict = r.verdicts.find((v) => v.model === LOST_WRITE_MODEL);
      expect(verdict?.valid, `seed ${seed}: ${verdict?.summary}`).toBe(false);
      expect(stat(r, 'aloneLost')).toBeGreaterThan(0);
      const lost = (verdict?.evidence as LostWrite[]).find((l) => l.write.alone) as LostWrite;
      confirmInHistory(r.history ?? [], lost);
      expect(r.faults.some((f) => f.detail.includes('semi-sync-loss: primary'))).toBe(true);
    }
  }, 60_000);

  it('the scenario fixes the mode', () => {
    expect(() => runReplication({ seed: 1, faults: [], ops: 10, scenario: 'semi-sync-loss', mode: 'quorum' })).toThrow(/semi-sync-loss runs --mode semi-sync/);
  });

  it('a seed replays the same history byte for byte', () => {
    const a = runReplication({ seed: 7, faults: ALL_FAULTS, ops: 80, mode: 'semi-sync' });
    const b = runReplication({ seed: 7, faults: ALL_FAULTS, ops: 80, mode: 'semi-sync' });
    expect(JSON.stringify(a.history)).toBe(JSON.stringify(b.history));
  });
});

describe('the acknowledged-write-lost judge', () => {
  const v = (counter: number, node = 'n1') => ({ counter, node });
  const op = (index: number, process: number, type: SimHistoryOp['type'], f: string, value: unknown, time: number, result?: unknown): SimHistoryOp => ({
    index,
    process,
    type,
    f,
    key: 'k',
    value,
    time,
    ...(result !== undefined ? { result } : {}),
  });

  it('accepts reads that return the acknowledged version or a newer one', () => {
    const h = [
      op(0, 0, 'invoke', 'write', 1, 1),
      op(1, 0, 'ok', 'write', 1, 2, { version: v(1) }),
      op(2, 1, 'invoke', 'read', null, 3),
      op(3, 1, 'ok', 'read', 1, 4, { version: v(1) }),
      op(4, 1, 'invoke', 'read', null, 5),
      op(5, 1, 'ok', 'read', 2, 6, { version: v(2, 'n2') }),
    ];
    expect(findLostWrites(h)).toMatchObject({ syncLost: 0, aloneLost: 0, syncOverwrittenByAlone: 0, readsChecked: 2 });
  });

  it('flags a read below a write acknowledged before it began, and says how the write was acknowledged', () => {
    for (const alone of [false, true]) {
      const h = [
        op(0, 0, 'invoke', 'write', 1, 1),
        op(1, 0, 'ok', 'write', 1, 2, { version: v(1) }),
        op(2, 0, 'invoke', 'write', 2, 3),
        op(3, 0, 'ok', 'write', 2, 4, alone ? { version: v(2), alone: true } : { version: v(2) }),
        op(4, 1, 'invoke', 'read', null, 5),
        op(5, 1, 'ok', 'read', 1, 6, { version: v(1) }),
      ];
      const found = findLostWrites(h);
      expect(found).toMatchObject({ syncLost: alone ? 0 : 1, aloneLost: alone ? 1 : 0 });
      expect(found.examples[0]).toMatchObject({ write: { value: 2, version: '2@n1', alone }, read: { value: 1, version: '1@n1' } });
    }
  });

  it('a read concurrent with the write may miss it', () => {
    const h = [
      op(0, 0, 'invoke', 'write', 1, 1),
      op(1, 1, 'invoke', 'read', null, 2),
      op(2, 0, 'ok', 'write', 1, 3, { version: v(1) }),
      op(3, 1, 'ok', 'read', null, 4, { version: null }),
    ];
    expect(findLostWrites(h).syncLost).toBe(0);
  });

  it('tells a synchronous write overwritten by an older write acknowledged alone with a higher version', () => {
    const h = [
      op(0, 0, 'invoke', 'write', 1, 1),
      op(1, 0, 'ok', 'write', 1, 2, { version: v(5, 'n3'), alone: true }),
      op(2, 1, 'invoke', 'write', 2, 3),
      op(3, 1, 'ok', 'write', 2, 4, { version: v(4, 'n1') }),
      op(4, 2, 'invoke', 'read', null, 5),
      op(5, 2, 'ok', 'read', 1, 6, { version: v(5, 'n3') }),
    ];
    expect(findLostWrites(h)).toMatchObject({ syncLost: 0, aloneLost: 0, syncOverwrittenByAlone: 1 });
  });
});
