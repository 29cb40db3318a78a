import { describe, expect, it } from 'vitest';
import { DecisionService } from '../../core/algorithms/twopc';
import { msgType, PaxosTwoPcCluster } from './twopc-harness';

/** Lets the decision log elect a leader before the scenario starts. */
function electedCluster(): PaxosTwoPcCluster {
  const c = new PaxosTwoPcCluster();
  c.advance(1_500);
  expect([...c.nodes.values()].filter((n) => n.status().paxos.role === 'leader')).toHaveLength(1);
  return c;
}

describe('DecisionService: the first decision for a transaction wins', () => {
  it('answers every later proposal with the first decision', () => {
    const s = new DecisionService();
    expect(s.apply({ txn: 't1', outcome: 'abort' }, 1)).toEqual({ txn: 't1', outcome: 'abort', decidedNow: true });
    expect(s.apply({ txn: 't1', outcome: 'commit' }, 2)).toEqual({ txn: 't1', outcome: 'abort', decidedNow: false });
    expect(s.apply({ txn: 't2', outcome: 'commit' }, 3)).toMatchObject({ outcome: 'commit', decidedNow: true });
    expect(s.decision('t1')).toBe('abort');
    expect(s.decision('t3')).toBeUndefined();
  });
});

describe('two-phase commit with decisions in a Paxos log', () => {
  it('commits through the log and every node learns the decision', () => {
    const c = electedCluster();
    c.submit('n1', 't1', [['append', 'b', 1], ['append', 'c', 2], ['r', 'c', null]]);
    c.advance(500);
    expect(c.reply('t1')).toEqual({ id: 't1', ok: true, ops: [['append', 'b', 1], ['append', 'c', 2], ['r', 'c', [2]]] });
    expect(c.outcomes('t1')).toEqual({ n2: 'commit', n3: 'commit' });
    for (const n of c.nodes.values()) expect(n.decision('t1')).toBe('commit');
    expect(c.node('n3').twopc.data('c')).toEqual([2]);
  });

  it('THE blocking scenario does not block: a coordinator crash after the yes votes ends in abort via the log', () => {
    const c = electedCluster();
    const leader = [...c.nodes.values()].find((n) => n.status().paxos.role === 'leader')!.id;
    // Coordinate on a node that is not the log's leader, so its crash leaves the log a majority.
    const coordinator = leader === 'n1' ? 'n2' : 'n1';
    const keys = coordinator === 'n1' ? ['b', 'c'] : ['a', 'c'];
    c.submit(coordinator, 't1', [['append', keys[0]!, 1], ['append', keys[1]!, 1]]);
    c.deliver((m) => (msgType(m) === 'vote' ? 'hold' : 'deliver'));
    c.crash(coordinator);
    c.advance(1_500);
    const participants = ['n1', 'n2', 'n3'].filter((n) => n !== coordinator);
    expect(c.outcomes('t1')).toEqual(Object.fromEntries(participants.map((n) => [n, 'abort'])));
    for (const n of participants) {
      expect(c.node(n).status().locks).toEqual({});
      expect(c.node(n).decision('t1')).toBe('abort');
    }
    expect(c.events.some((e) => e.kind === 'blocked')).toBe(false);
    // The coordinator comes back and learns the same decision from the log.
    c.restart(coordinator);
    c.advance(1_000);
    expect(c.node(coordinator).decision('t1')).toBe('abort');
  });

  it('a commit the log chose survives the coordinator crash: participants commit without it', () => {
    const c = electedCluster();
    const leader = [...c.nodes.values()].find((n) => n.status().paxos.role === 'leader')!.id;
    const coordinator = leader === 'n1' ? 'n2' : 'n1';
    const keys = coordinator === 'n1' ? ['b', 'c'] : ['a', 'c'];
    c.submit(coordinator, 't1', [['append', keys[0]!, 1], ['append', keys[1]!, 1]]);
    // Everything flows until the coordinator would tell participants directly; then it dies.
    c.advance(300, (m) => (msgType(m) === 'decision' ? 'drop' : 'deliver'));
    expect(c.node(coordinator).decision('t1')).toBe('commit');
    c.crash(coordinator);
    c.advance(1_000);
    const participants = ['n1', 'n2', 'n3'].filter((n) => n !== coordinator);
    expect(c.outcomes('t1')).toEqual(Object.fromEntries(participants.map((n) => [n, 'commit'])));
  });
});
