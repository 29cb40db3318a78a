/**
 * Paxos learners (PaxosConfig.learner): a node outside the acceptor group that follows the
 * chosen log by catch-up. Scripted on a tiny lossless network: three acceptors n1..n3 and a
 * learner n4 that none of them lists as a member.
 */
import { describe, expect, it } from 'vitest';
import type { NodeId } from '../../core/algorithms/common';
import { PaxosReplica, type PaxosConfig, type PaxosMsg, type PaxosRecord, type PaxosReply } from '../../core/algorithms/paxos';
import { RecordingService } from '../support/paxos-cluster';

const ACCEPTORS = ['n1', 'n2', 'n3'];
const TIMING = { heartbeatMs: 50, electionTimeoutMinMs: 300, electionTimeoutMaxMs: 600 };

interface Net {
  readonly replicas: Map<NodeId, PaxosReplica<string, string>>;
  readonly services: Map<NodeId, RecordingService>;
  readonly durable: Map<NodeId, PaxosRecord<string>[]>;
  readonly replies: PaxosReply<string>[];
  readonly sent: { from: NodeId; to: NodeId; msg: PaxosMsg<string> }[];
  queue: { from: NodeId; to: NodeId; msg: PaxosMsg<string> }[];
  nowMs: number;
}

function build(snapshotEverySlots = 0): Net {
  const net: Net = { replicas: new Map(), services: new Map(), durable: new Map(), replies: [], sent: [], queue: [], nowMs: 0 };
  ACCEPTORS.forEach((id, i) => addReplica(net, { id, members: ACCEPTORS, ...TIMING, seed: 10 + i, snapshotEverySlots }));
  addReplica(net, { id: 'n4', members: ACCEPTORS, ...TIMING, seed: 99, learner: true });
  return net;
}

function addReplica(net: Net, config: PaxosConfig): void {
  const service = new RecordingService();
  net.services.set(config.id, service);
  net.durable.set(config.id, []);
  net.replicas.set(config.id, new PaxosReplica(config, service));
}

function absorb(net: Net, from: NodeId, ready: ReturnType<PaxosReplica<string, string>['step']>): void {
  net.durable.get(from)!.push(...ready.persist);
  net.replies.push(...ready.replies);
  for (const s of ready.send) {
    net.queue.push({ from, to: s.to, msg: s.msg });
    net.sent.push({ from, to: s.to, msg: s.msg });
  }
}

/** Delivers every queued message and ticks every replica, `ms` of virtual time in 10 ms steps. */
function run(net: Net, ms: number): void {
  const end = net.nowMs + ms;
  while (net.nowMs < end) {
    net.nowMs += 10;
    for (const [id, r] of net.replicas) absorb(net, id, r.step({ kind: 'tick', nowMs: net.nowMs }));
    for (let guard = 0; net.queue.length > 0 && guard < 10_000; guard++) {
      const m = net.queue.shift()!;
      const to = net.replicas.get(m.to);
      if (to) absorb(net, m.to, to.step({ kind: 'message', from: m.from, msg: m.msg, nowMs: net.nowMs }));
    }
  }
}

function leaderOf(net: Net): NodeId {
  const leaders = ACCEPTORS.filter((id) => net.replicas.get(id)?.status().role === 'leader');
  expect(leaders).toHaveLength(1);
  return leaders[0]!;
}

function propose(net: Net, to: NodeId, id: string, op: string): void {
  absorb(net, to, net.replicas.get(to)!.step({ kind: 'request', request: { kind: 'propose', id, command: { op } }, nowMs: net.nowMs }));
}

describe('Paxos learner', () => {
  it('applies the same chosen sequence as the acceptors, without ever voting or campaigning', () => {
    const net = build();
    run(net, 2000);
    const leader = leaderOf(net);
    for (let i = 0; i < 5; i++) propose(net, leader, `r${i}`, `cmd${i}`);
    run(net, 500);
    const acceptorCommands = net.services.get(leader)!.commands;
    expect(acceptorCommands).toEqual(['cmd0', 'cmd1', 'cmd2', 'cmd3', 'cmd4']);
    expect(net.services.get('n4')!.commands).toEqual(acceptorCommands);
    expect(net.replicas.get('n4')!.status()).toMatchObject({ role: 'follower', appliedUpTo: net.replicas.get(leader)!.status().appliedUpTo });
    // Never a vote, a promise or a campaign from the learner; nothing but catch-up and fetches.
    const learnerTypes = new Set(net.sent.filter((s) => s.from === 'n4').map((s) => s.msg.type));
    expect([...learnerTypes].every((t) => t === 'catchup' || t === 'snapshot-fetch')).toBe(true);
    expect(net.durable.get('n4')!.every((r) => r.type === 'chosen' || r.type === 'snapshot')).toBe(true);
    // Members never send it prepares or accepts: it is not in their electorate.
    expect(net.sent.some((s) => s.to === 'n4' && (s.msg.type === 'prepare' || s.msg.type === 'accept'))).toBe(false);
  });

  it('answers a propose with NOT_LEADER and the leader the members told it of', () => {
    const net = build();
    run(net, 2000);
    const leader = leaderOf(net);
    propose(net, leader, 'warm', 'x');
    run(net, 300);
    propose(net, 'n4', 'via-learner', 'y');
    expect(net.replies.find((r) => r.id === 'via-learner')).toEqual({ id: 'via-learner', ok: false, error: 'NOT_LEADER', leader });
  });

  it('is never counted: prepares and accepts it might send are ignored by members', () => {
    const net = build();
    run(net, 2000);
    const before = net.replicas.get('n1')!.status();
    const forged: PaxosMsg<string> = { type: 'prepare', ballot: { round: before.promised.round + 100, node: 'n4' }, fromSlot: 1 };
    for (const id of ACCEPTORS) absorb(net, id, net.replicas.get(id)!.step({ kind: 'message', from: 'n4', msg: forged, nowMs: net.nowMs }));
    for (const id of ACCEPTORS) expect(net.replicas.get(id)!.status().promised.node).not.toBe('n4');
  });

  it('keeps up after the leader changes, and through a snapshot when it starts behind the floor', () => {
    const net = build(3);
    net.replicas.delete('n4'); // the learner starts late
    run(net, 2000);
    const first = leaderOf(net);
    for (let i = 0; i < 8; i++) propose(net, first, `a${i}`, `a${i}`);
    run(net, 500);
    expect(net.replicas.get(first)!.snapshotFloor).toBeGreaterThan(0);
    addReplica(net, { id: 'n4', members: ACCEPTORS, ...TIMING, seed: 99, learner: true });
    run(net, 500);
    expect(net.services.get('n4')!.commands).toEqual(net.services.get(first)!.commands);
    // The leader goes away; a new one is elected and the learner follows its log.
    net.replicas.delete(first);
    run(net, 3000);
    const second = leaderOf(net);
    propose(net, second, 'b0', 'b0');
    run(net, 500);
    expect(net.services.get('n4')!.commands.at(-1)).toBe('b0');
    expect(net.services.get('n4')!.commands).toEqual(net.services.get(second)!.commands);
  });

  it('rejects a learner config that lists itself as an acceptor', () => {
    expect(() => new PaxosReplica({ id: 'n1', members: ACCEPTORS, ...TIMING, seed: 1, learner: true }, new RecordingService())).toThrow(/learner/);
  });
});
