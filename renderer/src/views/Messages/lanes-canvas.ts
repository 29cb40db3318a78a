/**
 * The live space-time diagram on a <canvas>: a lane per node, an arrow per message from its
 * send to its receipt, a dropped message stopping mid-way under an X, a delayed one dashed,
 * one still in flight dotted. Thousands of arrows are canvas strokes, not DOM nodes; the
 * canvas is drawn at most once per animation frame (every frame while live, since time
 * moves; only after a change while paused). It keeps no messages of its own: it reads the
 * messages store's fixed ring buffer, so memory is bounded there, once.
 *
 * A plain class (no Vue) so the view owns one and the geometry stays testable on its own.
 */
import type { MessageEvent } from '../../../../core/protocol/panel';
import { nodeLook, traceShape } from '../../style/nodes';
import {
  arrowFor,
  passesFilter,
  plotLeft,
  plotRight,
  laneY,
  timeToX,
  TimeViewport,
  type Arrow,
  type LaneGeometry,
  type TimeWindow,
} from './lanes-layout';

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
  /** The messages to draw, oldest first (the messages store's ring buffer). */
  readonly messages: () => Iterable<MessageEvent>;
  /** The earliest send still held: how far back one may scroll. */
  readonly oldestMs: () => number | undefined;
  /** Text of a time tick `agoMs` before now ("−5 s"), through the view's i18n. */
  readonly formatTick: (agoMs: number) => string;
  readonly spanMs?: number;
  /** A delivered message slower than this is drawn as delayed. */
  readonly delayedAboveMs?: number;
  readonly requestFrame?: (cb: () => void) => number;
  readonly cancelFrame?: (handle: number) => void;
}

export const DEFAULT_SPAN_MS = 10_000;
export const DEFAULT_DELAYED_ABOVE_MS = 200;

const DEFAULT_THEME: LanesTheme = { background: '#ffffff', grid: '#d0d4da', text: '#111418', drop: '#c62828', font: '600 18px system-ui, sans-serif' };

export class LanesCanvas {
  readonly viewport: TimeViewport;
  private lanes = new Map<string, number>();
  /** Each lane's colour, looked up once per lane change rather than once per arrow per frame. */
  private colours = new Map<string, string>();
  private kinds: ReadonlySet<string> = new Set();
  private nodes: ReadonlySet<string> = new Set();
  private geometry: LaneGeometry = { width: 300, height: 150, labelWidth: 72, padTop: 28, padBottom: 36 };
  private dpr = 1;
  private theme = DEFAULT_THEME;
  private frame: number | undefined;
  private dirty = true;
  private destroyed = false;
  private readonly delayedAboveMs: number;
  private readonly requestFrame: (cb: () => void) => number;
  private readonly cancelFrame: (handle: number) => void;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly options: LanesCanvasOptions,
  ) {
    this.viewport = new TimeViewport(options.spanMs ?? DEFAULT_SPAN_MS);
    this.delayedAboveMs = options.delayedAboveMs ?? DEFAULT_DELAYED_ABOVE_MS;
    this.requestFrame = options.requestFrame ?? ((cb) => requestAnimationFrame(cb));
    this.cancelFrame = options.cancelFrame ?? ((h) => cancelAnimationFrame(h));
    this.schedule();
  }

  /** Lanes top to bottom, in this order. */
  setLanes(nodes: readonly string[]): void {
    this.lanes = new Map(nodes.map((n, i) => [n, i] as const));
    this.colours = new Map(nodes.map((n) => [n, nodeLook(n).colour] as const));
    this.invalidate();
  }

  setFilter(kinds: ReadonlySet<string>, nodes: ReadonlySet<string>): void {
    this.kinds = kinds;
    this.nodes = nodes;
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

  /** CSS size of the canvas and the device pixel ratio (sharp lines on a projector). */
  resize(width: number, height: number, dpr = 1): void {
    this.geometry = { ...this.geometry, width: Math.max(1, width), height: Math.max(1, height) };
    this.dpr = dpr;
    this.canvas.width = Math.round(this.geometry.width * dpr);
    this.canvas.height = Math.round(this.geometry.height * dpr);
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

  /** The arrows the next frame draws (also what a hover looks up). */
  arrows(): Arrow[] {
    const now = this.options.now();
    const w = this.viewport.window(now);
    const out: Arrow[] = [];
    for (const m of this.options.messages()) {
      if (!passesFilter(m, this.kinds, this.nodes)) continue;
      const a = arrowFor(m, this.lanes, w, this.geometry, now, this.delayedAboveMs);
      if (a) out.push(a);
    }
    return out;
  }

  /** The message whose arrow passes nearest (x, y) in CSS pixels, within `tolerance`. */
  messageAt(x: number, y: number, tolerance = 6): MessageEvent | undefined {
    let best: { id: string; d: number } | undefined;
    for (const a of this.arrows()) {
      const d = distanceToSegment(x, y, a);
      if (d <= tolerance && (!best || d < best.d)) best = { id: a.id, d };
    }
    if (!best) return undefined;
    for (const m of this.options.messages()) if (m.id === best.id) return m;
    return undefined;
  }

  /** Asks for a draw on the next animation frame (several calls, one draw). */
  invalidate(): void {
    this.dirty = true;
    this.schedule();
  }

  destroy(): void {
    this.destroyed = true;
    if (this.frame !== undefined) this.cancelFrame(this.frame);
    this.frame = undefined;
  }

  private schedule(): void {
    if (this.destroyed || this.frame !== undefined) return;
    this.frame = this.requestFrame(() => {
      this.frame = undefined;
      if (this.dirty || this.viewport.live) this.draw();
      // While live the picture moves with time: keep one draw per frame going.
      if (this.viewport.live) this.schedule();
    });
  }

  draw(): void {
    this.dirty = false;
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    const g = this.geometry;
    const t = this.theme;
    const now = this.options.now();
    const w = this.viewport.window(now);
    ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    ctx.fillStyle = t.background;
    ctx.fillRect(0, 0, g.width, g.height);
    ctx.font = t.font;
    this.drawGrid(ctx, w, now);
    this.drawLanes(ctx);
    this.drawArrows(ctx, this.arrows());
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
      ctx.lineTo(x, g.height - g.padBottom + 6);
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

  private drawArrows(ctx: CanvasRenderingContext2D, arrows: Arrow[]): void {
    // One path per (colour, style): a few strokes per frame instead of one per arrow.
    const buckets = new Map<string, { colour: string; style: string; list: Arrow[] }>();
    for (const a of arrows) {
      const style = styleOf(a);
      const key = `${a.from}|${style}`;
      let bucket = buckets.get(key);
      if (!bucket) buckets.set(key, (bucket = { colour: this.colours.get(a.from) ?? this.theme.text, style, list: [] }));
      bucket.list.push(a);
    }
    ctx.lineWidth = 2;
    for (const { colour, style, list } of buckets.values()) {
      ctx.strokeStyle = colour;
      ctx.setLineDash(style === 'delayed' ? [8, 5] : style === 'in-flight' ? [2, 4] : []);
      ctx.beginPath();
      for (const a of list) {
        ctx.moveTo(a.x1, a.y1);
        ctx.lineTo(a.x2, a.y2);
        if (a.endVisible && a.kind === 'delivered') arrowHead(ctx, a);
      }
      ctx.stroke();
    }
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

function styleOf(a: Arrow): string {
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
