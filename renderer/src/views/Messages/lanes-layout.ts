/**
 * The space-time diagram's geometry, pure (no canvas): where a lane lies, where a time
 * falls on x, and the arrow drawn for a message. Times are on the supervisor's base; a
 * receipt stamped before its send (it must not happen, but a skewed or late stamp must not
 * draw nonsense) is clamped to the send, so an arrow never runs backwards.
 */
import type { MessageEvent } from '../../../../core/protocol/panel';

export interface LaneGeometry {
  /** CSS pixels. */
  readonly width: number;
  readonly height: number;
  /** Left band holding the lane names. */
  readonly labelWidth: number;
  readonly padTop: number;
  readonly padBottom: number;
}

/** The window of time on screen: it ends at `endMs` and spans `spanMs`. */
export interface TimeWindow {
  readonly endMs: number;
  readonly spanMs: number;
}

export type ArrowKind = 'delivered' | 'dropped' | 'in-flight';

export interface Arrow {
  readonly id: string;
  readonly from: string;
  readonly kind: ArrowKind;
  /** Drawn as slowed (dashed): delivered after more than the threshold in transit. */
  readonly delayed: boolean;
  /** A heartbeat that arrived (or is on its way): routine traffic, drawn thin and faint. */
  readonly faint: boolean;
  readonly x1: number;
  readonly y1: number;
  readonly x2: number;
  readonly y2: number;
  /** The receipt (delivered) or the drop (dropped) is on screen: draw the head or the X. */
  readonly endVisible: boolean;
  readonly transitMs: number;
}

/** How far toward the receiver a dropped (or in-flight) message is drawn: the X sits mid-way. */
export const DROP_FRACTION = 0.5;
/**
 * A drop carries no time of its own (the link dropped it as it was sent, or the receiver
 * was down): its stub is drawn at least this wide so the X does not sit on the lane.
 */
export const DROP_STUB_PX = 18;
/**
 * A message with neither receipt nor drop after this long is no longer drawn: its fate was
 * lost (the supervisor leaves events out of a bounded batch under load), and a stroke to
 * now would cross the whole diagram for ever. A real long delay (seconds) stays visible.
 */
export const IN_FLIGHT_LIMIT_MS = 60_000;
/**
 * How long past its link's configured delay (`delayedMs`, 0 on a plain link) a message with
 * no receipt is drawn growing toward now. A receipt this late on a LAN is almost surely one
 * the supervisor skipped under load, so the stroke stops there, short and faded, instead of
 * running across the whole window until IN_FLIGHT_LIMIT_MS.
 */
export const UNSEEN_RECEIPT_MS = 2_500;

export function plotLeft(g: LaneGeometry): number {
  return g.labelWidth;
}

export function plotRight(g: LaneGeometry): number {
  return Math.max(g.labelWidth + 1, g.width);
}

/** The centre line of lane `index` of `count`, lanes spread evenly over the height. */
export function laneY(index: number, count: number, g: LaneGeometry): number {
  const inner = Math.max(1, g.height - g.padTop - g.padBottom);
  if (count <= 1) return g.padTop + inner / 2;
  return g.padTop + (inner * index) / (count - 1);
}

export function timeToX(tMs: number, w: TimeWindow, g: LaneGeometry): number {
  const left = plotLeft(g);
  const span = Math.max(1, w.spanMs);
  return left + ((tMs - (w.endMs - span)) / span) * (plotRight(g) - left);
}

export function xToTime(x: number, w: TimeWindow, g: LaneGeometry): number {
  const left = plotLeft(g);
  const span = Math.max(1, w.spanMs);
  return w.endMs - span + ((x - left) / Math.max(1, plotRight(g) - left)) * span;
}

/** Where a message ends on the time axis, never before it was sent. */
export function endTimeOf(m: MessageEvent, nowMs: number): { kind: ArrowKind; endMs: number } {
  if (m.dropped !== undefined) return { kind: 'dropped', endMs: Math.max(m.sendAt, m.recvAt ?? m.sendAt) };
  if (m.recvAt !== undefined) return { kind: 'delivered', endMs: Math.max(m.sendAt, m.recvAt) };
  const giveUpAt = m.sendAt + (m.delayedMs ?? 0) + UNSEEN_RECEIPT_MS;
  return { kind: 'in-flight', endMs: Math.max(m.sendAt, Math.min(nowMs, giveUpAt)) };
}

/**
 * The arrow for a message, or undefined when it lies wholly outside the window or one of
 * its lanes is not shown. The segment is cut to the plot's edges (so nothing is drawn over
 * the lane labels) and keeps its slope.
 */
