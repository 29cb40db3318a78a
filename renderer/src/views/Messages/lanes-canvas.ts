/**
 * The live space-time diagram on a <canvas>: a lane per node, an arrow per message from its
 * send to its receipt, a dropped message stopping mid-way under an X, a delayed one dashed,
 * one still in flight faded and without a head, heartbeats thin and faint. What a frame draws is chosen by
 * lanes-select.ts (the visible window only, at most MAX_ARROWS_PER_FRAME arrows, the rest as
 * a density band per lane), stroked in one path per colour and style. The canvas is drawn
 * at most once per animation frame and only when something changed: new messages, a filter,
 * a resize, or (while live) time having moved the picture by a pixel; never while the tab is
 * hidden. It keeps no messages of its own: it reads the messages store's fixed ring buffer,
 * so memory is bounded there, once.
 *
 * A plain class (no Vue) so the view owns one and the geometry stays testable on its own.
 */
import type { MessageEvent } from '../../../../core/protocol/panel';
import { nodeLook, traceShape } from '../../style/nodes';
import { passesFilter, plotLeft, plotRight, laneY, timeToX, TimeViewport, type Arrow, type LaneGeometry, type TimeWindow } from './lanes-layout';
import { BAND_BIN_PX, selectArrows, type DrawnArrow, type MessageLog, type Selection } from './lanes-select';

export interface LanesTheme {
  readonly background: string;
  readonly grid: string;
  readonly text: string;
  /** The X of a dropped message (also its shape, so colour is not the only signal). */
  readonly drop: string;
  readonly font: string;
}

export interface LanesCanvasOptions {
  /** Now, on the supervisor's time base (the one message times use). */
  readonly now: () => number;
  /** The messages to draw, in send order, oldest first (the messages store's ring buffer). */
  readonly messages: () => MessageLog;
  /** The earliest send still held: how far back one may scroll. */
  readonly oldestMs: () => number | undefined;
  /** Text of a time tick `agoMs` before now ("−5 s"), through the view's i18n. */
  readonly formatTick: (agoMs: number) => string;
  readonly spanMs?: number;
  /** A delivered message slower than this is drawn as delayed. */
  readonly delayedAboveMs?: number;
  /** Arrows per frame at most (lanes-select.ts). */
  readonly cap?: number;
  readonly requestFrame?: (cb: () => void) => number;
  readonly cancelFrame?: (handle: number) => void;
  /** Whether the page is hidden (no drawing then); default: document.hidden. */
  readonly hidden?: () => boolean;
  /** After each draw: how many messages the frame drew and how many only as density. */
  readonly onDrawn?: (drawn: number, notDrawn: number) => void;
}

export const DEFAULT_SPAN_MS = 10_000;
export const DEFAULT_DELAYED_ABOVE_MS = 200;
/** A sharper backing store costs four times the pixels per doubling: 2 is sharp on a projector. */
export const MAX_DPR = 2;
/** While live and nothing else changed, redraw at most this often (the picture moves slowly). */
export const LIVE_REDRAW_MS = 33;

const DEFAULT_THEME: LanesTheme = { background: '#ffffff', grid: '#d0d4da', text: '#111418', drop: '#c62828', font: '600 18px system-ui, sans-serif' };

