import { describe, expect, it } from 'vitest';
import { runTwoPc } from '../../core/sim/mechanisms/twopc';
import { commitsPerSecond, NODE_DOWN_AT_MS, NODE_DOWN_FOR_MS } from '../../core/sim/mechanisms/twopc-sharded';
import { blockedInCoordinatorCrashes, checkSchedules } from './twopc-schedules';

describe('2PC over Paxos-replicated shards (txn mode sharded) under random fault schedules', () => {
  it('is atomic and strictly serializable on 300 schedules', () => checkSchedules('sharded', 300), 240_000);

  it('does not block when coordinators crash mid-prepare: no shard is left in doubt', () => {
    expect(blockedInCoordinatorCrashes('sharded', 3)).toBe(0);
    // Sharded mode reports no 'blocked' events at all, so the real check is the end state:
    // every prepared transaction reached an outcome although its coordinator died.
    for (const seed of [1, 2, 3]) {
      const r = runTwoPc({ seed, faults: [], scenario: 'coordinator-crash', ops: 80, mode: 'sharded', keepHistory: false });
      const atomicity = r.verdicts.find((v) => v.model === 'txn-atomicity')!;
      expect(atomicity.valid).toBe(true);
      expect(atomicity.stats?.inDoubtAtEnd, r.replay).toBe(0);
      expect(r.opCounts.ok).toBeGreaterThan(0);
    }
  }, 120_000);
});

describe('one node of five down (scenario node-down)', () => {
  // Throughput in virtual time: the same seed gives the same numbers on any machine.
  const window = (mode: 'classic' | 'sharded', seed: number) => {
    const r = runTwoPc({ seed, faults: [], scenario: 'node-down', ops: 800, clients: 8, keys: 24, mode });
    expect(r.verdicts.filter((v) => v.valid !== true).map((v) => `${v.summary} -- ${r.replay}`)).toEqual([]);
    const h = r.history!;
    return { before: commitsPerSecond(h, 0, NODE_DOWN_AT_MS), during: commitsPerSecond(h, NODE_DOWN_AT_MS, NODE_DOWN_AT_MS + NODE_DOWN_FOR_MS) };
  };

  it('stops classic 2PC but not the sharded mode', () => {
    for (const seed of [1, 2, 3]) {
      const classic = window('classic', seed);
      const sharded = window('sharded', seed);
      // Classic: every transaction touching the dead node's keys stalls until it is back.
      expect(classic.during).toBeLessThan(classic.before / 10);
      // Sharded: each group lost at most one of three replicas; commits go on.
      expect(sharded.during).toBeGreaterThan(sharded.before / 4);
      expect(sharded.during).toBeGreaterThan(10 * Math.max(classic.during, 1));
    }
  }, 240_000);
});
