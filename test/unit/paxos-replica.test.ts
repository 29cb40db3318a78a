/**
 * Scripted Multi-Paxos scenarios (etcd raft style): each test drives a small cluster step by
 * step through one sentence of the protocol and checks what every replica knows.
 */
import { describe, expect, it } from 'vitest';
import { PaxosReplica, compareBallots, type PaxosConfig } from '../../core/algorithms/paxos';
import { PaxosCluster, RecordingService } from '../support/paxos-cluster';
import { InvariantViolation } from '../../core/algorithms/common/invariant';

/** Elects n1 deterministically: it campaigns, everyone answers. */
function clusterWithLeader(options: ConstructorParameters<typeof PaxosCluster>[0] = {}): PaxosCluster {
  const c = new PaxosCluster(options);
  c.campaign('n1');
  c.stabilize();
  expect(c.leaders()).toEqual(['n1']);
  return c;
}

/**
 * `candidate` campaigns with `voter` alone answering. A first try may be nacked (the
 * candidate had not seen the latest round); the nack teaches it the round to beat.
 */
function campaignThrough(candidate: string, voter: string, c: PaxosCluster): void {
  for (let attempt = 0; attempt < 2; attempt++) {
    c.campaign(candidate);
    c.deliver({ type: 'prepare', to: voter });
    c.drop({ type: 'prepare' });
    c.deliver({ to: candidate });
    if (c.status(candidate).role === 'leader') return;
  }
}

function okResult(c: PaxosCluster, requestId: string): string {
  const reply = c.reply(requestId);
  if (reply === undefined || !reply.ok) throw new Error(`expected an ok reply to ${requestId}, got ${JSON.stringify(reply)}`);
  return reply.result;
}

describe('leader election', () => {
  it('a campaigning node wins phase 1 and everyone follows it', () => {
    const c = new PaxosCluster();
    c.campaign('n1');
    expect(c.status('n1').role).toBe('candidate');
    expect(c.pending({ type: 'prepare' })).toHaveLength(2);
    c.stabilize();
    expect(c.leaders()).toEqual(['n1']);
    expect(c.status('n2')).toMatchObject({ role: 'follower', leader: 'n1', promised: c.status('n1').ballot });
    expect(c.status('n3')).toMatchObject({ role: 'follower', leader: 'n1' });
    expect(c.service('n1').leadershipAtMs).toHaveLength(1);
    expect(c.events.filter((e) => e.event.kind === 'role').map((e) => `${e.node} ${e.event.kind === 'role' ? e.event.role : ''}`)).toEqual([
      'n1 candidate',
      'n1 leader',
    ]);
  });

  it('with only timers, exactly one leader emerges and stays', () => {
    const c = new PaxosCluster({ seed: 7 });
    c.run(2000);
    expect(c.leaders()).toHaveLength(1);
    const leader = c.leaders()[0];
    c.run(3000);
    expect(c.leaders()).toEqual([leader]);
    expect(c.violations).toEqual([]);
  });

  it('dueling candidates settle to one leader', () => {
    const c = new PaxosCluster({ size: 5, seed: 3 });
    // Everyone times out at once and campaigns: the worst case for duels.
    for (const id of c.ids) c.campaign(id);
    expect(c.ids.map((id) => c.status(id).role)).toEqual(Array(5).fill('candidate'));
    c.stabilize();
    c.run(5000);
    expect(c.leaders()).toHaveLength(1);
    const leader = c.leaders()[0] as string;
    for (const id of c.ids) expect(c.status(id).leader).toBe(leader);
    expect(c.violations).toEqual([]);
  });

  it('a leader nacked by a higher ballot steps down', () => {
    const c = clusterWithLeader();
    c.campaign('n2');
    c.stabilize();
    expect(c.leaders()).toEqual(['n2']);
    expect(c.status('n1').role).toBe('follower');
  });

  it('an isolated leader steps down (check-quorum) and refuses commands', () => {
    const c = clusterWithLeader();
    c.isolate('n1');
    c.run(620); // a little more than electionTimeoutMaxMs without hearing a majority
    expect(c.status('n1').role).not.toBe('leader');
    const r = c.propose('n1', 'x');
    expect(c.reply(r)).toMatchObject({ ok: false, error: 'NOT_LEADER' });
    // Meanwhile the majority side elected its own leader.
    expect(c.leaders().filter((id) => id !== 'n1')).toHaveLength(1);
  });
});

