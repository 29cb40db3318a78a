/**
 * Which messages a frame of the space-time diagram draws, pure (no canvas). A busy cluster
 * fills the 20,000-message buffer in seconds, and a software-rasterised canvas stroking all
 * of it every frame takes the page down (one stroked path with thousands of crossing
 * segments costs the rasteriser far more than the JS that built it). So a frame:
 *   - looks only at the messages whose send falls in (or a little before) the visible window,
 *     found by binary search on the buffer, which is held in send order;
 *   - draws at most one arrow per lane pair per couple of pixels of send time (a second one
 *     there would cover the first), and when the window holds more than the cap, one per
 *     lane pair per wider bin, so the arrows drawn spread over the whole window rather than
 *     crowd its newest second; bins are anchored on absolute time so the choice does not
 *     flicker while the window moves;
 *   - draws at most `cap` arrows: drops and slow deliveries first (they are the story), then
 *     the newest of the rest; everything not drawn is counted per sender lane and per few
 *     pixels of send time, which the canvas draws as a density band along the lane.
 */
import type { MessageEvent } from '../../../../core/protocol/panel';
import { arrowFor, plotLeft, plotRight, type Arrow, type LaneGeometry, type TimeWindow } from './lanes-layout';

/** Arrows drawn per frame at most: enough to read, few enough for a software rasteriser. */
export const MAX_ARROWS_PER_FRAME = 800;
/**
 * Sends this long before the window's start are still looked at: a delivery slower than
 * this that began before the window is not drawn (its receipt end would cross the left edge).
 */
export const LOOKBACK_MS = 15_000;
/**
 * How far out of send order the buffer may be (it is in arrival order; nodes' batches reach
 * the supervisor up to a flush apart), so the search for the window's end looks this much past it.
 */
export const ORDER_SLACK_MS = 2_000;
/** One arrow per lane pair per this many pixels of send time. */
export const THIN_PX = 2;
/** Width of a density band's bins. */
export const BAND_BIN_PX = 4;

/** The buffer as the diagram reads it: the messages store's ring buffer, oldest first. */
export interface MessageLog {
  readonly size: number;
  at(i: number): MessageEvent | undefined;
}

/** An arrow with the message it stands for (what a hover shows). */
export interface DrawnArrow extends Arrow {
  readonly message: MessageEvent;
}

export interface Selection {
  readonly arrows: readonly DrawnArrow[];
  /** Per sender lane index: messages not drawn, per BAND_BIN_PX bin of send x from the plot's left. */
  readonly bands: ReadonlyMap<number, readonly number[]>;
  /** Messages in the window that passed the filters but are only in the bands. */
  readonly notDrawn: number;
}

export interface SelectOptions {
  readonly lanes: ReadonlyMap<string, number>;
  readonly window: TimeWindow;
  readonly geometry: LaneGeometry;
  readonly nowMs: number;
  readonly delayedAboveMs: number;
  readonly accept: (m: MessageEvent) => boolean;
  readonly cap?: number;
}

/** The first index whose send is at or after `tMs` (the log held in send order, give or take the slack). */
export function lowerBound(log: MessageLog, tMs: number): number {
  let lo = 0;
  let hi = log.size;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((log.at(mid)?.sendAt ?? Infinity) < tMs) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The index range [from, to) of the log that can reach the window. */
export function visibleRange(log: MessageLog, w: TimeWindow): { from: number; to: number } {
  const startMs = w.endMs - w.spanMs;
  return { from: lowerBound(log, startMs - LOOKBACK_MS), to: lowerBound(log, w.endMs + ORDER_SLACK_MS) };
}

function important(a: Arrow): boolean {
  return a.kind === 'dropped' || a.delayed;
}

export function selectArrows(log: MessageLog, o: SelectOptions): Selection {
  const cap = Math.max(0, o.cap ?? MAX_ARROWS_PER_FRAME);
  const g = o.geometry;
  const left = plotLeft(g);
  const plotWidth = Math.max(1, plotRight(g) - left);
  const laneCount = o.lanes.size;
  const { from, to } = visibleRange(log, o.window);
  let candidates = 0;
  for (let i = from; i < to; i++) {
    const m = log.at(i);
    if (m !== undefined && o.accept(m)) candidates++;
  }
  // More than the cap: widen the ordinary arrows' bins so about `cap` fit across all lane pairs.
  const pairs = Math.max(1, laneCount * (laneCount - 1));
  const thinPx = candidates > cap && cap > 0 ? Math.max(THIN_PX, (plotWidth * pairs) / cap) : THIN_PX;
  const msPerPx = o.window.spanMs / plotWidth;
  const urgentThinMs = Math.max(1e-6, THIN_PX * msPerPx);
  const thinMs = Math.max(1e-6, thinPx * msPerPx);
  const binCount = Math.ceil(plotWidth / BAND_BIN_PX) + 1;
  /** Per (from, to) lane pair: the last thinning bin an arrow was kept in (ordinary, urgent). */
  const lastBin = new Float64Array(Math.max(1, laneCount * laneCount)).fill(NaN);
  const lastUrgentBin = new Float64Array(Math.max(1, laneCount * laneCount)).fill(NaN);
  const urgent: DrawnArrow[] = [];
  const ordinary: DrawnArrow[] = [];
  const bands = new Map<number, number[]>();
  let notDrawn = 0;
  const toBand = (a: Arrow, fromLane: number): void => {
    const bin = Math.min(binCount - 1, Math.max(0, Math.floor((a.x1 - left) / BAND_BIN_PX)));
    let counts = bands.get(fromLane);
    if (!counts) bands.set(fromLane, (counts = new Array<number>(binCount).fill(0)));
    counts[bin] = (counts[bin] ?? 0) + 1;
    notDrawn++;
  };

  // Newest first, so that when the cap bites it is the oldest that go to the bands.
  for (let i = to - 1; i >= from; i--) {
    const m = log.at(i);
    if (m === undefined || !o.accept(m)) continue;
    const a = arrowFor(m, o.lanes, o.window, g, o.nowMs, o.delayedAboveMs);
    if (a === undefined) continue;
    const fromLane = o.lanes.get(m.from) ?? 0;
    const pair = fromLane * laneCount + (o.lanes.get(m.to) ?? 0);
    if (important(a)) {
      const bin = Math.floor(m.sendAt / urgentThinMs);
      if (urgent.length >= cap || lastUrgentBin[pair] === bin) toBand(a, fromLane);
      else {
        lastUrgentBin[pair] = bin;
        urgent.push({ ...a, message: m });
      }
      continue;
    }
    // Each pair's bins are offset a little, so the arrows kept interleave instead of lining up.
    const bin = Math.floor((m.sendAt + (pair / pairs) * thinMs) / thinMs);
    if (lastBin[pair] === bin || ordinary.length >= cap) {
      toBand(a, fromLane);
      continue;
    }
    lastBin[pair] = bin;
    ordinary.push({ ...a, message: m });
  }
  const room = cap - urgent.length;
  for (let i = room; i < ordinary.length; i++) {
    const a = ordinary[i]!;
    toBand(a, o.lanes.get(a.from) ?? 0);
  }
  return { arrows: [...urgent, ...ordinary.slice(0, Math.max(0, room))], bands, notDrawn };
}
