import type { Prng } from '../algorithms/common/prng';
import type { NodeId } from '../algorithms/common/types';

/**
 * The simulated wire between endpoints (nodes, clients, outside resources). Each message
 * independently may be dropped, duplicated and delayed; random delays reorder messages.
 * Link cuts are per direction, so any partition shape (one-way included) is a set of cuts.
 */
export interface NetworkConfig {
  /** Probability that a message is lost. */
  dropProbability: number;
  /** Probability that a message is delivered twice (each copy with its own delay). */
  duplicateProbability: number;
  minDelayMs: number;
  maxDelayMs: number;
  /** Probability that a message takes a long detour of up to `longDelayMs` (reordering). */
  longDelayProbability: number;
  longDelayMs: number;
}

export const DEFAULT_NETWORK: NetworkConfig = {
  dropProbability: 0,
  duplicateProbability: 0,
  minDelayMs: 1,
  maxDelayMs: 5,
  longDelayProbability: 0,
  longDelayMs: 100,
};

export class SimNetwork {
  config: NetworkConfig;
  private readonly cuts = new Set<string>();
  /** Extra delay (ms) per link, for the whole run (`--slow-node`; heals leave it). */
  private readonly slowLinks = new Map<string, number>();
  /** Fault counters, for reports. */
  dropped = 0;
  duplicated = 0;
  sent = 0;

  constructor(
    private readonly prng: Prng,
    config: Partial<NetworkConfig> = {},
  ) {
    this.config = { ...DEFAULT_NETWORK, ...config };
  }

  /** Cuts the link from `from` to `to` (one direction only). */
  cut(from: NodeId, to: NodeId): void {
    this.cuts.add(linkKey(from, to));
  }

  isCut(from: NodeId, to: NodeId): boolean {
    return this.cuts.size > 0 && this.cuts.has(linkKey(from, to));
  }

  /** Every message from `node` to one of `peers` arrives `delayMs` later, until the run ends. */
  slowDown(node: NodeId, peers: readonly NodeId[], delayMs: number): void {
    for (const p of peers) if (p !== node) this.slowLinks.set(linkKey(node, p), delayMs);
  }

  healAll(): void {
    this.cuts.clear();
  }

  get cutCount(): number {
    return this.cuts.size;
  }

  /**
   * Decides the fate of one message: the delays (ms) of the copies that arrive. Empty
   * means lost. A cut link loses everything.
   */
  transmit(from: NodeId, to: NodeId): number[] {
    this.sent++;
    if (this.isCut(from, to)) {
      this.dropped++;
      return [];
    }
    const c = this.config;
    if (c.dropProbability > 0 && this.prng.chance(c.dropProbability)) {
      this.dropped++;
      return [];
    }
    const slow = this.slowLinks.size > 0 ? (this.slowLinks.get(linkKey(from, to)) ?? 0) : 0;
    const first = this.delay() + slow;
    if (c.duplicateProbability > 0 && this.prng.chance(c.duplicateProbability)) {
      this.duplicated++;
      return [first, this.delay() + slow];
    }
    return [first];
  }

  private delay(): number {
    const c = this.config;
    const base = c.minDelayMs + this.prng.next() * (c.maxDelayMs - c.minDelayMs);
    if (c.longDelayProbability > 0 && this.prng.chance(c.longDelayProbability)) {
      return base + this.prng.next() * c.longDelayMs;
    }
    return base;
  }
}

function linkKey(from: NodeId, to: NodeId): string {
  return `${from}>${to}`;
}
