/**
 * Node message events -> the panel's MessageEvents. Each node reports `msg.send`,
 * `msg.recv` and `msg.drop` on its own (possibly skewed) clock; here every time is moved
 * to the panel's base (ms since the Lab started: node time minus the skew the supervisor
 * set, minus the Lab's epoch), a receipt is paired with its send by id and never placed
 * before it, and only a bounded number of events leave per flush (the rest are counted).
 *
 * The bound keeps or skips WHOLE messages, decided once at the send: a kept send's receipt or
 * drop always leaves too (so the panel never draws a send whose fate was thrown away), and a
 * skipped send's receipt is skipped with it. The decision is a deterministic hash of the id
 * against a keep fraction that follows the load (heartbeats give way first), so what is kept
 * is spread evenly over the flush instead of the first N of it; a per-flush budget for sends
 * (half the cap: the other half is for their receipts) stops a burst the fraction has not
 * caught up with yet. Everything skipped is counted in `dropped`, one per event.
 */
import type { NodeEvent } from '../../protocol/control';
import type { DropReason, MessageEvent } from '../../protocol/panel';
import { messageFacts } from '../../node/panel-facts';
import { keepsMessage } from '../../protocol/message-sample';
import { RingBuffer } from '../../protocol/ring-buffer';

/** The hash the nodes' own caps decide by too (one function, in core/protocol/message-sample.ts). */
export { keepHash } from '../../protocol/message-sample';

const DROP_REASONS: readonly DropReason[] = ['cut', 'drop', 'node-down', 'oversized'];
/** Open sends remembered at most (the oldest are forgotten: their receipt then counts as unknown). */
const MAX_OPEN = 20_000;
/**
 * A receipt or drop reported before its send (each node flushes its events on its own timer,
 * so the receiver's report often comes first) waits this many flushes for the send.
 */
const EARLY_FLUSHES = 50;
/** Weight of the latest flush in the smoothed count of sends offered per flush. */
const LOAD_SMOOTHING = 0.5;

function isHeartbeat(type: string | undefined): boolean {
  return type !== undefined && (type === 'heartbeat' || type.endsWith('.heartbeat'));
}

export interface MessageFeedOptions {
  /** ms since the epoch at which the panel's time base is 0. */
  readonly epochMs: number;
  /** The skew the supervisor set on a node (its clock = real + skew). */
  readonly skewOf: (node: string) => number;
  /** The panel's current time (a receipt is never placed after it). */
  readonly nowMs: () => number;
  /** The delay fault on a link now (delay + jitter bound), 0 when none. */
  readonly linkDelayMs?: (from: string, to: string) => number;
  /**
   * Events sent per flush at most. Half of it bounds the sends kept per flush (whole messages
   * left out are counted in `dropped`); a kept message's receipt or drop is never left out:
   * past the bound it waits for the next flush.
   */
  readonly maxPerFlush?: number;
  /** Messages kept for a late panel's snapshot. */
  readonly keep?: number;
}

type Outcome = { readonly recvAt: number } | { readonly dropped: DropReason };

export class MessageFeed {
  /** Sends not yet received or dropped, by id; 'skipped' when the bound left the message out. */
  private readonly open = new Map<string, MessageEvent | 'skipped'>();
  /** Receipts and drops whose send has not been seen yet, with the flush they came in. */
  private readonly early = new Map<string, { outcome: Outcome; flush: number }>();
  private flushes = 0;
  private readonly recent: RingBuffer<MessageEvent>;
  private pending: MessageEvent[] = [];
  private overflow = 0;
  /** Sends kept in this flush, against the budgets. */
  private keptThisFlush = { heartbeat: 0, other: 0 };
  /** Sends kept per flush at most: half the cap, less what is still waiting from earlier flushes. */
  private sendBudget = 0;
  /** Heartbeat sends kept per flush at most: what the others are expected to leave of the budget. */
  private heartbeatBudget = 0;
  /** Sends offered in this flush (kept or not), heartbeats apart. */
  private offered = { heartbeat: 0, other: 0 };
  /** Smoothed sends offered per flush, for the keep fractions. */
  private load = { heartbeat: 0, other: 0 };
  /** The share of messages kept, per kind, recomputed at each take(). */
  private keepFraction = { heartbeat: 1, other: 1 };

  constructor(private readonly options: MessageFeedOptions) {
    this.recent = new RingBuffer(options.keep ?? 3_000);
    this.sendBudget = this.halfCap;
    this.heartbeatBudget = this.halfCap;
  }

  private base(node: string, t: number): number {
    return Math.round(t - this.options.skewOf(node) - this.options.epochMs);
  }

  /** Events one node reported; `nodeDropped` events the node itself could not report. */
  add(node: string, events: readonly NodeEvent[], nodeDropped = 0): void {
    this.overflow += nodeDropped;
    for (const e of events) {
      if (e.id === undefined) continue;
      switch (e.kind) {
        case 'msg.send':
          this.send(node, e, e.id);
          break;
        case 'msg.recv':
          this.settle(e.id, { recvAt: this.base(node, e.t) });
          break;
        case 'msg.drop': {
          const reason = (e.detail as { reason?: unknown } | undefined)?.reason;
          this.settle(e.id, { dropped: DROP_REASONS.includes(reason as DropReason) ? (reason as DropReason) : 'drop' });
          break;
        }
        default:
          break;
      }
    }
  }

  /** Half the cap: the other half is for the receipts and drops of the sends kept. */
  private get halfCap(): number {
    return Math.max(1, Math.floor((this.options.maxPerFlush ?? 2_000) / 2));
  }

