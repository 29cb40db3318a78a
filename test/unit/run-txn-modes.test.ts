/**
 * `faultline run --workload txn --mode ...`: the mode is read per workload (txn modes for
 * txn, KV modes otherwise), a comma list runs modes side by side, and the comparison
 * table and exit code of such a run.
 */
import { describe, expect, it } from 'vitest';
import { parseRunArgs } from '../../core/cli/commands/run';
import { formatModeComparison, worstExitCode } from '../../core/supervisor/workload/mode-comparison';
import type { RunResult } from '../../core/supervisor/workload/run-workload';
import { TXN_MODES } from '../../core/protocol/modes';
import { DEFAULT_TXN_BACKOFF, backoffMs } from '../../core/supervisor/workload/txn';

function parsed(args: string[]): Exclude<ReturnType<typeof parseRunArgs>, string> {
  const p = parseRunArgs(args);
  if (typeof p === 'string') throw new Error(p);
  return p;
}

describe('run --mode per workload', () => {
  it('txn takes a txn mode, classic by default, and its nodes keep the quorum KV mode', () => {
    expect(parsed(['--workload', 'txn'])).toMatchObject({ txnModes: ['classic'], mode: 'quorum' });
    expect(parsed(['--workload', 'txn', '--mode', 'paxos'])).toMatchObject({ txnModes: ['paxos'], mode: 'quorum' });
    expect(parsed(['--workload', 'txn', '--mode', 'classic,paxos'])).toMatchObject({ txnModes: ['classic', 'paxos'] });
  });

  it('register and lock keep the KV modes', () => {
    expect(parsed(['--workload', 'register'])).toMatchObject({ mode: 'quorum', txnModes: [] });
    expect(parsed(['--workload', 'lock', '--mode', 'paxos'])).toMatchObject({ mode: 'paxos' });
  });

  it('an unknown or repeated mode is refused with the list', () => {
    expect(parseRunArgs(['--workload', 'txn', '--mode', 'quorum'])).toBe(`--mode with --workload txn must be one of ${TXN_MODES.join(', ')} (or a comma list of them), got "quorum"`);
    expect(parseRunArgs(['--workload', 'txn', '--mode', 'paxos,paxos'])).toBe('--mode lists paxos twice');
    expect(parseRunArgs(['--workload', 'register', '--mode', 'classic'])).toMatch(/^--mode must be one of paxos, quorum/);
  });
});

describe('the mode comparison', () => {
  const result = (valid: boolean, byKind: Record<string, number>): RunResult =>
    ({
      seed: 7,
      verdict: { valid, model: 'txn', summary: '' },
      counts: { invoked: 10, ok: 5, fail: 5, info: 0 },
      availability: {
        baseline: { ops: 10, ok: 5, fail: 5, info: 0, availability: 0.5 },
        byKind: Object.fromEntries(Object.entries(byKind).map(([k, a]) => [k, { ops: 4, ok: 0, fail: 0, info: 0, availability: a }])),
      },
    }) as unknown as RunResult;

  it('puts one row per mode with its tallies, success per fault kind and verdict', () => {
    const table = formatModeComparison([
      { mode: 'classic', code: 0, interrupted: false, result: result(true, { kill: 0.25 }), txn: { committed: 5, abortedByConflict: 3, abortedOther: 1, unavailable: 1 } },
      { mode: 'paxos', code: 1, interrupted: false, result: result(false, { kill: 1 }), txn: { committed: 9, abortedByConflict: 1, abortedOther: 0, unavailable: 0 } },
    ]);
    const lines = table.split('\n');
    expect(lines[0]).toContain('seed 7');
    expect(lines[1]).toMatch(/^mode\s+committed\s+conflict aborts\s+other aborts\s+unavailable\s+success no-fault\s+success kill\s+verdict$/);
    expect(lines[3]).toMatch(/^classic\s+5\s+3\s+1\s+1\s+50\.0%\s+25\.0% of 4\s+VALID \(txn\)$/);
    expect(lines[4]).toMatch(/^paxos\s+9\s+1\s+0\s+0\s+50\.0%\s+100\.0% of 4\s+INVALID \(txn\)$/);
  });

  it('exits with the most serious code: a violation over unknown over success', () => {
    expect(worstExitCode([0, 0])).toBe(0);
    expect(worstExitCode([0, 3])).toBe(3);
    expect(worstExitCode([3, 1, 0])).toBe(1);
    expect(worstExitCode([4, 0])).toBe(4);
  });
});

describe('lock policy and back-off options', () => {
  it('--lock-policy goes with the txn workload; back-off is on by default unless no-wait', () => {
    expect(parsed(['--workload', 'txn'])).toMatchObject({ lockPolicy: 'no-wait' });
    expect(parsed(['--workload', 'txn']).backoff).toBeUndefined();
    expect(parsed(['--workload', 'txn', '--lock-policy', 'wait-die'])).toMatchObject({ lockPolicy: 'wait-die', backoff: DEFAULT_TXN_BACKOFF });
    expect(parsed(['--workload', 'txn', '--lock-policy', 'wound-wait', '--backoff', 'off']).backoff).toBeUndefined();
    expect(parsed(['--workload', 'txn', '--backoff', 'on'])).toMatchObject({ lockPolicy: 'no-wait', backoff: DEFAULT_TXN_BACKOFF });
    expect(parseRunArgs(['--workload', 'txn', '--lock-policy', 'wait'])).toBe('--lock-policy must be one of no-wait, wait-die, wound-wait, got "wait"');
    expect(parseRunArgs(['--workload', 'register', '--lock-policy', 'wait-die'])).toBe('--lock-policy and --backoff only apply to --workload txn');
  });

  it('--lock-policy is refused for sharded alone (its shards lock at prepare), kept for a comparison that has other modes', () => {
    expect(parseRunArgs(['--workload', 'txn', '--mode', 'sharded', '--lock-policy', 'wound-wait'])).toMatch(/^--lock-policy wound-wait does not apply to --mode sharded: its shards lock at prepare/);
    expect(parsed(['--workload', 'txn', '--mode', 'sharded'])).toMatchObject({ lockPolicy: 'no-wait', txnModes: ['sharded'] });
    expect(parsed(['--workload', 'txn', '--mode', 'classic,sharded', '--lock-policy', 'wait-die'])).toMatchObject({ lockPolicy: 'wait-die', txnModes: ['classic', 'sharded'] });
  });

  it('back-off is full jitter under a doubling ceiling, capped', () => {
    const b = { baseMs: 10, capMs: 500 };
    expect(backoffMs(b, 0, () => 0.999)).toBe(9);
    expect(backoffMs(b, 3, () => 0.5)).toBe(40);
    expect(backoffMs(b, 20, () => 0.999)).toBe(499);
    expect(backoffMs(b, 5, () => 0)).toBe(0);
  });
});
