/**
 * Paxos-decision 2PC on the node's own machine (core/node/txn-decisions.ts): the decision
 * record is a service on the node's one Paxos log. Three in-memory nodes on a network
 * that delivers everything each round (or drops what a test says), time in 10 ms ticks.
 */
import { describe, expect, it } from 'vitest';
import type { NodeId, Tagged } from '../../core/algorithms/common';
import type { TwoPcReply } from '../../core/algorithms/twopc';
import { buildNodeMachine, type NodeMachine } from '../../core/node/node-machine';
import type { TxnMode } from '../../core/protocol/modes';

const IDS = ['n1', 'n2', 'n3'];

class MemCluster {
  nowMs = 0;
  readonly nodes = new Map<NodeId, NodeMachine>();
  readonly durable = new Map<NodeId, Tagged[]>();
  readonly down = new Set<NodeId>();
  readonly replies: { node: NodeId; reply: Tagged }[] = [];
  private queue: { from: NodeId; to: NodeId; msg: Tagged }[] = [];
  /** Messages this returns false for are dropped. */
  filter: (m: { from: NodeId; to: NodeId; msg: Tagged }) => boolean = () => true;

  constructor(readonly txnMode: TxnMode) {
    for (const id of IDS) {
      this.durable.set(id, []);
      this.nodes.set(id, this.build(id));
    }
  }

  private build(id: NodeId): NodeMachine {
    return buildNodeMachine({ id, members: IDS, mode: 'quorum', txnMode: this.txnMode, seed: id.charCodeAt(1) }, this.durable.get(id)!);
  }

  private take(id: NodeId, ready: ReturnType<NodeMachine['machine']['step']>): void {
    this.durable.get(id)!.push(...ready.persist);
    for (const s of ready.send) this.queue.push({ from: id, to: s.to, msg: s.msg });
    for (const r of ready.replies) this.replies.push({ node: id, reply: r });
  }

  request(id: NodeId, txn: string, ops: unknown[]): void {
    this.take(id, this.nodes.get(id)!.machine.step({ kind: 'request', request: { part: 'twopc', body: { kind: 'txn', id: txn, ops } }, nowMs: this.nowMs }));
  }

  /** Advances time by ms, delivering every message each 10 ms. */
  run(ms: number): void {
    const end = this.nowMs + ms;
    while (this.nowMs < end) {
      this.nowMs += 10;
      for (let round = 0; round < 20 && this.queue.length > 0; round++) {
        const batch = this.queue.splice(0);
        for (const m of batch) {
          if (this.down.has(m.to) || this.down.has(m.from) || !this.filter(m)) continue;
          this.take(m.to, this.nodes.get(m.to)!.machine.step({ kind: 'message', from: m.from, msg: m.msg, nowMs: this.nowMs }));
        }
      }
      for (const id of IDS) if (!this.down.has(id)) this.take(id, this.nodes.get(id)!.machine.step({ kind: 'tick', nowMs: this.nowMs }));
    }
  }

  crash(id: NodeId): void {
    this.down.add(id);
    this.queue = this.queue.filter((m) => m.from !== id && m.to !== id);
  }

  reply(txn: string): TwoPcReply | undefined {
    return this.replies.map((r) => r.reply).find((r) => r.part === 'twopc' && (r.body as TwoPcReply).id === txn)?.body as TwoPcReply | undefined;
  }

  leader(): NodeId | undefined {
    return IDS.find((id) => !this.down.has(id) && this.nodes.get(id)!.paxos.status().role === 'leader');
  }
}

/** A key whose home (ring owner of the founding members) is `node`. */
function keyOn(c: MemCluster, node: NodeId, avoid: string[] = []): string {
  for (let i = 0; i < 10_000; i++) {
    const key = `k${i}`;
    if (avoid.includes(key)) continue;
    if (c.nodes.get(node)!.twopc.config.home(key) === node) return key;
  }
  throw new Error(`no key homed on ${node}`);
}

describe('paxos txn mode on the node machine', () => {
  it('commits through the decision service on the one log, with every participant applying it', () => {
    const c = new MemCluster('paxos');
    c.run(2_000);
    expect(c.leader()).toBeDefined();
    const k2 = keyOn(c, 'n2');
    const k3 = keyOn(c, 'n3');
    const coordinator = IDS.find((id) => id !== c.leader())!;
    c.request(coordinator, 't1', [['append', k2, 1], ['append', k3, 2]]);
    c.run(300);
    expect(c.reply('t1')).toMatchObject({ ok: true });
    expect(c.nodes.get('n2')!.twopc.data(k2)).toEqual([1]);
    expect(c.nodes.get('n3')!.twopc.data(k3)).toEqual([2]);
    for (const id of IDS) expect(c.nodes.get(id)!.twopc.status().mode).toBe('paxos');
    // The decision is a command of the decisions service on the shared log, and no reply to it leaks.
    expect(c.replies.every((r) => r.reply.part !== 'paxos')).toBe(true);
  });
});
