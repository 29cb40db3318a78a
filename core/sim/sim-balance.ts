/**
 * Simulated clients choosing the node that coordinates each request by a load-balancing
 * policy (`faultline sim --mechanism replication --policy P [--weights n2=2]`), with the
 * same Balancer the real cluster client uses (core/algorithms/balance): one Balancer for
 * the whole client pool, so round-robin and weighted rotate over all the pool's requests
 * and least-outstanding counts the pool's requests in flight per node, as `faultline run`
 * does for its workers. Its tie-breaks come from the run's seed, so a seed replays.
 *
 * Node weights drive the weighted (and ring) policy and are also handed to every
 * simulated replica as its ring weights, as `faultline run --weights` hands them to real
 * nodes: a node of weight 2 then holds about twice the keys as well.
 *
 * `--slow-node n2=200` delays every message n2 sends to a peer for the whole run (as
 * `faultline run --slow-node` does on real nodes), so the requests it coordinates are slow:
 * round robin keeps sending it 1/N of them, least-outstanding fewer.
 */
import { Balancer, BALANCE_POLICIES, type BalancePolicy, type BalanceTarget } from '../algorithms/balance';
import type { NodeId } from '../algorithms/common/types';
import { parseSlowNode, type SlowNode } from '../protocol/slow-node';
import { parseNodeWeights } from '../protocol/weights';
import type { SimNetwork } from './network';
import type { SimFlag } from './report';
import { streamSeed } from './seeds';

/** The options these flags add to a mechanism's SimOptions. */
export interface BalanceSimOptions {
  /** How clients pick the coordinating node; absent: uniformly at random from the workload's stream (as before). */
  policy?: BalancePolicy;
  /** `id=weight,...` (the `--weights` text; checked against the run's nodes). */
  weights?: string;
  /** `id=ms` (the `--slow-node` text; checked against the run's nodes). */
  slowNode?: string;
}

export const BALANCE_FLAGS: Readonly<Record<string, SimFlag>> = {
  policy: {
    summary: `how clients pick the coordinating node: ${BALANCE_POLICIES.join(', ')} (default: uniformly at random); the report counts requests per node`,
    parse(text) {
      const policy = BALANCE_POLICIES.find((p) => p === text);
      if (!policy) throw new Error(`--policy must be one of ${BALANCE_POLICIES.join(', ')}, got "${text}"`);
      return policy;
    },
  },
  weights: {
    summary: 'node weights, id=weight pairs (n2=2,n3=0.5; others 1): the weighted and ring policies and the replicas\' ring use them',
    parse: (text) => text,
  },
  'slow-node': {
    summary: 'id=ms: every message that node sends to a peer arrives ms later, for the whole run (compare --policy round-robin with least-outstanding)',
    parse: (text) => text,
  },
};

export class SimBalance {
  private readonly balancer: Balancer;
  private readonly targets: readonly BalanceTarget[];
  /** Requests sent per node, in node order. */
  private readonly sent: Map<NodeId, number>;

  constructor(
    readonly policy: BalancePolicy,
    seed: number,
    private readonly nodes: readonly NodeId[],
    readonly weights: Readonly<Record<NodeId, number>>,
    readonly slow: SlowNode | undefined,
  ) {
    this.balancer = new Balancer(policy, streamSeed(seed, 'balance'));
    this.targets = nodes.map((id) => ({ id, weight: weights[id] ?? 1 }));
    this.sent = new Map(nodes.map((n) => [n, 0]));
  }

  /** The coordinator of the next request (the simulated clients do not know which nodes are up, so every node is a target). */
  choose(key: string): NodeId {
    const node = this.balancer.choose(this.targets, key) as NodeId;
    this.sent.set(node, (this.sent.get(node) ?? 0) + 1);
    return node;
  }

  /** Counts a request to `node` in flight until `done` is called (once: a second call is ignored). */
  track<A extends unknown[]>(node: NodeId, done: (...args: A) => void): (...args: A) => void {
    this.balancer.started(node);
    let open = true;
    return (...args: A) => {
      if (open) {
        open = false;
        this.balancer.finished(node);
      }
      done(...args);
    };
  }

  /** Slows the --slow-node's messages to its peers on `network` (once, before the run). */
  slowDown(network: SimNetwork): void {
    if (this.slow !== undefined) network.slowDown(this.slow.node, this.nodes, this.slow.delayMs);
  }

  /** Requests sent to each node so far. */
  requestsPerNode(): ReadonlyMap<NodeId, number> {
    return this.sent;
  }

  notes(): string[] {
    const weights = Object.entries(this.weights).map(([id, w]) => `${id}=${w}`);
    const counts = this.nodes.map((n) => `${n} ${this.sent.get(n) ?? 0}`).join(', ');
    const slow = this.slow !== undefined ? `, --slow-node ${this.slow.node}=${this.slow.delayMs}` : '';
    return [`requests per node (--policy ${this.policy}${weights.length > 0 ? `, --weights ${weights.join(',')}` : ''}${slow}): ${counts}`];
  }
}

/**
 * The run's balancer when `--policy`, `--weights` or `--slow-node` was given (without
 * --policy: random, from the balancer's own stream); throws on bad weights or slow node.
 */
export function simBalance(opts: BalanceSimOptions & { seed: number }, nodes: readonly NodeId[]): SimBalance | undefined {
  if (opts.policy === undefined && opts.weights === undefined && opts.slowNode === undefined) return undefined;
  const weights = parseNodeWeights(opts.weights ?? '', nodes);
  if (typeof weights === 'string') throw new Error(`--weights: ${weights}`);
  const slow = opts.slowNode === undefined ? undefined : parseSlowNode(opts.slowNode, nodes);
  if (typeof slow === 'string') throw new Error(slow);
  return new SimBalance(opts.policy ?? 'random', opts.seed, nodes, weights, slow);
}

/** The replica config fields the weights set (none when every weight is 1). */
export function ringWeightsConfig(balance: SimBalance | undefined): { weights?: Readonly<Record<NodeId, number>> } {
  return balance !== undefined && Object.keys(balance.weights).length > 0 ? { weights: balance.weights } : {};
}

/** These flags for the replay command line. */
export function balanceReplayFlags(opts: BalanceSimOptions): string {
  return (
    (opts.policy !== undefined ? ` --policy ${opts.policy}` : '') +
    (opts.weights !== undefined ? ` --weights ${opts.weights}` : '') +
    (opts.slowNode !== undefined ? ` --slow-node ${opts.slowNode}` : '')
  );
}
