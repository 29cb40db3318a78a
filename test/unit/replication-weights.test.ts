/**
 * The ring replicas place keys by node weight (issue 13): a weight-w node gets w times the
 * virtual nodes, so about w times the keys, every node computes the same placement, a
 * reweight moves keys and survives a restart, and a bad weight changes nothing.
 */
import { describe, expect, it } from 'vitest';
import type { NodeId } from '../../core/algorithms/common/types';
import { ReplicationNode, restoreReplicationNode, type ReplRecord, type ReplicationConfig } from '../../core/algorithms/replication';

const IDS: NodeId[] = ['n1', 'n2', 'n3', 'n4', 'n5'];
const KEYS = Array.from({ length: 4000 }, (_, i) => `k${i}`);

function node(id: NodeId, extra: Partial<ReplicationConfig> = {}): ReplicationNode {
  return new ReplicationNode({ id, members: IDS, mode: 'quorum', replicationFactor: 1, ...extra });
}

function ownerShares(n: ReplicationNode): Record<NodeId, number> {
  const counts: Record<NodeId, number> = {};
  for (const k of KEYS) {
    const owner = n.replicasOf(k)[0] as NodeId;
    counts[owner] = (counts[owner] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(counts).map(([id, c]) => [id, c / KEYS.length]));
}

describe('ring replicas by weight', () => {
  it('a weight-2 node owns about twice the keys of a weight-1 node, and every node agrees on every key', () => {
    const weights = { n2: 2 };
    const nodes = IDS.map((id) => node(id, { weights }));
    const shares = ownerShares(nodes[0] as ReplicationNode);
    // Expected: n2 2/6 = 0.333, the others 1/6 = 0.167 each (vnodes still vary a little).
    expect(shares.n2).toBeGreaterThan(0.28);
    expect(shares.n2).toBeLessThan(0.39);
    for (const id of ['n1', 'n3', 'n4', 'n5']) {
      expect(shares[id]).toBeGreaterThan(0.12);
      expect(shares[id]).toBeLessThan(0.21);
    }
    const unweighted = ownerShares(node('n1'));
    expect(shares.n2).toBeGreaterThan((unweighted.n2 as number) * 1.5);
    for (const k of KEYS) {
      const first = (nodes[0] as ReplicationNode).replicasOf(k);
      for (const n of nodes) expect(n.replicasOf(k)).toEqual(first);
    }
  });

  it('a reweight through a membership request moves keys onto the heavier node only, durably', () => {
    const disk: ReplRecord[] = [];
    const n1 = node('n1');
    const before = new Map(KEYS.map((k) => [k, n1.replicasOf(k)[0]]));
    const ready = n1.step({ kind: 'request', nowMs: 0, request: { kind: 'membership', id: 'm1', members: IDS, weights: { n3: 3 } } });
    disk.push(...ready.persist);
    expect(ready.replies).toEqual([{ id: 'm1', ok: true }]);
    expect(n1.weights()).toEqual({ n3: 3 });
    const moved = KEYS.filter((k) => n1.replicasOf(k)[0] !== before.get(k));
    expect(moved.length).toBeGreaterThan(KEYS.length * 0.2);
    // Raising one node's weight only adds its virtual nodes: every moved key moves onto it.
    for (const k of moved) expect(n1.replicasOf(k)[0]).toBe('n3');
    expect(disk).toContainEqual({ type: 'members', members: IDS, weights: { n3: 3 } });
    const restarted = restoreReplicationNode({ id: 'n1', members: IDS, mode: 'quorum', replicationFactor: 1 }, disk);
    expect(restarted.weights()).toEqual({ n3: 3 });
    for (const k of KEYS) expect(restarted.replicasOf(k)).toEqual(n1.replicasOf(k));
    // Back to weight 1 everywhere: the record says so, and placement is the unweighted one again.
    const back = n1.step({ kind: 'request', nowMs: 0, request: { kind: 'membership', id: 'm2', members: IDS } });
    expect(back.persist).toContainEqual({ type: 'members', members: IDS });
    for (const k of KEYS) expect(n1.replicasOf(k)[0]).toBe(before.get(k));
  });

  it('refuses a weight that is not a positive finite number and changes nothing', () => {
    const n1 = node('n1', { weights: { n2: 2 } });
    const before = KEYS.map((k) => n1.replicasOf(k));
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      const ready = n1.step({ kind: 'request', nowMs: 0, request: { kind: 'membership', id: 'bad', members: IDS, weights: { n4: bad } } });
      expect(ready.persist).toEqual([]);
      expect(ready.replies[0]).toMatchObject({ id: 'bad', ok: false, outcome: 'fail', code: 'BAD_REQUEST' });
      expect((ready.replies[0] as { message: string }).message).toMatch(/weight of "n4" must be a positive finite number/);
    }
    expect(n1.weights()).toEqual({ n2: 2 });
    expect(KEYS.map((k) => n1.replicasOf(k))).toEqual(before);
    expect(() => node('n1', { weights: { n2: 0 } })).toThrow(/weight of "n2"/);
  });
});
