/**
 * Which node a client sends its next request to (`faultline run --policy` on real nodes,
 * `faultline sim --mechanism replication --policy` in the simulator: core/sim/sim-balance.ts). One Balancer
 * may be shared by many workers of one client application (a run's K workload clients):
 * round-robin and weighted then rotate over the whole run's requests, and least-outstanding
 * counts the run's requests in flight, the way a proxy-side balancer (Envoy, gRPC's
 * channel) counts every request passing through it. A workload worker has at most one
 * request in flight, so counting per worker would always see zero everywhere.
 *
 * Policies:
 *   random             uniform, from the seeded PRNG.
 *   round-robin        each node in turn.
 *   weighted           smooth weighted round robin (nginx): every pick adds each node's
 *                      weight to its credit, takes the node with the most credit and
 *                      charges it the total. In every window of sum(weights) picks a node
 *                      gets exactly its weight's share, spread out rather than in bursts, so
 *                      a short run already shows the proportion (weighted random only
 *                      approaches it, with sampling noise of about sqrt(n)).
 *   least-outstanding  the node with the fewest requests in flight; ties broken by the PRNG.
 *   ring               the owner of the request's key on a ring of the endpoints (by weight).
 */
import { Prng } from '../common/prng';
import { unreachable } from '../common/unreachable';
import { HashRing } from '../ring';
import type { BalancePolicy } from './types';

export interface BalanceTarget {
  readonly id: string;
  /** Positive; 1 when absent. */
  readonly weight?: number;
}

export class Balancer {
  private readonly prng: Prng;
  private rr = 0;
  /** Smooth weighted round robin: each node's current credit. */
  private readonly credit = new Map<string, number>();
  private readonly inFlight = new Map<string, number>();
  private ring: { signature: string; ring: HashRing } | undefined;

  constructor(
    readonly policy: BalancePolicy,
    seed: number,
  ) {
    this.prng = new Prng(seed);
  }

  /** The node for the next request (`key` for the ring policy); undefined when `targets` is empty. */
  choose(targets: readonly BalanceTarget[], key?: string): string | undefined {
    if (targets.length === 0) return undefined;
    switch (this.policy) {
      case 'random':
        return this.prng.pick(targets).id;
      case 'round-robin':
        return (targets[this.rr++ % targets.length] as BalanceTarget).id;
      case 'weighted':
        return this.smoothWeighted(targets);
      case 'least-outstanding':
        return this.leastOutstanding(targets);
      case 'ring':
        return key === undefined ? this.prng.pick(targets).id : this.ringOf(targets).owner(key);
      default:
        return unreachable(this.policy, 'balance policy');
    }
  }

  /** A request to `node` left; call `finished` once with its reply, timeout or failure. */
  started(node: string): void {
    this.inFlight.set(node, (this.inFlight.get(node) ?? 0) + 1);
  }

  finished(node: string): void {
    const n = (this.inFlight.get(node) ?? 0) - 1;
    if (n > 0) this.inFlight.set(node, n);
    else this.inFlight.delete(node);
  }

  outstanding(node: string): number {
    return this.inFlight.get(node) ?? 0;
  }

  private smoothWeighted(targets: readonly BalanceTarget[]): string {
    let total = 0;
    let best: BalanceTarget | undefined;
    let bestCredit = -Infinity;
    for (const t of targets) {
      const w = weightOf(t);
      total += w;
      const c = (this.credit.get(t.id) ?? 0) + w;
      this.credit.set(t.id, c);
      if (c > bestCredit) {
        best = t;
        bestCredit = c;
      }
    }
    const chosen = best as BalanceTarget;
    this.credit.set(chosen.id, bestCredit - total);
    return chosen.id;
  }

  private leastOutstanding(targets: readonly BalanceTarget[]): string {
    let fewest = Infinity;
    let tied: BalanceTarget[] = [];
    for (const t of targets) {
      const n = this.outstanding(t.id);
      if (n < fewest) {
        fewest = n;
        tied = [t];
      } else if (n === fewest) {
        tied.push(t);
      }
    }
    return this.prng.pick(tied).id;
  }

  /** The ring of these targets, rebuilt only when the set of nodes or weights changes. */
  private ringOf(targets: readonly BalanceTarget[]): HashRing {
    const signature = targets.map((t) => `${t.id}:${weightOf(t)}`).join(',');
    if (this.ring === undefined || this.ring.signature !== signature) {
      const ring = new HashRing();
      for (const t of targets) ring.add(t.id, weightOf(t));
      this.ring = { signature, ring };
    }
    return this.ring.ring;
  }
}

function weightOf(t: BalanceTarget): number {
  const w = t.weight ?? 1;
  return Number.isFinite(w) && w > 0 ? w : 1;
}
