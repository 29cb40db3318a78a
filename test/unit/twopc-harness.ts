/**
 * A hand-cranked network for scripted 2PC scenarios (etcd-raft style): messages wait in
 * a queue until the script delivers them, nodes crash (losing everything but their
 * durable records) and restart, and time moves only when the script says so.
 */
import type { Envelope, NodeId } from '../../core/algorithms/common/types';
import {
  DEFAULT_TWOPC_TIMING,
  restoreTwoPcNode,
  TwoPcNode,
  type TwoPcConfig,
  type TwoPcEvent,
  type TwoPcMsg,
  type TwoPcReady,
  type TwoPcRecord,
  type TwoPcReply,
  type TxnMicroOp,
} from '../../core/algorithms/twopc';

/** Keys name their home: "a..." lives on n1, "b..." on n2, "c..." on n3. */
export function homeByFirstLetter(key: string): NodeId {
  const n = { a: 1, b: 2, c: 3 }[key[0] as 'a' | 'b' | 'c'];
  if (n === undefined) throw new Error(`test key ${key} must start with a, b or c`);
  return `n${n}`;
}

export interface InFlight extends Envelope<TwoPcMsg> {
  readonly from: NodeId;
}

export class TwoPcCluster {
  readonly nodes = new Map<NodeId, TwoPcNode>();
  readonly durable = new Map<NodeId, TwoPcRecord[]>();
  readonly down = new Set<NodeId>();
  queue: InFlight[] = [];
  replies: TwoPcReply[] = [];
  events: TwoPcEvent[] = [];
  nowMs = 0;

  constructor(
    readonly ids: NodeId[] = ['n1', 'n2', 'n3'],
    readonly configFor: (id: NodeId) => TwoPcConfig = (id) => ({ id, home: homeByFirstLetter, ...DEFAULT_TWOPC_TIMING }),
  ) {
    for (const id of ids) {
      this.nodes.set(id, new TwoPcNode(configFor(id)));
      this.durable.set(id, []);
    }
  }

  node(id: NodeId): TwoPcNode {
    return this.nodes.get(id)!;
  }

  absorb(id: NodeId, ready: TwoPcReady): void {
    this.durable.get(id)!.push(...ready.persist);
    this.queue.push(...ready.send.map((e) => ({ ...e, from: id })));
    this.replies.push(...ready.replies);
    this.events.push(...ready.events);
  }

  submit(at: NodeId, id: string, ops: TxnMicroOp[]): void {
    this.absorb(at, this.node(at).step({ kind: 'request', request: { kind: 'txn', id, ops }, nowMs: this.nowMs }));
  }

  /** Delivers queued messages (and what they cause) until none is left or `keep` holds some back. */
  deliver(filter: (m: InFlight) => 'deliver' | 'drop' | 'hold' = () => 'deliver', maxRounds = 1000): void {
    for (let round = 0; round < maxRounds; round++) {
      const batch = this.queue;
      this.queue = [];
      let progressed = false;
      for (const m of batch) {
        const verdict = this.down.has(m.to) ? 'drop' : filter(m);
        if (verdict === 'hold') {
          this.queue.push(m);
          continue;
        }
        progressed = true;
        if (verdict === 'drop') continue;
        this.absorb(m.to, this.node(m.to).step({ kind: 'message', from: m.from, msg: m.msg, nowMs: this.nowMs }));
      }
      if (!progressed) return;
    }
  }

  /** Advances time in steps of `stepMs`, ticking every live node and delivering after each. */
  advance(ms: number, filter?: (m: InFlight) => 'deliver' | 'drop' | 'hold', stepMs = 10): void {
    const until = this.nowMs + ms;
    while (this.nowMs < until) {
      this.nowMs += stepMs;
      for (const [id, n] of this.nodes) if (!this.down.has(id)) this.absorb(id, n.step({ kind: 'tick', nowMs: this.nowMs }));
      this.deliver(filter);
    }
  }

  crash(id: NodeId): void {
    this.down.add(id);
    this.queue = this.queue.filter((m) => m.to !== id && m.from !== id);
  }

  restart(id: NodeId): void {
    this.down.delete(id);
    this.nodes.set(id, restoreTwoPcNode(this.configFor(id), this.durable.get(id)!));
  }

  reply(id: string): TwoPcReply | undefined {
    return this.replies.find((r) => r.id === id);
  }

  outcomes(txn: string): Record<NodeId, string> {
    return Object.fromEntries(this.events.filter((e) => e.kind === 'outcome' && e.txn === txn).map((e) => [(e as { node: NodeId }).node, (e as { outcome: string }).outcome]));
  }
}
