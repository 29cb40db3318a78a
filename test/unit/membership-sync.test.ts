/**
 * The node-level glue between the membership service on the Paxos log and the ring
 * replicas (core/node/membership-sync.ts), on one in-memory node (it elects itself).
 */
import { describe, expect, it } from 'vitest';
import type { Input, Tagged } from '../../core/algorithms/common';
import type { PaxosReply } from '../../core/algorithms/paxos';
import { buildNodeMachine, type NodeMachine } from '../../core/node/node-machine';

class MemNode {
  nowMs = 0;
  private nextId = 1;
  node: NodeMachine;
  readonly readies: ReturnType<NodeMachine['machine']['step']>[] = [];

  constructor(readonly durable: Tagged[] = []) {
    this.node = buildNodeMachine({ id: 'n1', members: ['n1'], mode: 'quorum', seed: 1 }, durable);
    this.step({ kind: 'tick', nowMs: 0 });
  }

  step(input: Input<Tagged, Tagged>): ReturnType<NodeMachine['machine']['step']> {
    const ready = this.node.machine.step(input);
    this.durable.push(...ready.persist);
    this.readies.push(ready);
    // Messages to itself (the leader's own accept and vote) are delivered locally once the
    // batch is durable, as the host does; their effects are folded into this step's Ready.
    for (const s of ready.send) {
      if (s.to !== 'n1') continue;
      const more = this.step({ kind: 'message', from: 'n1', msg: s.msg, nowMs: this.nowMs });
      ready.persist.push(...more.persist);
      ready.replies.push(...more.replies);
      ready.events.push(...more.events);
    }
    return ready;
  }

  elect(): void {
    for (let i = 0; i < 10 && this.node.paxos.status().role !== 'leader'; i++) {
      this.nowMs += 1000;
      this.step({ kind: 'tick', nowMs: this.nowMs });
    }
    expect(this.node.paxos.status().role).toBe('leader');
  }

  member(cmd: unknown): { ready: ReturnType<NodeMachine['machine']['step']>; reply: PaxosReply<unknown> | undefined } {
    const id = `m${this.nextId++}`;
    const ready = this.step({
      kind: 'request',
      nowMs: this.nowMs,
      request: { part: 'paxos', body: { kind: 'propose', id, command: { op: { service: 'membership', cmd } } } },
    });
    return { ready, reply: ready.replies.map((r) => r.body as PaxosReply<unknown>).find((r) => r.id === id) };
  }
}

describe('membership through the log feeds the ring replicas', () => {
  it('an applied join changes the repl members in the same Ready, durably, and no client reply leaks', () => {
    const n = new MemNode();
    n.elect();
    expect(n.node.repl.members()).toEqual(['n1']);
    const { ready, reply } = n.member({ type: 'join', node: 'n2' });
    expect(reply).toMatchObject({ ok: true, result: { ok: true, kind: 'joined', node: 'n2' } });
    expect([...n.node.repl.members()].sort()).toEqual(['n1', 'n2']);
    // The ring change is durable in the same batch as the chosen command.
    const parts = ready.persist.map((r) => `${r.part}.${(r.body as { type: string }).type}`);
    expect(parts).toContain('paxos.chosen');
    expect(parts).toContain('repl.members');
    // The internal request's reply is not a client's.
    expect(ready.replies.every((r) => r.part === 'paxos')).toBe(true);
  });

  it('a restart replays the log silently and the ring agrees without a second change', () => {
    const n = new MemNode();
    n.elect();
    n.member({ type: 'join', node: 'n2' });
    n.member({ type: 'join', node: 'n3' });
    const restarted = new MemNode([...n.durable]);
    expect(restarted.node.membership.currentEpoch).toBe(2);
    expect([...restarted.node.repl.members()].sort()).toEqual(['n1', 'n2', 'n3']);
    expect(restarted.readies.flatMap((r) => r.persist).some((p) => p.part === 'repl')).toBe(false);
  });

  it('a crash between the log and the ring (no repl members record) is repaired on the first step', () => {
    const n = new MemNode();
    n.elect();
    n.member({ type: 'join', node: 'n2' });
    const withoutRing = n.durable.filter((r) => !(r.part === 'repl' && (r.body as { type: string }).type === 'members'));
    const restarted = new MemNode(withoutRing);
    expect([...restarted.node.repl.members()].sort()).toEqual(['n1', 'n2']);
  });

  it('a leave takes the node out of the ring; a refused change leaves the ring as it is', () => {
    const n = new MemNode();
    n.elect();
    n.member({ type: 'join', node: 'n2' });
    n.member({ type: 'leave', node: 'n2' });
    expect(n.node.repl.members()).toEqual(['n1']);
    const { reply } = n.member({ type: 'leave', node: 'n1' });
    expect(reply).toMatchObject({ ok: true, result: { ok: false, code: 'LAST_MEMBER' } });
    expect(n.node.repl.members()).toEqual(['n1']);
  });

  it('a reweight through the log changes no member but reaches the ring weights, and a restart keeps them', () => {
    const n = new MemNode();
    n.elect();
    n.member({ type: 'join', node: 'n2' });
    expect(n.node.repl.weights()).toEqual({});
    const { ready, reply } = n.member({ type: 'join', node: 'n2', weight: 3 });
    expect(reply).toMatchObject({ ok: true, result: { ok: true, kind: 'reweighted', node: 'n2' } });
    expect(n.node.repl.weights()).toEqual({ n2: 3 });
    expect(ready.persist.map((r) => r.body)).toContainEqual({ type: 'members', members: ['n1', 'n2'], weights: { n2: 3 } });
    const restarted = new MemNode([...n.durable]);
    expect(restarted.node.repl.weights()).toEqual({ n2: 3 });
    expect(restarted.readies.flatMap((r) => r.persist).some((p) => p.part === 'repl')).toBe(false);
  });
});
