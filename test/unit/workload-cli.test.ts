import { describe, expect, it } from 'vitest';
import { parseRunArgs } from '../../core/cli/commands/run';
import { BALANCE_POLICIES, KV_MODES } from '../../core/protocol/modes';

describe('faultline run arguments', () => {
  it('fills the documented defaults', () => {
    const p = parseRunArgs(['--workload', 'register', '--seed', '3']);
    expect(p).toMatchObject({ workload: 'register', faults: [], timeS: 30, nodes: 5, clients: 8, rate: 200, mode: 'quorum', policy: 'random', fencing: true, gcPauseMs: 0, seed: 3 });
  });

  it('reads every option', () => {
    const p = parseRunArgs(['--workload', 'lock', '--nemesis', 'kill,pause', '--time', '15', '--nodes', '3', '--clients', '4', '--rate', '50',
      '--mode', 'paxos', '--policy', 'ring', '--no-fencing', '--gc-pause', '2500', '--gc-sigstop', '--ttl', '800', '--out', '/tmp/x', '--seed', '9']);
    expect(p).toMatchObject({ workload: 'lock', faults: ['kill', 'pause'], timeS: 15, nodes: 3, clients: 4, rate: 50, mode: 'paxos', policy: 'ring',
      fencing: false, gcPauseMs: 2500, gcSigstop: true, ttlMs: 800, out: '/tmp/x', seed: 9 });
  });

  it("passes the checker's --timeout and --max-memory on; none given leaves the workload's defaults", () => {
    expect(parseRunArgs(['--workload', 'register', '--timeout', '45', '--max-memory', '256'])).toMatchObject({
      checkBudget: { timeoutMs: 45_000, maxMemoryBytes: 256 * 2 ** 20 },
    });
    expect(parseRunArgs(['--workload', 'register'])).toMatchObject({ checkBudget: {} });
  });

  it('takes the txn consistency model to check; none given leaves the workload its default', () => {
    expect(parseRunArgs(['--workload', 'txn', '--consistency', 'snapshot-isolation'])).toMatchObject({ consistency: 'snapshot-isolation' });
    expect(parseRunArgs(['--workload', 'txn'])).not.toHaveProperty('consistency');
  });

  it.each([
    [['--workload', 'register', '--timeout', 'soon'], '--timeout must be a positive number of seconds'],
    [['--workload', 'register', '--max-memory', '0'], '--max-memory must be a number of megabytes'],
    [['--workload', 'queue'], 'register, lock, txn'],
    [[], '--workload is required'],
    [['--workload', 'register', '--nemesis', 'kill,meteor'], 'kill-leader'],
    [['--workload', 'register', '--mode', 'eventual'], KV_MODES.join(', ')],
    [['--workload', 'register', '--policy', 'nearest'], BALANCE_POLICIES.join(', ')],
    [['--workload', 'register', '--consistency', 'serializable'], 'only applies to --workload txn'],
    [['--workload', 'txn', '--consistency', 'linearizable'], 'strict-serializable'],
    [['--workload', 'register', '--nodes', '11'], 'from 3 to 9, got "11"'],
    [['--workload', 'register', '--no-fencing'], 'only apply to --workload lock'],
    [['--workload', 'lock', '--gc-sigstop'], 'needs --gc-pause'],
    [['--workload', 'register', '--bogus'], 'bogus'],
  ])('refuses %j with a message naming the valid values', (args, expected) => {
    const p = parseRunArgs(args);
    expect(typeof p).toBe('string');
    expect(p).toContain(expected);
  });
});
