/**
 * A client of the whole cluster: picks a node for each request by a load-balancing
 * policy, follows NOT_LEADER hints (keeping the same client/seq, so a retried command is
 * applied at most once), and counts requests per node so policies can be compared.
 */
import { Prng } from '../algorithms/common/prng';
import { HashRing } from '../algorithms/ring';
import { NodeClient, type ReplyFrame } from './node-client';
import type { ClientRequest } from '../protocol/client';

export { BALANCE_POLICIES, type BalancePolicy } from '../protocol/modes';
import type { BalancePolicy } from '../protocol/modes';

export interface Endpoint {
  readonly id: string;
  readonly port: number;
  /** For the weighted policy; 1 when absent. */
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
  private readonly prng: Prng;
  private rr = 0;
  private seq = 0;
  private leaderHint: string | undefined;
  private ring: { signature: string; ring: HashRing } | undefined;
  readonly load = new Map<string, number>();

  constructor(private readonly options: ClusterClientOptions) {
    this.prng = new Prng(options.seed ?? 1);
  }

  /** Sends one command; `key` lets the ring policy route to the key's owner. */
  async call(body: Body, key?: string): Promise<CallResult> {
    const seq = ++this.seq;
    let target = this.leaderHint ?? this.choose(key);
    let last: CallResult = { reply: { type: 'reply', id: '', ok: false, code: 'UNAVAILABLE', message: 'no node is up' }, node: undefined };
    const redirects = this.options.maxRedirects ?? 4;
    for (let attempt = 0; attempt <= redirects && target !== undefined; attempt++) {
      const conn = await this.connect(target);
      if (!conn) {
        if (this.leaderHint === target) this.leaderHint = undefined;
        last = { reply: { type: 'reply', id: '', ok: false, code: 'UNAVAILABLE', message: `cannot reach ${target}` }, node: target };
        // An unreachable node is certain not to have applied this attempt; try another.
        target = this.choose(key, target);
        continue;
      }
      this.load.set(target, (this.load.get(target) ?? 0) + 1);
      const reply = await conn.request({ ...body, client: this.options.client, seq } as never, this.options.timeoutMs ?? 2_000);
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

  private choose(key: string | undefined, avoid?: string): string | undefined {
    const all = this.options.endpoints();
    const eps = all.length > 1 && avoid !== undefined ? all.filter((e) => e.id !== avoid) : all;
    if (eps.length === 0) return undefined;
    switch (this.options.policy ?? 'random') {
      case 'random':
        return this.prng.pick(eps).id;
      case 'round-robin':
        return eps[this.rr++ % eps.length]!.id;
      case 'weighted': {
        const total = eps.reduce((s, e) => s + (e.weight ?? 1), 0);
        let x = this.prng.next() * total;
        for (const e of eps) {
          x -= e.weight ?? 1;
          if (x < 0) return e.id;
        }
        return eps[eps.length - 1]!.id;
      }
      case 'ring': {
        if (key === undefined) return this.prng.pick(eps).id;
        return this.ringOf(eps).owner(key);
      }
      default: {
        const never: never = this.options.policy as never;
        throw new Error(`unknown policy ${String(never)}`);
      }
    }
  }

  /** The ring of these endpoints, rebuilt only when the set of nodes or weights changes. */
  private ringOf(eps: readonly Endpoint[]): HashRing {
    const signature = eps.map((e) => `${e.id}:${e.weight ?? 1}`).join(',');
    if (this.ring === undefined || this.ring.signature !== signature) {
      const ring = new HashRing();
      for (const e of eps) ring.add(e.id, e.weight ?? 1);
      this.ring = { signature, ring };
    }
    return this.ring.ring;
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
