/**
 * A client of the whole cluster: picks a node for each request by a load-balancing
 * policy (balancer.ts), follows NOT_LEADER hints (keeping the same client/seq, so a
 * retried command is applied at most once), and counts load per node (node-load.ts:
 * sent, ok, failed, latency) so policies can be compared.
 */
import { Balancer } from '../algorithms/balance';
import { NodeClient, type ReplyFrame } from './node-client';
import { NodeLoad } from './node-load';
import type { ClientRequest } from '../protocol/client';

export { BALANCE_POLICIES, type BalancePolicy } from '../protocol/modes';
import type { BalancePolicy } from '../protocol/modes';

export interface Endpoint {
  readonly id: string;
  readonly port: number;
  /** The node's weight (weighted and ring policies); 1 when absent. */
  readonly weight?: number;
}

export interface ClusterClientOptions {
  /** The nodes that are up right now (asked before every choice). */
  readonly endpoints: () => readonly Endpoint[];
  readonly token: string;
  /** Names this client for at-most-once sessions. */
  readonly client: string;
  readonly policy?: BalancePolicy;
  readonly seed?: number;
  /**
   * A balancer shared with other clients of the same application (a run's workers), so
   * rotation and requests in flight are counted across all of them; its policy wins over
   * `policy`. A client of its own by default.
   */
  readonly balancer?: Balancer;
  /** Where to count load per node (shared by a run's clients); one of its own by default. */
  readonly nodeLoad?: NodeLoad;
  readonly timeoutMs?: number;
  /** How many NOT_LEADER redirects one request may follow. */
  readonly maxRedirects?: number;
  readonly path?: string;
}

type Body = ClientRequest extends infer R ? (R extends { id: string } ? Omit<R, 'id' | 'client' | 'seq'> : never) : never;

export interface CallResult {
  readonly reply: ReplyFrame;
  /** The node that answered last. */
  readonly node: string | undefined;
}

export class ClusterClient {
  private readonly connections = new Map<string, Promise<NodeClient | undefined>>();
  private readonly balancer: Balancer;
  private seq = 0;
  private leaderHint: string | undefined;
  /** Requests sent per node by this client alone. */
  readonly load = new Map<string, number>();
  readonly nodeLoad: NodeLoad;

  constructor(private readonly options: ClusterClientOptions) {
    this.balancer = options.balancer ?? new Balancer(options.policy ?? 'random', options.seed ?? 1);
    this.nodeLoad = options.nodeLoad ?? new NodeLoad();
  }

  /** Sends one command; `key` lets the ring policy route to the key's owner. */
  async call(body: Body, key?: string): Promise<CallResult> {
    const seq = ++this.seq;
    let target = this.leaderHint ?? this.choose(key);
    let last: CallResult = { reply: { type: 'reply', id: '', ok: false, code: 'UNAVAILABLE', message: 'no node is up' }, node: undefined };
    const redirects = this.options.maxRedirects ?? 4;
    for (let attempt = 0; attempt <= redirects && target !== undefined; attempt++) {
      const connectStartedAt = performance.now();
      const conn = await this.connect(target);
      if (!conn) {
        // Load per node counts it: the policy sent this request to a node it could not reach.
        this.nodeLoad.sent(target);
        this.nodeLoad.ended(target, false, performance.now() - connectStartedAt);
        if (this.leaderHint === target) this.leaderHint = undefined;
        last = { reply: { type: 'reply', id: '', ok: false, code: 'UNAVAILABLE', message: `cannot reach ${target}` }, node: target };
        // An unreachable node is certain not to have applied this attempt; try another.
        target = this.choose(key, target);
        continue;
      }
      const reply = await this.attempt(conn, target, body, seq);
      last = { reply, node: target };
      if (!reply.ok && reply.code === 'NOT_LEADER') {
        const hint = reply.leader;
        this.leaderHint = hint;
        target = hint !== undefined && hint !== target ? hint : this.choose(key, target);
        continue;
      }
      if (!reply.ok && reply.code === 'UNAVAILABLE' && this.leaderHint === target) this.leaderHint = undefined;
      return last;
    }
    return last;
  }

  /** One request to one node, counted as in flight there (least-outstanding) and in the node's load. */
  private async attempt(conn: NodeClient, target: string, body: Body, seq: number): Promise<ReplyFrame> {
    this.load.set(target, (this.load.get(target) ?? 0) + 1);
    this.nodeLoad.sent(target);
    this.balancer.started(target);
    const startedAt = performance.now();
    let ok = false;
    try {
      const reply = await conn.request({ ...body, client: this.options.client, seq } as never, this.options.timeoutMs ?? 2_000);
      ok = reply.ok;
      return reply;
    } finally {
      this.balancer.finished(target);
      this.nodeLoad.ended(target, ok, performance.now() - startedAt);
    }
  }

  private choose(key: string | undefined, avoid?: string): string | undefined {
    const all = this.options.endpoints();
    const eps = all.length > 1 && avoid !== undefined ? all.filter((e) => e.id !== avoid) : all;
    return this.balancer.choose(eps, key);
  }

  private connect(id: string): Promise<NodeClient | undefined> {
    const existing = this.connections.get(id);
    if (existing) {
      return existing.then((c) => {
        if (c?.isOpen) return c;
        this.connections.delete(id);
        return this.connect(id);
      });
    }
    const ep = this.options.endpoints().find((e) => e.id === id);
    if (!ep) return Promise.resolve(undefined);
    const url = `ws://127.0.0.1:${ep.port}${this.options.path ?? '/client'}`;
    const p = NodeClient.connect(url, this.options.token, this.options.client).catch(() => {
      this.connections.delete(id);
      return undefined;
    });
    this.connections.set(id, p);
    return p;
  }

  close(): void {
    for (const p of this.connections.values()) void p.then((c) => c?.close());
    this.connections.clear();
  }
}