  /**
   * Whether this message is kept: its hash under its kind's fraction, and its kind's budget for
   * this flush not spent (heartbeats get only what the others are expected to leave, so a
   * heartbeat early in a flush never takes the place of a later prepare or accept).
   */
  private keeps(id: string, heartbeat: boolean): boolean {
    if (heartbeat) this.offered.heartbeat++;
    else this.offered.other++;
    const fraction = heartbeat ? this.keepFraction.heartbeat : this.keepFraction.other;
    if (!keepsMessage(id, fraction)) return false;
    if (heartbeat) {
      const kept = this.keptThisFlush.heartbeat;
      if (kept >= this.heartbeatBudget || kept + this.keptThisFlush.other >= this.sendBudget) return false;
      this.keptThisFlush.heartbeat++;
    } else {
      if (this.keptThisFlush.other >= this.sendBudget) return false;
      this.keptThisFlush.other++;
    }
    return true;
  }

  private remember(id: string, value: MessageEvent | 'skipped'): void {
    this.open.set(id, value);
    if (this.open.size > MAX_OPEN) this.open.delete(this.open.keys().next().value as string);
  }

  /** The next flush's keep fractions from the smoothed load: the budget goes to non-heartbeats first. */
  private adapt(): void {
    this.flushes++;
    // Outcomes whose send never came (it was before this cluster, or its node's own cap left it
    // out at a smaller keep fraction than the receiver's): left out, so counted.
    for (const [id, e] of this.early) {
      if (this.flushes - e.flush <= EARLY_FLUSHES) break;
      this.early.delete(id);
      this.overflow++;
    }
    const a = LOAD_SMOOTHING;
    this.load = {
      heartbeat: a * this.offered.heartbeat + (1 - a) * this.load.heartbeat,
      other: a * this.offered.other + (1 - a) * this.load.other,
    };
    this.offered = { heartbeat: 0, other: 0 };
    this.keptThisFlush = { heartbeat: 0, other: 0 };
    const budget = Math.max(0, this.halfCap - this.pending.length);
    this.sendBudget = budget;
    const other = this.load.other <= budget ? 1 : budget / this.load.other;
    const left = Math.max(0, budget - this.load.other * other);
    const heartbeat = this.load.heartbeat <= left ? 1 : left / this.load.heartbeat;
    this.keepFraction = { heartbeat, other };
    this.heartbeatBudget = Math.floor(left);
  }

  private send(node: string, e: NodeEvent, id: string): void {
    const early = this.early.get(id);
    if (early) this.early.delete(id);
    if (!this.keeps(id, isHeartbeat(e.type))) {
      if (early) this.overflow += 2; // the send and its receipt, left out together
      else {
        this.remember(id, 'skipped');
        this.overflow++;
      }
      return;
    }
    const to = e.to ?? '?';
    const delayedMs = this.options.linkDelayMs?.(node, to) ?? 0;
    const m: MessageEvent = {
      id,
      from: node,
      to,
      type: e.type ?? 'msg',
      sendAt: Math.min(this.base(node, e.t), this.options.nowMs()),
      ...messageFacts(e.detail),
      ...(delayedMs > 0 ? { delayedMs } : {}),
    };
    if (early) this.emit(this.settled(m, early.outcome)); // one event says both
    else {
      this.remember(id, m);
      this.emit(m);
    }
  }

  private settle(id: string, outcome: Outcome): void {
    const sent = this.open.get(id);
    if (!sent) {
      // Its send may still come (another node's flush): keep the outcome a while.
      this.early.set(id, { outcome, flush: this.flushes });
      if (this.early.size > MAX_OPEN) this.early.delete(this.early.keys().next().value as string);
      return;
    }
    this.open.delete(id);
    if (sent === 'skipped') {
      this.overflow++;
      return;
    }
    this.emit(this.settled(sent, outcome));
  }

  /** The message with its receipt (never before its send nor after now) or its drop. */
  private settled(sent: MessageEvent, outcome: Outcome): MessageEvent {
    return 'recvAt' in outcome
      ? { ...sent, recvAt: Math.max(sent.sendAt, Math.min(outcome.recvAt, this.options.nowMs())) }
      : { ...sent, dropped: outcome.dropped };
  }

  /** Every event of a kept message leaves, in order: take() hands out at most the cap, the rest waits. */
  private emit(m: MessageEvent): void {
    this.recent.push(m);
    this.pending.push(m);
  }

  /** What to send in this batch, and how many were left out. */
  take(): { messages: MessageEvent[]; dropped: number } | undefined {
    const cap = Math.max(1, this.options.maxPerFlush ?? 2_000);
    const messages = this.pending.length <= cap ? this.pending : this.pending.slice(0, cap);
    this.pending = this.pending.length <= cap ? [] : this.pending.slice(cap);
    const dropped = this.overflow;
    this.overflow = 0;
    this.adapt();
    return messages.length === 0 && dropped === 0 ? undefined : { messages, dropped };
  }

  /** The last messages, one entry per id (its latest state), oldest first. */
  snapshot(): MessageEvent[] {
    const latest = new Map<string, MessageEvent>();
    for (const m of this.recent.toArray()) {
      latest.delete(m.id);
      latest.set(m.id, m);
    }
    return [...latest.values()].sort((a, b) => a.sendAt - b.sendAt);
  }

  clear(): void {
    this.open.clear();
    this.early.clear();
    this.recent.clear();
    this.pending = [];
    this.overflow = 0;
    this.keptThisFlush = { heartbeat: 0, other: 0 };
    this.sendBudget = this.halfCap;
    this.heartbeatBudget = this.halfCap;
    this.offered = { heartbeat: 0, other: 0 };
    this.load = { heartbeat: 0, other: 0 };
    this.keepFraction = { heartbeat: 1, other: 1 };
  }
}
