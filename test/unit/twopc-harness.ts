/**
 * A hand-cranked network for scripted 2PC scenarios (etcd-raft style): messages wait in
 * a queue until the script delivers them, nodes crash (losing everything but their
 * durable records) and restart, and time moves only when the script says so.
 */
import type { Tagged } from '../../core/algorithms/common/compose';
import type { Envelope, Machine, NodeId, Ready } from '../../core/algorithms/common/types';
import {
  DEFAULT_TWOPC_TIMING,
  type TwoPcNode,
  restoreTwoPcNode,
  TwoPcPaxosNode,
  type TwoPcConfig,
  type TwoPcEvent,
  type TwoPcMsg,
  type TwoPcRequest,
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

export interface InFlight<Msg = TwoPcMsg> extends Envelope<Msg> {
  readonly from: NodeId;
}

/** The 2PC message type of a plain or tagged (paxos mode) message; Paxos traffic is "paxos". */
export function msgType(m: InFlight<unknown>): string {
  const msg = m.msg as TwoPcMsg | Tagged;
  if ('part' in msg) return msg.part === 'twopc' ? (msg.body as TwoPcMsg).type : msg.part;
  return msg.type;
}

type Filter = (m: InFlight<unknown>) => 'deliver' | 'drop' | 'hold';
type AnyNode = Machine<unknown, TwoPcRequest, unknown, TwoPcReply, TwoPcEvent>;

export class Cluster<N extends AnyNode> {
  readonly nodes = new Map<NodeId, N>();
  readonly durable = new Map<NodeId, unknown[]>();
  readonly down = new Set<NodeId>();
  queue: InFlight<unknown>[] = [];
  replies: TwoPcReply[] = [];
  events: TwoPcEvent[] = [];
  nowMs = 0;

  constructor(
    readonly ids: NodeId[],
    /** Builds a node from its durable records (none at the start). */
    readonly make: (id: NodeId, records: unknown[]) => N,
  ) {
    for (const id of ids) {
      this.nodes.set(id, make(id, []));
      this.durable.set(id, []);
    }
  }

  node(id: NodeId): N {
    return this.nodes.get(id)!;
  }

  absorb(id: NodeId, ready: Ready<unknown, unknown, TwoPcReply, TwoPcEvent>): void {
    this.durable.get(id)!.push(...ready.persist);
    this.queue.push(...ready.send.map((e) => ({ ...e, from: id })));
    this.replies.push(...ready.replies);
    this.events.push(...ready.events);
  }

  submit(at: NodeId, id: string, ops: TxnMicroOp[]): void {
    this.absorb(at, this.node(at).step({ kind: 'request', request: { kind: 'txn', id, ops }, nowMs: this.nowMs }));
  }

  /** Delivers queued messages (and what they cause) until none is left or `keep` holds some back. */
  deliver(filter: Filter = () => 'deliver', maxRounds = 1000): void {
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
  advance(ms: number, filter?: Filter, stepMs = 10): void {
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
    this.nodes.set(id, this.make(id, this.durable.get(id)!));
  }

  reply(id: string): TwoPcReply | undefined {
    return this.replies.find((r) => r.id === id);
  }

  outcomes(txn: string): Record<NodeId, string> {
    return Object.fromEntries(this.events.filter((e) => e.kind === 'outcome' && e.txn === txn).map((e) => [(e as { node: NodeId }).node, (e as { outcome: string }).outcome]));
  }
}

export const classicConfig = (id: NodeId): TwoPcConfig => ({ id, home: homeByFirstLetter, ...DEFAULT_TWOPC_TIMING });

/** Three nodes running classic 2PC. */
export class TwoPcCluster extends Cluster<TwoPcNode> {
  constructor(ids: NodeId[] = ['n1', 'n2', 'n3']) {
    super(ids, (id, records) => restoreTwoPcNode(classicConfig(id), records as TwoPcRecord[]));
  }

  /** Durable record types of a node (classic mode records are plain). */
  recordTypes(id: NodeId): string[] {
    return (this.durable.get(id) as TwoPcRecord[]).map((r) => r.type);
  }
}

/** Three nodes running 2PC with decisions in a Paxos log on all of them. */
export class PaxosTwoPcCluster extends Cluster<TwoPcPaxosNode> {
  constructor(ids: NodeId[] = ['n1', 'n2', 'n3']) {
    super(ids, (id, records) => new TwoPcPaxosNode({ twopc: classicConfig(id), members: ids, seed: Number(id.slice(1)) }, records as Tagged[]));
  }
}
