/**
 * Network faults a node's transport enforces on its own links, set at run time: per peer
 * and per direction (out = what this node sends to the peer, in = what it receives from
 * it), so any partition shape, one-way cuts included, is a set of rules. Each frame gets
 * a delivery plan: dropped, or delivered once or twice after some delay.
 */
import type { Link, NodeId } from '../algorithms/common';
import type { LinkFault } from '../protocol/control';

export type Direction = 'out' | 'in';

export interface LinkRule {
  /** Nothing passes. */
  readonly cut?: boolean;
  /** Probabilities in [0, 1]. */
  readonly drop?: number;
  readonly duplicate?: number;
  /** Probability that a frame is held back long enough for later frames to overtake it. */
  readonly reorder?: number;
  readonly delayMs?: number;
  /** Extra delay drawn uniformly from [0, jitterMs]. */
  readonly jitterMs?: number;
}

/** How long a reordered frame is held beyond its normal delay. */
const REORDER_HOLD_MIN_MS = 5;
const REORDER_HOLD_SPREAD_MS = 25;

export class LinkFaults {
  private readonly rules: Record<Direction, Map<NodeId, LinkRule>> = { out: new Map(), in: new Map() };

  constructor(private readonly random: () => number = Math.random) {}

  /** Replaces the rule of one link direction (an empty rule heals it). */
  set(direction: Direction, peer: NodeId, rule: LinkRule): void {
    checkRule(rule);
    if (Object.keys(rule).length === 0) this.rules[direction].delete(peer);
    else this.rules[direction].set(peer, { ...rule });
  }

  rule(direction: Direction, peer: NodeId): LinkRule {
    return this.rules[direction].get(peer) ?? {};
  }

  /** Heals everything (or one direction). */
  clear(direction?: Direction): void {
    if (direction) this.rules[direction].clear();
    else {
      this.rules.out.clear();
      this.rules.in.clear();
    }
  }

  /** Installs the outbound rules the supervisor sends (core/protocol/control.ts), replacing all of them. */
  setOutbound(links: readonly LinkFault[]): void {
    this.rules.out.clear();
    for (const { to, ...rule } of links) this.set('out', to, dropUndefined(rule));
  }

  /**
   * Applies a partition given as directed cuts (core/algorithms/common/partitions.ts): this
   * node cuts its outbound side of `self -> x` and its inbound side of `x -> self`, so the
   * partition holds even when only this node was told. Other rules on those links are kept.
   */
  applyCuts(self: NodeId, cuts: readonly Link[]): void {
    for (const { from, to } of cuts) {
      if (from === self && to !== self) this.set('out', to, { ...this.rule('out', to), cut: true });
      if (to === self && from !== self) this.set('in', from, { ...this.rule('in', from), cut: true });
    }
  }

  /** Removes every cut, keeping drop/delay/... rules. */
  healCuts(): void {
    for (const direction of ['out', 'in'] as const) {
      for (const [peer, rule] of [...this.rules[direction]]) {
        const { cut: _cut, ...rest } = rule;
        this.set(direction, peer, rest);
      }
    }
  }

  /** The delays (ms) after which copies of one frame are delivered; [] means dropped. */
  plan(direction: Direction, peer: NodeId): number[] {
    const rule = this.rules[direction].get(peer);
    if (!rule) return [0];
    if (rule.cut) return [];
    if (rule.drop && this.random() < rule.drop) return [];
    const copies = rule.duplicate && this.random() < rule.duplicate ? 2 : 1;
    const delays: number[] = [];
    for (let i = 0; i < copies; i++) {
      let delay = (rule.delayMs ?? 0) + (rule.jitterMs ? this.random() * rule.jitterMs : 0);
      if (rule.reorder && this.random() < rule.reorder) delay += REORDER_HOLD_MIN_MS + this.random() * REORDER_HOLD_SPREAD_MS;
      delays.push(delay);
    }
    return delays;
  }

  /** Every rule in force, for status views. */
  snapshot(): { out: Record<NodeId, LinkRule>; in: Record<NodeId, LinkRule> } {
    return { out: Object.fromEntries(this.rules.out), in: Object.fromEntries(this.rules.in) };
  }
}

function checkRule(rule: LinkRule): void {
  for (const p of ['drop', 'duplicate', 'reorder'] as const) {
    const v = rule[p];
    if (v !== undefined && !(v >= 0 && v <= 1)) throw new Error(`link fault "${p}" must be a probability in [0, 1], got ${v}`);
  }
  for (const m of ['delayMs', 'jitterMs'] as const) {
    const v = rule[m];
    if (v !== undefined && !(v >= 0 && Number.isFinite(v))) throw new Error(`link fault "${m}" must be a finite number >= 0, got ${v}`);
  }
}

function dropUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
