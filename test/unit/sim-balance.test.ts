/**
 * Client balancing policies in the simulator (`faultline sim --mechanism replication
 * --policy P`, issue 13): every policy's sweep under all faults stays linearizable in
 * quorum mode, and the requests per node the report notes follow the policy: round robin
 * even within one, weighted n2=2 twice to n2, least-outstanding fewer to a node slowed
 * by --slow-node than round robin sends it; the same seed gives the same counts.
 */
import { describe, expect, it } from 'vitest';
import { ReplicationNode } from '../../core/algorithms/replication';
import { BALANCE_POLICIES, type BalancePolicy } from '../../core/protocol/modes';
import { runReplication, type ReplicationSimOptions } from '../../core/sim/mechanisms/replication';
import { FAULT_KINDS } from '../../core/sim/timeline';
import type { SimReport } from '../../core/sim/report';

const SEEDS = Array.from({ length: 10 }, (_, i) => i + 1);
const NODES = ['n1', 'n2', 'n3', 'n4', 'n5'];

function run(seed: number, extra: Partial<ReplicationSimOptions>): SimReport {
  return runReplication({ seed, faults: [...FAULT_KINDS], ops: 200, mode: 'quorum', ...extra });
}

/** The report's "requests per node" note as numbers by node. */
function requestsPerNode(report: SimReport): Record<string, number> {
  const note = (report.notes ?? []).find((n) => n.startsWith('requests per node'));
  expect(note, 'the report notes requests per node').toBeDefined();
  const counts: Record<string, number> = {};
  for (const m of (note as string).split('): ')[1]?.matchAll(/(n\d+) (\d+)/g) ?? []) counts[m[1] as string] = Number(m[2]);
  expect(Object.keys(counts)).toEqual(NODES);
  return counts;
}

describe('sim replication --policy', () => {
  it.each(BALANCE_POLICIES.map((p) => [p]))('%s: 10 seeds under all faults stay linearizable, every request counted once', (policy: BalancePolicy) => {
    for (const seed of SEEDS) {
      const report = run(seed, { policy, weights: 'n2=2' });
      expect(report.outcome, `seed ${seed}: ${report.replay}`).toBe('pass');
      const counts = requestsPerNode(report);
      // Every pool request goes to exactly one node (retries are new requests).
      expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(report.ops + report.opCounts.unfinished);
      expect(report.replay).toContain(`--policy ${policy} --weights n2=2`);
    }
  });

  it('round-robin sends every node the same number of requests, within one', () => {
    for (const seed of SEEDS.slice(0, 3)) {
      const counts = Object.values(requestsPerNode(run(seed, { policy: 'round-robin' })));
      expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
    }
  });

  it('weighted with n2=2 sends n2 twice what each other node gets, within one weight window', () => {
    for (const seed of SEEDS.slice(0, 3)) {
      const counts = requestsPerNode(run(seed, { policy: 'weighted', weights: 'n2=2' }));
      for (const n of NODES.filter((x) => x !== 'n2')) expect(Math.abs((counts.n2 as number) - 2 * (counts[n] as number))).toBeLessThanOrEqual(2);
    }
  });

  it('least-outstanding sends a slowed node fewer requests than any other node, and fewer than round robin does', () => {
    for (const seed of SEEDS) {
      const slowNode = 'n2=200';
      const least = requestsPerNode(run(seed, { policy: 'least-outstanding', slowNode }));
      const rr = requestsPerNode(run(seed, { policy: 'round-robin', slowNode }));
      for (const n of NODES.filter((x) => x !== 'n2')) expect(least.n2, `seed ${seed}`).toBeLessThan(least[n] as number);
      expect(least.n2 as number, `seed ${seed}`).toBeLessThan(rr.n2 as number);
    }
  });

  it('ring sends each key to its first replica on the weighted replicas\' ring, and nowhere else', () => {
    const replica = new ReplicationNode({ id: 'n1', members: NODES, mode: 'quorum', weights: { n2: 2 } });
    const owners = new Set(['k1', 'k2', 'k3'].map((k) => replica.replicasOf(k)[0]));
    for (const seed of SEEDS.slice(0, 3)) {
      const counts = requestsPerNode(run(seed, { policy: 'ring', weights: 'n2=2' }));
      expect(new Set(NODES.filter((n) => (counts[n] as number) > 0))).toEqual(owners);
    }
  });

  it('the same seed chooses the same nodes; bad flags are refused with the reason', () => {
    const a = run(4, { policy: 'least-outstanding' });
    const b = run(4, { policy: 'least-outstanding' });
    expect(requestsPerNode(a)).toEqual(requestsPerNode(b));
    expect(() => run(1, { policy: 'weighted', weights: 'n9=2' })).toThrow(/no node "n9"/);
    expect(() => run(1, { policy: 'round-robin', slowNode: 'n2' })).toThrow(/--slow-node takes id=ms/);
  });
});