export function arrowFor(
  m: MessageEvent,
  lanes: ReadonlyMap<string, number>,
  w: TimeWindow,
  g: LaneGeometry,
  nowMs: number,
  delayedAboveMs: number,
): Arrow | undefined {
  const fromLane = lanes.get(m.from);
  const toLane = lanes.get(m.to);
  if (fromLane === undefined || toLane === undefined || m.from === m.to) return undefined;
  const { kind, endMs } = endTimeOf(m, nowMs);
  if (kind === 'in-flight' && nowMs - m.sendAt > IN_FLIGHT_LIMIT_MS) return undefined;
  const startMs = w.endMs - w.spanMs;
  if (endMs < startMs || m.sendAt > w.endMs) return undefined;

  const count = lanes.size;
  const y1 = laneY(fromLane, count, g);
  const yTo = laneY(toLane, count, g);
  const y2 = kind === 'delivered' ? yTo : y1 + (yTo - y1) * DROP_FRACTION;
  const sendX = timeToX(m.sendAt, w, g);
  const endX = kind === 'dropped' ? Math.max(timeToX(endMs, w, g), sendX + DROP_STUB_PX) : timeToX(endMs, w, g);
  const left = plotLeft(g);
  const right = plotRight(g);
  const endVisible = endX <= right && kind !== 'in-flight';
  let x1 = sendX;
  let x2 = endX;
  let ya = y1;
  let yb = y2;
  if (endX > sendX) {
    const slope = (y2 - y1) / (endX - sendX);
    if (sendX < left) {
      ya = y1 + slope * (left - sendX);
      x1 = left;
    }
    if (endX > right) {
      yb = y1 + slope * (right - sendX);
      x2 = right;
    }
  } else {
    // Instant (or clamped) transit: a vertical stroke at the send time.
    x1 = Math.min(Math.max(sendX, left), right);
    x2 = x1;
  }
  const transitMs = endMs - m.sendAt;
  const delayed = kind === 'delivered' && transitMs > delayedAboveMs;
  const faint = kind !== 'dropped' && !delayed && isHeartbeat(m.type);
  return { id: m.id, from: m.from, kind, delayed, faint, x1, y1: ya, x2, y2: yb, endVisible, transitMs };
}

/**
 * A heartbeat ("paxos.heartbeat", "repl.heartbeat"): most of the traffic of an idle cluster,
 * hidden by default and drawn faint when shown, so the messages that do something stand out.
 */
export function isHeartbeat(type: string): boolean {
  return type === 'heartbeat' || type.endsWith('.heartbeat');
}

/**
 * Whether a message passes the filters (an empty set lets everything through). Heartbeats
 * pass only when shown, or when their type is picked by name.
 */
export function passesFilter(m: MessageEvent, kinds: ReadonlySet<string>, nodes: ReadonlySet<string>, heartbeats = true): boolean {
  if (kinds.size > 0 && !kinds.has(m.type)) return false;
  if (!heartbeats && kinds.size === 0 && isHeartbeat(m.type)) return false;
  if (nodes.size > 0 && !nodes.has(m.from) && !nodes.has(m.to)) return false;
  return true;
}

/**
 * Live or paused, and where a paused window sits. Live follows now; pausing freezes the
 * window; scrolling pauses and moves it, never before the oldest message held nor past now.
 */
export class TimeViewport {
  live = true;
  private frozenEndMs = 0;

  constructor(public spanMs: number) {}

  window(nowMs: number): TimeWindow {
    return { endMs: this.live ? nowMs : Math.min(this.frozenEndMs, nowMs), spanMs: this.spanMs };
  }

  pause(nowMs: number): void {
    if (this.live) this.frozenEndMs = nowMs;
    this.live = false;
  }

  resume(): void {
    this.live = true;
  }

  /**
   * Moves the window by `deltaMs` (negative = back in time). Scrolling forward up to now
   * goes live again; scrolling back never does, even when there is nothing older to show.
   */
  scrollBy(deltaMs: number, nowMs: number, oldestMs: number | undefined): void {
    const current = this.window(nowMs).endMs;
    this.pause(nowMs);
    const earliestEnd = oldestMs === undefined ? nowMs : Math.min(nowMs, oldestMs + this.spanMs);
    const target = Math.min(nowMs, Math.max(earliestEnd, current + deltaMs));
    this.frozenEndMs = target;
    if (deltaMs > 0 && target >= nowMs) this.live = true;
  }
}