export class LanesCanvas {
  readonly viewport: TimeViewport;
  private lanes = new Map<string, number>();
  /** Each lane's colour, looked up once per lane change rather than once per arrow per frame. */
  private colours = new Map<string, string>();
  private kinds: ReadonlySet<string> = new Set();
  private nodes: ReadonlySet<string> = new Set();
  private heartbeats = false;
  /** What the last frame drew (what a hover looks up, so it matches the screen). */
  private last: Selection | undefined;
  /** The time (now) and window end of the last draw, to tell whether time moved the picture. */
  private lastDrawNow = -Infinity;
  private lastDrawEnd = NaN;
  /** Slim top and bottom margins: on a 1280×720 screen the pane is short, and the lanes need the height. */
  private geometry: LaneGeometry = { width: 300, height: 150, labelWidth: 72, padTop: 12, padBottom: 24 };
  private dpr = 1;
  private theme = DEFAULT_THEME;
  private frame: number | undefined;
  private dirty = true;
  private destroyed = false;
  private readonly delayedAboveMs: number;
  private readonly requestFrame: (cb: () => void) => number;
  private readonly cancelFrame: (handle: number) => void;
  private readonly hidden: () => boolean;
  private readonly onVisibility = (): void => {
    if (!this.hidden()) this.invalidate();
  };

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly options: LanesCanvasOptions,
  ) {
    this.viewport = new TimeViewport(options.spanMs ?? DEFAULT_SPAN_MS);
    this.delayedAboveMs = options.delayedAboveMs ?? DEFAULT_DELAYED_ABOVE_MS;
    this.requestFrame = options.requestFrame ?? ((cb) => requestAnimationFrame(cb));
    this.cancelFrame = options.cancelFrame ?? ((h) => cancelAnimationFrame(h));
    this.hidden = options.hidden ?? (() => typeof document !== 'undefined' && document.hidden);
    if (typeof document !== 'undefined') document.addEventListener('visibilitychange', this.onVisibility);
    this.schedule();
  }

  /** Lanes top to bottom, in this order. */
  setLanes(nodes: readonly string[]): void {
    this.lanes = new Map(nodes.map((n, i) => [n, i] as const));
    this.colours = new Map(nodes.map((n) => [n, nodeLook(n).colour] as const));
    this.invalidate();
  }

  /** Types and nodes to show (empty: all); heartbeats shown (faint) or hidden. */
  setFilter(kinds: ReadonlySet<string>, nodes: ReadonlySet<string>, heartbeats = this.heartbeats): void {
    this.kinds = kinds;
    this.nodes = nodes;
    this.heartbeats = heartbeats;
    this.invalidate();
  }

  setTheme(theme: LanesTheme): void {
    this.theme = theme;
    this.invalidate();
  }

  setSpan(spanMs: number): void {
    this.viewport.spanMs = Math.max(1_000, spanMs);
    this.invalidate();
  }

  /**
   * CSS size of the canvas and the device pixel ratio (sharp lines on a projector, capped at
   * MAX_DPR). The backing store is reallocated only when its size really changes.
   */
  resize(width: number, height: number, dpr = 1): void {
    this.geometry = { ...this.geometry, width: Math.max(1, Math.round(width)), height: Math.max(1, Math.round(height)) };
    this.dpr = Math.min(MAX_DPR, Math.max(1, dpr || 1));
    const bw = Math.round(this.geometry.width * this.dpr);
    const bh = Math.round(this.geometry.height * this.dpr);
    if (this.canvas.width !== bw) this.canvas.width = bw;
    if (this.canvas.height !== bh) this.canvas.height = bh;
    this.invalidate();
  }

  get live(): boolean {
    return this.viewport.live;
  }

  pause(): void {
    this.viewport.pause(this.options.now());
    this.invalidate();
  }

  resume(): void {
    this.viewport.resume();
    this.invalidate();
  }

  /** Negative = back in time. */
  scrollBy(deltaMs: number): void {
    this.viewport.scrollBy(deltaMs, this.options.now(), this.options.oldestMs());
    this.invalidate();
  }

  window(): TimeWindow {
    return this.viewport.window(this.options.now());
  }

  /** What a frame drawn now would draw. */
  select(now = this.options.now()): Selection {
    return selectArrows(this.options.messages(), {
      lanes: this.lanes,
      window: this.viewport.window(now),
      geometry: this.geometry,
      nowMs: now,
      delayedAboveMs: this.delayedAboveMs,
      accept: (m) => passesFilter(m, this.kinds, this.nodes, this.heartbeats),
      ...(this.options.cap !== undefined ? { cap: this.options.cap } : {}),
    });
  }

  /** The arrows a frame drawn now would draw. */
  arrows(): readonly DrawnArrow[] {
    return this.select().arrows;
  }

  /** The message whose arrow, as last drawn, passes nearest (x, y) in CSS pixels, within `tolerance`. */
  messageAt(x: number, y: number, tolerance = 6): MessageEvent | undefined {
    let best: { m: MessageEvent; d: number } | undefined;
    for (const a of (this.last ?? this.select()).arrows) {
      const d = distanceToSegment(x, y, a);
      if (d <= tolerance && (!best || d < best.d)) best = { m: a.message, d };
    }
    return best?.m;
  }

  /** Asks for a draw on the next animation frame (several calls, one draw). */
  invalidate(): void {
    this.dirty = true;
    this.last = undefined;
    this.schedule();
  }

  destroy(): void {
    this.destroyed = true;
    if (typeof document !== 'undefined') document.removeEventListener('visibilitychange', this.onVisibility);
    if (this.frame !== undefined) this.cancelFrame(this.frame);
    this.frame = undefined;
  }

  private schedule(): void {
    // A hidden page draws nothing; the visibilitychange listener starts again.
    if (this.destroyed || this.frame !== undefined || this.hidden()) return;
    this.frame = this.requestFrame(() => {
      this.frame = undefined;
      if (this.hidden()) return;
      const now = this.options.now();
      if (this.dirty || this.timeMoved(now)) this.draw(now);
      // While live the picture moves with time: keep asking, drawing only when it moved.
      if (this.viewport.live) this.schedule();
    });
  }

  /** Live, and time has moved the picture by at least a pixel since the last draw, not too soon. */
  private timeMoved(now: number): boolean {
    if (!this.viewport.live || now - this.lastDrawNow < LIVE_REDRAW_MS) return false;
    const g = this.geometry;
    const pxPerMs = (plotRight(g) - plotLeft(g)) / Math.max(1, this.viewport.spanMs);
    return !(Math.abs(this.viewport.window(now).endMs - this.lastDrawEnd) * pxPerMs < 1);
  }

  draw(now = this.options.now()): void {
    this.dirty = false;
    const w = this.viewport.window(now);
    this.lastDrawNow = now;
    this.lastDrawEnd = w.endMs;
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    const g = this.geometry;
    const t = this.theme;
    ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    ctx.fillStyle = t.background;
    ctx.fillRect(0, 0, g.width, g.height);
    ctx.font = t.font;
    this.drawGrid(ctx, w, now);
    const selection = this.select(now);
    this.last = selection;
    this.drawBands(ctx, selection.bands);
    this.drawLanes(ctx);
    this.drawArrows(ctx, selection.arrows);
    this.options.onDrawn?.(selection.arrows.length, selection.notDrawn);
  }

  /**
   * The messages not drawn as arrows, as a band along their sender's lane whose thickness
   * follows how many were sent there (one translucent fill per lane).
   */
  private drawBands(ctx: CanvasRenderingContext2D, bands: ReadonlyMap<number, readonly number[]>): void {
    if (bands.size === 0) return;
    let most = 1;
    for (const counts of bands.values()) for (const c of counts) if (c > most) most = c;
    const g = this.geometry;
    const half = Math.max(3, Math.min(14, this.laneGap() * 0.35));
    const left = plotLeft(g);
    const right = plotRight(g);
    const names = [...this.lanes.keys()];
    ctx.save();
    ctx.globalAlpha = 0.3;
    for (const [lane, counts] of bands) {
      const y = laneY(lane, this.lanes.size, g);
      ctx.fillStyle = this.colours.get(names[lane] ?? '') ?? this.theme.text;
      ctx.beginPath();
      counts.forEach((c, i) => {
        if (c === 0) return;
        const h = Math.max(1.5, half * Math.sqrt(c / most));
        const x = left + i * BAND_BIN_PX;
        ctx.rect(x, y - h, Math.min(BAND_BIN_PX, right - x), 2 * h);
      });
      ctx.fill();
    }
    ctx.restore();
  }

  /** Distance between neighbouring lanes, CSS pixels. */
  private laneGap(): number {
    const n = this.lanes.size;
    return n <= 1 ? this.geometry.height / 2 : laneY(1, n, this.geometry) - laneY(0, n, this.geometry);
  }

  private drawGrid(ctx: CanvasRenderingContext2D, w: TimeWindow, nowMs: number): void {
    const g = this.geometry;
    const stepMs = tickStepMs(w.spanMs);
    ctx.strokeStyle = this.theme.grid;
    ctx.fillStyle = this.theme.text;
    ctx.lineWidth = 1;
    ctx.setLineDash([]);
    ctx.textAlign = 'center';
    ctx.textBaseline = 'bottom';
    ctx.beginPath();
    for (let ago = 0; ago <= w.spanMs; ago += stepMs) {
      const x = timeToX(w.endMs - ago, w, g);
      ctx.moveTo(x, g.padTop / 2);
      ctx.lineTo(x, g.height - g.padBottom + 2);
      // Labels count back from now, so a paused or scrolled window says how long ago it was.
      ctx.fillText(this.options.formatTick(Math.round(nowMs - w.endMs + ago)), Math.min(Math.max(x, plotLeft(g) + 24), plotRight(g) - 24), g.height - 4);
    }
    ctx.stroke();
  }

  private drawLanes(ctx: CanvasRenderingContext2D): void {
    const g = this.geometry;
    ctx.textAlign = 'left';
    ctx.textBaseline = 'middle';
    ctx.lineWidth = 2;
    ctx.setLineDash([]);
    for (const [node, index] of this.lanes) {
      const y = laneY(index, this.lanes.size, g);
      const look = nodeLook(node);
      ctx.strokeStyle = look.colour;
      ctx.beginPath();
      ctx.moveTo(plotLeft(g), y);
      ctx.lineTo(plotRight(g), y);
      ctx.stroke();
      // The node's shape and name, not only its colour, say whose lane it is.
      ctx.fillStyle = look.colour;
      traceShape(ctx, look.shape, 14, y, 7);
      ctx.fill();
      ctx.fillStyle = this.theme.text;
      ctx.fillText(node, 28, y);
    }
  }

  private drawArrows(ctx: CanvasRenderingContext2D, arrows: readonly Arrow[]): void {
    // One path per (colour, style): a few strokes per frame instead of one per arrow.
    const buckets = new Map<string, { colour: string; style: Style; list: Arrow[] }>();
    for (const a of arrows) {
      const style = styleOf(a);
      const key = `${a.from}|${style}`;
      let bucket = buckets.get(key);
      if (!bucket) buckets.set(key, (bucket = { colour: this.colours.get(a.from) ?? this.theme.text, style, list: [] }));
      bucket.list.push(a);
    }
    for (const { colour, style, list } of buckets.values()) {
      ctx.strokeStyle = colour;
      ctx.lineWidth = style === 'faint' ? 1 : 2;
      ctx.globalAlpha = style === 'faint' ? 0.35 : style === 'in-flight' ? 0.45 : 1;
      // Only slow deliveries are dashed: a dash pattern makes the rasteriser stroke every dash
      // on its own, and there can be many in-flight strokes (up to a few seconds long each, longer
      // on a delayed link), so dotting them multiplied a frame's cost. They are faded instead.
      ctx.setLineDash(style === 'delayed' ? [8, 5] : []);
      ctx.beginPath();
      for (const a of list) {
        ctx.moveTo(a.x1, a.y1);
        ctx.lineTo(a.x2, a.y2);
        if (a.endVisible && a.kind === 'delivered' && style !== 'faint') arrowHead(ctx, a);
      }
      ctx.stroke();
    }
    ctx.globalAlpha = 1;
    // Drops: an X where the message was lost, in the drop colour.
    ctx.setLineDash([]);
    ctx.strokeStyle = this.theme.drop;
    ctx.lineWidth = 3;
    ctx.beginPath();
    for (const a of arrows) {
      if (a.kind !== 'dropped' || !a.endVisible) continue;
      const r = 5;
      ctx.moveTo(a.x2 - r, a.y2 - r);
      ctx.lineTo(a.x2 + r, a.y2 + r);
      ctx.moveTo(a.x2 + r, a.y2 - r);
      ctx.lineTo(a.x2 - r, a.y2 + r);
    }
    ctx.stroke();
  }
}