describe('replication', () => {
  it('replicates commands and applies them in order on every replica', () => {
    const c = clusterWithLeader();
    const ids = ['a', 'b', 'c'].map((op) => c.propose('n1', op));
    c.stabilize();
    expect(ids.map((id) => okResult(c, id))).toEqual(['a@1', 'b@2', 'c@3']);
    c.run(100); // a heartbeat carries the commit point to the followers
    for (const id of c.ids) {
      expect(c.service(id).commands).toEqual(['a', 'b', 'c']);
      expect(c.status(id).appliedUpTo).toBe(3);
    }
    expect(c.violations).toEqual([]);
  });

  it('the leader accepts its own proposal like any acceptor: accepts leave before any fsync, its vote only after its record', () => {
    const c = clusterWithLeader();
    const before = c.node('n1').readies.length;
    c.propose('n1', 'a');
    const [proposeStep, selfAccept, selfVote] = c.node('n1').readies.slice(before);
    // 1. The propose step persists nothing, so its accepts (to the peers AND to itself) go out at once.
    expect(proposeStep!.persist).toEqual([]);
    expect(proposeStep!.send.filter((e) => e.msg.type === 'accept').map((e) => e.to).sort()).toEqual(['n1', 'n2', 'n3']);
    // 2. Its own accept, delivered locally: the record first, then the vote it sends itself.
    expect(selfAccept!.persist).toEqual([expect.objectContaining({ type: 'accepted', slot: 1 })]);
    expect(selfAccept!.send).toEqual([{ to: 'n1', msg: expect.objectContaining({ type: 'accepted', slot: 1 }) }]);
    // 3. That vote, delivered locally once the record is durable, is one of the two a majority needs.
    expect(selfVote).toBeDefined();
    expect(c.status('n1').chosenUpTo).toBe(0);
    c.deliver({ type: 'accept', to: 'n2' });
    c.deliver({ type: 'accepted', from: 'n2' });
    expect(c.status('n1').chosenUpTo).toBe(1);
  });

  it('the leader replies only once the command is applied', () => {
    const c = clusterWithLeader();
    const r = c.propose('n1', 'a');
    expect(c.reply(r)).toBeUndefined();
    c.deliver({ type: 'accept' });
    expect(c.reply(r)).toBeUndefined();
    c.deliver({ type: 'accepted', from: 'n2' });
    expect(c.reply(r)).toEqual({ id: r, ok: true, result: 'a@1', slot: 1 });
  });

  it('pipelines several slots before any is chosen, bounded by maxInFlight', () => {
    const c = clusterWithLeader({ maxInFlight: 3 });
    for (const op of ['a', 'b', 'c', 'd', 'e']) c.propose('n1', op);
    // Three accepts per follower are out at once; the rest wait for room.
    expect(c.pending({ type: 'accept', to: 'n2' }).map((m) => (m.msg.type === 'accept' ? m.msg.slot : 0))).toEqual([1, 2, 3]);
    expect(c.status('n1').chosenUpTo).toBe(0);
    c.stabilize();
    expect(c.status('n1').chosenUpTo).toBe(5);
    expect(c.service('n1').commands).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('a follower that missed accepts catches up from the commit point', () => {
    const c = clusterWithLeader();
    for (const op of ['a', 'b', 'c']) c.propose('n1', op);
    // n3 hears nothing of it: neither the accepts nor the chosen notifications.
    while (c.network.length > 0) {
      c.drop({ to: 'n3' });
      c.deliver();
    }
    expect(c.status('n1').chosenUpTo).toBe(3);
    expect(c.status('n3').chosenUpTo).toBe(0);
    // Heartbeat (chosenUpTo 3) -> n3 asks from its commit point -> catch-up reply. The
    // leader's push of the values is lost too, so only catch-up can help.
    for (let t = 0; t < 200; t += 10) {
      c.elapse(10);
      c.drop({ type: 'chosen' });
      c.stabilize();
    }
    expect(c.service('n3').commands).toEqual(['a', 'b', 'c']);
    const catchupReplies = c.node('n1').readies.flatMap((r) => r.send).filter((e) => e.msg.type === 'catchup-reply');
    expect(catchupReplies.map((e) => e.to)).toEqual(['n3']);
  });

  it('the leader pushes chosen values to a peer that never voted for them, at the next heartbeat', () => {
    const c = clusterWithLeader();
    c.propose('n1', 'a');
    c.drop({ type: 'accept', to: 'n3' });
    c.stabilize();
    expect(c.pending()).toEqual([]); // nothing pushed yet: n3 might still vote
    c.tick('n1', 50);
    expect(c.pending({ type: 'chosen' })).toEqual([
      { from: 'n1', to: 'n3', msg: { type: 'chosen', entries: [{ slot: 1, value: { kind: 'cmd', command: { op: 'a' } } }] } },
    ]);
  });

  it('voters learn from the piggybacked commit point, without any push', () => {
    const c = clusterWithLeader();
    c.propose('n1', 'a');
    c.stabilize(); // n3's vote arrives after the quorum: a late vote
    c.tick('n1', 50);
    expect(c.pending({ type: 'chosen' })).toEqual([]);
    c.stabilize();
    for (const id of c.ids) expect(c.status(id).chosenUpTo).toBe(1);
  });

  it('leader-generated commands (no client) go through the log', () => {
    const c = clusterWithLeader();
    c.service('n1').toPropose.push('expire-lease');
    c.tick('n1');
    c.stabilize();
    expect(c.service('n1').commands).toEqual(['expire-lease']);
  });
});

describe('a new leader finishes what the old one started', () => {
  it('re-proposes a value accepted by a minority before the old leader crashed', () => {
    const c = clusterWithLeader();
    c.propose('n1', 'x');
    c.deliver({ type: 'accept', to: 'n2' }); // n2 accepts x; n3 never hears of it
    c.drop();
    c.crash('n1');
    c.campaign('n3');
    c.stabilize();
    expect(c.leaders()).toEqual(['n3']);
    expect(c.service('n3').commands).toEqual(['x']);
    expect(c.learned.get(1)?.value).toContain('"x"');
  });

  it('re-proposes the HIGHEST-ballot value when acceptors report different ones', () => {
    const c = clusterWithLeader();
    c.propose('n1', 'x'); // slot 1 = x at ballot 1, accepted by n1 alone
    c.drop();
    c.campaign('n2'); // ballot 2: n2 and n3 know nothing of x
    c.deliver({ type: 'prepare', to: 'n3' });
    c.deliver({ type: 'promise' });
    c.drop();
    expect(c.leaders()).toContain('n2');
    c.propose('n2', 'y'); // slot 1 = y at ballot 2, chosen by n2 + n3
    c.deliver({ type: 'accept', to: 'n3' });
    c.deliver({ type: 'accepted' });
    c.drop();
    expect(c.learned.get(1)?.value).toContain('"y"');
    // n1 campaigns with n3 as its quorum: n1 itself reports x@1, n3 reports y@2.
    campaignThrough('n1', 'n3', c);
    expect(c.status('n1').role).toBe('leader');
    c.stabilize();
    expect(c.service('n1').commands).toEqual(['y']);
    expect(c.violations).toEqual([]);
  });

  it('fills a hole below the highest reported slot with a no-op', () => {
    const c = clusterWithLeader();
    c.propose('n1', 'a');
    c.propose('n1', 'b');
    c.drop({ type: 'accept', to: 'n3' });
    // Slot 1's accept to n2 is lost; slot 2's arrives. Then n1 dies.
    const toN2 = c.pending({ type: 'accept', to: 'n2' });
    expect(toN2).toHaveLength(2);
    c.network = c.network.filter((m) => !(m.to === 'n2' && m.msg.type === 'accept' && m.msg.slot === 1));
    c.deliver({ type: 'accept', to: 'n2' });
    c.drop();
    c.crash('n1');
    c.campaign('n2');
    c.stabilize();
    expect(c.leaders()).toEqual(['n2']);
    expect(c.status('n2').chosenUpTo).toBe(2);
    expect(c.node('n2').replica.logEntries(1, 2).map((e) => e.value)).toEqual([
      { kind: 'noop' },
      { kind: 'cmd', command: { op: 'b' } },
    ]);
    expect(c.service('n2').commands).toEqual(['b']);
  });
});

describe('a lagging candidate', () => {
  it('gets promises without the chosen prefix, and learns it by catch-up before leading', () => {
    const c = clusterWithLeader();
    c.isolate('n3');
    for (const op of ['a', 'b', 'c']) c.propose('n1', op);
    c.stabilize();
    c.tick('n1', 50); // the heartbeat tells n2 the commit point
    c.stabilize();
    expect(c.status('n2').chosenUpTo).toBe(3);
    c.heal();
    c.crash('n1');
    c.campaign('n3'); // n3 knows nothing: it prepares from slot 1
    c.deliver({ type: 'prepare', to: 'n2' });
    const [promise] = c.pending({ type: 'promise' });
    expect(promise?.msg).toMatchObject({ type: 'promise', accepted: [], chosenUpTo: 3 });
    c.deliver({ type: 'promise' });
    expect(c.status('n3').role).toBe('candidate'); // a quorum, but slots 1..3 still unknown here
    expect(c.pending({ from: 'n3', to: 'n2', type: 'catchup' })).toHaveLength(1);
    c.stabilize();
    expect(c.status('n3').role).toBe('leader');
    const r = c.propose('n3', 'd');
    c.stabilize();
    expect(c.reply(r)).toMatchObject({ ok: true, slot: 4 });
    expect(c.service('n3').commands).toEqual(['a', 'b', 'c', 'd']);
    expect(c.violations).toEqual([]);
  });
});

describe('a new leader recovers many open slots in one phase 1', () => {
  it('re-proposes what a quorum accepted and fills every hole with a no-op', () => {
    const c = clusterWithLeader({ size: 5 });
    for (const op of ['a', 'b', 'c', 'd', 'e']) c.propose('n1', op);
    // Who accepted what before n1 crashed (n1 itself accepted all five):
    //   slot 1: n2   slot 2: nobody   slot 3: n3   slot 4: nobody   slot 5: n2 + n3 (chosen)
    const deliverAccept = (slot: number, to: string): void => {
      const i = c.network.findIndex((m) => m.to === to && m.msg.type === 'accept' && m.msg.slot === slot);
      expect(i).toBeGreaterThanOrEqual(0);
      c.deliverAt(i);
    };
    deliverAccept(1, 'n2');
    deliverAccept(3, 'n3');
    deliverAccept(5, 'n2');
    deliverAccept(5, 'n3');
    c.deliver({ to: 'n1', type: 'accepted' });
    expect(c.status('n1').chosenUpTo).toBe(0); // slot 5 is chosen, but not the prefix before it
    c.drop();
    c.crash('n1');
    c.campaign('n4'); // n2, n3, n4, n5: a quorum that saw every accepted value still alive
    c.stabilize();
    expect(c.leaders()).toEqual(['n4']);
    expect(c.node('n4').replica.logEntries(1, 5).map((e) => (e.value.kind === 'noop' ? '-' : e.value.command.op))).toEqual([
      'a',
      '-',
      'c',
      '-',
      'e',
    ]);
    expect(c.service('n4').commands).toEqual(['a', 'c', 'e']);
    expect(c.violations).toEqual([]);
  });
});

describe('restarts', () => {
  it('a restarted acceptor keeps its promise and rejects a lower ballot', () => {
    const c = clusterWithLeader(); // n1 leads at ballot 1
    c.campaign('n2'); // ballot 2
    c.deliver({ type: 'prepare', to: 'n3' }); // n3 promises ballot 2 ...
    c.drop();
    c.crash('n3'); // ... and crashes before anything else
    c.restart('n3');
    expect(c.status('n3').promised).toEqual(c.status('n2').ballot);
    // The old leader (ballot 1) proposes; n3 must refuse.
    c.propose('n1', 'old');
    c.deliver({ type: 'accept', to: 'n3' });
    expect(c.pending({ from: 'n3', type: 'accepted' })).toHaveLength(0);
    expect(c.pending({ from: 'n3', type: 'nack' })).toHaveLength(1);
  });

  it('a restarted node re-applies its chosen prefix and catches up on the rest', () => {
    const c = clusterWithLeader();
    for (const op of ['a', 'b']) c.propose('n1', op);
    c.stabilize();
    c.run(100);
    expect(c.service('n3').commands).toEqual(['a', 'b']);
    c.crash('n3');
    for (const op of ['c', 'd']) c.propose('n1', op);
    c.stabilize();
    c.restart('n3'); // a fresh service, rebuilt from the durable chosen prefix on the first tick
    expect(c.service('n3').commands).toEqual(['a', 'b']);
    c.run(200);
    expect(c.service('n3').commands).toEqual(['a', 'b', 'c', 'd']); // ... then caught up
    expect(c.violations).toEqual([]);
  });

  it('a restarted leader campaigns with a round above every round it used', () => {
    const c = clusterWithLeader();
    const used = c.status('n1').ballot.round;
    c.crash('n1');
    c.restart('n1');
    c.campaign('n1');
    expect(c.status('n1').ballot.round).toBeGreaterThan(used);
  });
});

describe('client sessions', () => {
  it('applies a duplicate (client, seq) once and answers with the cached result', () => {
    const c = clusterWithLeader();
    const first = c.propose('n1', 'inc', { client: 'c1', seq: 1 });
    const retry = c.propose('n1', 'inc', { client: 'c1', seq: 1 }); // joins the pending one
    c.stabilize();
    expect(okResult(c, first)).toBe('inc@1');
    expect(okResult(c, retry)).toBe('inc@1');
    const late = c.propose('n1', 'inc', { client: 'c1', seq: 1 }); // after apply: from the table
    expect(okResult(c, late)).toBe('inc@1');
    expect(c.service('n1').commands).toEqual(['inc']);
  });

  it('a duplicate in the log (retried through a new leader) is not applied twice', () => {
    const c = clusterWithLeader();
    c.propose('n1', 'inc', { client: 'c1', seq: 1 });
    c.stabilize(); // chosen at slot 1 on n1 and n2; n3 learns with the next heartbeat
    c.campaign('n2');
    c.stabilize();
    const retry = c.propose('n2', 'inc', { client: 'c1', seq: 1 });
    expect(okResult(c, retry)).toBe('inc@1');
    // Force the duplicate into the log anyway, through a replica that never saw it applied.
    c.crash('n1');
    const again = c.propose('n2', 'other', { client: 'c2', seq: 1 });
    c.stabilize();
    expect(okResult(c, again)).toBe('other@2');
    c.run(100);
    for (const id of ['n2', 'n3']) expect(c.service(id).commands).toEqual(['inc', 'other']);
  });

  it('commands without a client bypass the session table', () => {
    const c = clusterWithLeader();
    c.propose('n1', 'tick');
    c.propose('n1', 'tick');
    c.stabilize();
    expect(c.service('n1').commands).toEqual(['tick', 'tick']);
  });
});

describe('replies', () => {
  it('a follower answers NOT_LEADER with a hint', () => {
    const c = clusterWithLeader();
    c.run(60);
    const r = c.propose('n2', 'x');
    expect(c.reply(r)).toEqual({ id: r, ok: false, error: 'NOT_LEADER', leader: 'n1' });
  });

  it('pending proposals of a deposed leader get LEADERSHIP_LOST', () => {
    const c = clusterWithLeader();
    const r = c.propose('n1', 'x');
    c.drop();
    c.campaign('n2');
    c.stabilize();
    expect(c.reply(r)).toEqual({ id: r, ok: false, error: 'LEADERSHIP_LOST' });
  });

  it('a leader that learns another value in its slot does not report that value as its result', () => {
    const c = clusterWithLeader();
    const r = c.propose('n1', 'a'); // slot 1 at ballot 1; its accepts are lost
    c.drop();
    campaignThrough('n2', 'n3', c); // n2 leads at ballot 2 without n1 hearing of it
    c.drop({ to: 'n1' });
    c.propose('n2', 'b'); // slot 1 = b, chosen by n2 + n3
    c.drop({ to: 'n1' });
    c.stabilize();
    c.tick('n2', 50); // heartbeat to n1 (lost) and a push of slot 1 to n1, who never voted
    c.drop({ to: 'n1', type: 'heartbeat' });
    c.deliver({ to: 'n1', type: 'chosen' });
    expect(c.status('n1').role).toBe('leader'); // it still believes it leads ...
    expect(c.service('n1').commands).toEqual(['b']);
    expect(c.reply(r)).toEqual({ id: r, ok: false, error: 'LEADERSHIP_LOST' }); // ... but does not claim b's result
  });

  it('query-local reads local state, or says UNSUPPORTED', () => {
    const c = clusterWithLeader();
    c.request('n2', { kind: 'query-local', id: 'q1', op: 'size' });
    expect(c.reply('q1')).toEqual({ id: 'q1', ok: true, result: 'size:0', slot: 0 });
    const bare = new PaxosReplica<string, string>(config('n1', ['n1']), { apply: (cmd) => cmd });
    const out = bare.step({ kind: 'request', nowMs: 0, request: { kind: 'query-local', id: 'q2', op: 'x' } });
    expect(out.replies).toEqual([{ id: 'q2', ok: false, error: 'UNSUPPORTED' }]);
  });
});

describe('persistence', () => {
  it('every promise / accepted sent is backed by a record persisted in that Ready or before', () => {
    const c = clusterWithLeader();
    for (const op of ['a', 'b', 'c']) c.propose('n1', op);
    c.stabilize();
    c.campaign('n3'); // a second phase 1, over slots with accepted values
    c.stabilize();
    c.propose('n3', 'd');
    c.stabilize();
    let checked = 0;
    for (const id of c.ids) {
      // Replay this node's Readies in order, as its host does: persist first, then send.
      let promised = { round: 0, node: '' };
      const accepted = new Map<number, string>();
      for (const ready of c.node(id).readies) {
        for (const r of ready.persist) {
          if (r.type !== 'chosen' && r.type !== 'snapshot' && compareBallots(r.ballot, promised) > 0) promised = r.ballot;
          if (r.type === 'accepted') accepted.set(r.slot, JSON.stringify(r.ballot));
        }
        for (const { msg } of ready.send) {
          if (msg.type === 'promise') {
            checked++;
            expect(compareBallots(promised, msg.ballot)).toBeGreaterThanOrEqual(0);
          }
          if (msg.type === 'accepted') {
            checked++;
            expect(accepted.get(msg.slot)).toBe(JSON.stringify(msg.ballot));
          }
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(2 * 2 + 4 * 2); // 2 phase 1s x 2 promises, 4 slots x 2 followers
    expect(c.violations).toEqual([]);
  });

  it('a promise raised in a step is persisted in that same step', () => {
    const c = new PaxosCluster();
    const campaign = c.campaign('n1');
    expect(campaign.persist).toEqual([{ type: 'promised', ballot: c.status('n1').ballot }]);
    const [prepare] = c.pending({ to: 'n2' });
    if (prepare === undefined) throw new Error('no prepare');
    c.deliver({ to: 'n2' });
    const promiseReady = c.node('n2').readies.at(-1);
    expect(promiseReady?.persist).toEqual([{ type: 'promised', ballot: c.status('n1').ballot }]);
    expect(promiseReady?.send.map((e) => e.msg.type)).toEqual(['promise']);
  });

  it('restores promise, accepted values and the chosen prefix, then re-applies it silently', () => {
    const service = new RecordingService();
    const ballot = { round: 4, node: 'n2' };
    const replica = new PaxosReplica<string, string>(config('n1', ['n1', 'n2', 'n3']), service, [
      { type: 'promised', ballot: { round: 2, node: 'n1' } },
      { type: 'accepted', slot: 1, ballot: { round: 2, node: 'n1' }, value: { kind: 'cmd', command: { op: 'a' } } },
      { type: 'chosen', slot: 1, value: { kind: 'cmd', command: { op: 'a' } } },
      { type: 'promised', ballot },
      { type: 'accepted', slot: 2, ballot: { round: 3, node: 'n3' }, value: { kind: 'noop' } },
    ]);
    expect(replica.status()).toMatchObject({ promised: ballot, chosenUpTo: 1, lastAcceptedSlot: 2 });
    const first = replica.step({ kind: 'tick', nowMs: 5 });
    expect(service.commands).toEqual(['a']);
    expect(first.events).toEqual([]);
    expect(first.replies).toEqual([]);
    expect(replica.logEntries(1, 10)).toEqual([
      { slot: 1, state: 'applied', ballot: { round: 2, node: 'n1' }, value: { kind: 'cmd', command: { op: 'a' } } },
      { slot: 2, state: 'accepted', ballot: { round: 3, node: 'n3' }, value: { kind: 'noop' } },
    ]);
  });
});

// The observer must catch these bugs by itself, so the replicas' assertions are off here
// (they would stop the bug at its step first; the last test shows that).
describe('the deliberate bugs break agreement (negative controls)', () => {
  it('forgetPromiseOnRestart: a forgetful acceptor lets two values be chosen', () => {
    const script = (bugs: PaxosConfig['bugs'], checkInvariants = false): PaxosCluster => {
      const c = clusterWithLeader(bugs === undefined ? {} : { bugs, checkInvariants }); // n1 leads at ballot 1
      c.propose('n1', 'x');
      const acceptsFromN1 = c.pending({ type: 'accept' });
      c.drop();
      c.campaign('n2'); // ballot 2 promised by n3, which has accepted nothing
      c.deliver({ type: 'prepare', to: 'n3' });
      c.deliver({ type: 'promise', to: 'n2' });
      c.drop();
      c.crash('n3');
      c.restart('n3');
      c.network.push(...acceptsFromN1.filter((m) => m.to === 'n3')); // the old leader's accept arrives late
      c.deliver();
      c.deliver({ to: 'n1' });
      c.propose('n2', 'y');
      c.deliver({ type: 'accept', to: 'n3' });
      c.deliver({ type: 'accepted', to: 'n2' });
      return c;
    };
    expect(script(undefined).violations).toEqual([]);
    expect(script({ forgetPromiseOnRestart: true }).violations.join()).toMatch(/agreement: slot 1/);
    // With assertions on (the default), the forgetful restart itself is stopped.
    expect(() => script({ forgetPromiseOnRestart: true }, true)).toThrow(InvariantViolation);
    expect(() => script({ forgetPromiseOnRestart: true }, true)).toThrow(/n3 to restart promised at least \{"round":2,"node":"n2"\}/);
  });

  it('pickAnyAcceptedValue: a new leader re-proposes a lower-ballot value over a chosen one', () => {
    const script = (bugs: PaxosConfig['bugs']): PaxosCluster => {
      const c = clusterWithLeader(bugs === undefined ? {} : { bugs, checkInvariants: false });
      c.propose('n1', 'x'); // x@1 on n1 only
      c.drop();
      c.campaign('n2');
      c.deliver({ type: 'prepare', to: 'n3' });
      c.deliver({ type: 'promise' });
      c.drop();
      c.propose('n2', 'y'); // y@2 chosen by n2 + n3
      c.deliver({ type: 'accept', to: 'n3' });
      c.deliver({ type: 'accepted' });
      c.drop();
      // n3 (holding y@2) campaigns and first hears of x@1, from n1's promise.
      campaignThrough('n3', 'n1', c);
      c.stabilize();
      return c;
    };
    expect(script(undefined).violations).toEqual([]);
    expect(script({ pickAnyAcceptedValue: true }).violations.join()).toMatch(/agreement: slot 1/);
  });
});

function config(id: string, members: string[]): PaxosConfig {
  return { id, members, heartbeatMs: 50, electionTimeoutMinMs: 300, electionTimeoutMaxMs: 600, seed: 1 };
}
