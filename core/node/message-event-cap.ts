/**
 * A node's message events (msg.send / msg.recv / msg.drop) for one flush, at most `cap` of
 * them. Over the cap it does not keep the first N and lose the rest (which split messages: the
 * sender kept its send while the receiver, over its own cap, lost the receipt); it keeps the
 * messages whose id hash is under a keep fraction, halving the fraction (1, 1/2, 1/4, ...) and
 * letting go of what falls out, until the flush fits. The hash is the one the supervisor's
 * message feed keeps whole messages by (core/protocol/message-sample.ts), so two nodes at the
 * same fraction keep the same messages, and a node at a smaller fraction keeps a subset of
 * what a node at a larger one keeps: a message is split only between two different fractions.
 * Everything let go is counted.
 */
import type { NodeEvent } from '../protocol/control';
import { keepsMessage } from '../protocol/message-sample';

export class MessageEventCap {
  private events: NodeEvent[] = [];
  private fraction = 1;
  private skippedCount = 0;

  constructor(private readonly cap: number) {
    if (!(cap >= 1)) throw new RangeError(`message event cap must be at least 1, got ${cap}`);
  }

  /** The fraction of messages this flush keeps so far (1 while under the cap). */
  get keepFraction(): number {
    return this.fraction;
  }

  add(e: NodeEvent): void {
    // An event without an id cannot be matched across nodes: it is kept only while there is room at full fraction.
    if (e.id === undefined ? this.fraction < 1 : !keepsMessage(e.id, this.fraction)) {
      this.skippedCount++;
      return;
    }
    this.events.push(e);
    while (this.events.length > this.cap) this.narrow();
  }

  /** This flush's kept events and how many were let go; starts the next flush at fraction 1. */
  take(): { events: NodeEvent[]; skipped: number } {
    const out = { events: this.events, skipped: this.skippedCount };
    this.events = [];
    this.fraction = 1;
    this.skippedCount = 0;
    return out;
  }

  private narrow(): void {
    this.fraction /= 2;
    const kept = this.events.filter((e) => e.id !== undefined && keepsMessage(e.id, this.fraction));
    this.skippedCount += this.events.length - kept.length;
    this.events = kept;
  }
}