type Style = 'faint' | 'in-flight' | 'delayed' | 'solid';

function styleOf(a: Arrow): Style {
  if (a.faint) return 'faint';
  if (a.kind === 'in-flight') return 'in-flight';
  return a.delayed ? 'delayed' : 'solid';
}

function arrowHead(ctx: CanvasRenderingContext2D, a: Arrow): void {
  const angle = Math.atan2(a.y2 - a.y1, a.x2 - a.x1);
  const size = 9;
  for (const side of [-1, 1]) {
    ctx.moveTo(a.x2, a.y2);
    ctx.lineTo(a.x2 - size * Math.cos(angle + (side * Math.PI) / 7), a.y2 - size * Math.sin(angle + (side * Math.PI) / 7));
  }
  ctx.moveTo(a.x2, a.y2);
}

/** Grid every 1, 2 or 5 × 10^n ms, about six lines across the window. */
export function tickStepMs(spanMs: number): number {
  const raw = Math.max(1, spanMs) / 6;
  const pow = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5]) if (m * pow >= raw) return m * pow;
  return 10 * pow;
}

export function distanceToSegment(x: number, y: number, a: Pick<Arrow, 'x1' | 'y1' | 'x2' | 'y2'>): number {
  const dx = a.x2 - a.x1;
  const dy = a.y2 - a.y1;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.min(1, Math.max(0, ((x - a.x1) * dx + (y - a.y1) * dy) / len2));
  return Math.hypot(x - (a.x1 + t * dx), y - (a.y1 + t * dy));
}
