/**
 * Node message events -> the panel's MessageEvents. Each node reports `msg.send`,
 * `msg.recv` and `msg.drop` on its own (possibly skewed) clock; here every time is moved
 * to the panel's base (ms since the Lab started: node time minus the skew the supervisor
 * set, minus the Lab's epoch), a receipt is paired with its send by id and never placed
 * before it, and only a bounded number of events leave per flush (the rest are counted).
 */
import type { NodeEvent } from '../../protocol/control';
import type { DropReason, MessageEvent } from '../../protocol/panel';
import { messageFacts } from '../../node/panel-facts';
import { RingBuffer } from './ring-buffer';

const DROP_REASONS: readonly DropReason[] = ['cut', 'drop', 'node-down', 'oversized'];

export interface MessageFeedOptions {
  /** ms since the epoch at which the panel's time base is 0. */
  readonly epochMs: number;
  /** The skew the supervisor set on a node (its clock = real + skew). */
  readonly skewOf: (node: string) => number;
  /** The panel's current time (a receipt is never placed after it). */
  readonly nowMs: () => number;
  /** The delay fault on a link now (delay + jitter bound), 0 when none. */
  readonly linkDelayMs?: (from: string, to: string) => number;
  /** Events sent per flush at most; the rest are counted in `dropped`. */
  readonly maxPerFlush?: number;
  /** Messages kept for a late panel's snapshot. */
  readonly keep?: number;
}

export class MessageFeed {
  /** Sends not yet received or dropped, by id (bounded: the oldest are forgotten). */
  private readonly open = new Map<string, MessageEvent>();
  private readonly recent: RingBuffer<MessageEvent>;
  private pending: MessageEvent[] = [];
  private overflow = 0;

  constructor(private readonly options: MessageFeedOptions) {
    this.recent = new RingBuffer(options.keep ?? 3_000);
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

  private send(node: string, e: NodeEvent, id: string): void {
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
    this.open.set(id, m);
    if (this.open.size > 20_000) this.open.delete(this.open.keys().next().value as string);
    this.emit(m);
  }

  private settle(id: string, outcome: { recvAt: number } | { dropped: DropReason }): void {
    const sent = this.open.get(id);
    if (!sent) return; // its send was never seen (dropped by a cap, or before this cluster)
    this.open.delete(id);
    const settled: MessageEvent =
      'recvAt' in outcome
        ? { ...sent, recvAt: Math.max(sent.sendAt, Math.min(outcome.recvAt, this.options.nowMs())) }
        : { ...sent, dropped: outcome.dropped };
    this.emit(settled);
  }

  private emit(m: MessageEvent): void {
    this.recent.push(m);
    if (this.pending.length < (this.options.maxPerFlush ?? 2_000)) this.pending.push(m);
    else this.overflow++;
  }

  /** What to send in this batch, and how many were left out. */
  take(): { messages: MessageEvent[]; dropped: number } | undefined {
    if (this.pending.length === 0 && this.overflow === 0) return undefined;
    const out = { messages: this.pending, dropped: this.overflow };
    this.pending = [];
    this.overflow = 0;
    return out;
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
    this.recent.clear();
    this.pending = [];
    this.overflow = 0;
  }
}
