/**
 * What one frame of the message diagram draws: only the visible window (found by binary
 * search), at most the cap of arrows, drops and slow deliveries first, the rest counted into
 * density bands; and the canvas drawing it in a few batched strokes, only when something
 * changed, never while the page is hidden, on a backing store of at most 2× its CSS size.
 */
import { describe, expect, it } from 'vitest';
import type { MessageEvent } from '../../core/protocol/panel';
import { RingBuffer } from '../../core/protocol/ring-buffer';
import { LanesCanvas, MAX_DPR } from '../../renderer/src/views/Messages/lanes-canvas';
import { arrowFor, isHeartbeat, passesFilter, type LaneGeometry } from '../../renderer/src/views/Messages/lanes-layout';
import {
  LOOKBACK_MS,
  lowerBound,
  MAX_ARROWS_PER_FRAME,
  ORDER_SLACK_MS,
  selectArrows,
  visibleRange,
  type MessageLog,
  type SelectOptions,
} from '../../renderer/src/views/Messages/lanes-select';

const NODES = ['n1', 'n2', 'n3', 'n4', 'n5'];
const lanes = new Map(NODES.map((n, i) => [n, i] as const));
const g: LaneGeometry = { width: 1272, height: 200, labelWidth: 72, padTop: 12, padBottom: 24 };

/** A busy cluster's ring buffer: `count` messages, one every `everyMs`, the last sent at `endMs`. */
function busyLog(count: number, everyMs: number, endMs: number): RingBuffer<MessageEvent> {
  const log = new RingBuffer<MessageEvent>(count);
  for (let i = 0; i < count; i++) {
    const sendAt = endMs - (count - 1 - i) * everyMs;
    const from = NODES[i % 5]!;
    const to = NODES[(i * 3 + 1) % 5 === i % 5 ? (i + 1) % 5 : (i * 3 + 1) % 5]!;
    log.push({ id: `m${i}`, from, to, type: i % 2 === 0 ? 'paxos.heartbeat' : 'paxos.accept', sendAt, recvAt: sendAt + 3 });
  }
  return log;
}

/** Counts the reads of a log, to show a frame does not walk the whole buffer. */
function counted(log: MessageLog): { log: MessageLog; reads: () => number } {
  let reads = 0;
  return { log: { size: log.size, at: (i) => (reads++, log.at(i)) }, reads: () => reads };
}

const options = (over: Partial<SelectOptions> = {}): SelectOptions => ({
  lanes,
  window: { endMs: 60_000, spanMs: 10_000 },
  geometry: g,
  nowMs: 60_000,
  delayedAboveMs: 200,
  accept: () => true,
  ...over,
});

const sum = (xs: Iterable<readonly number[]>): number => [...xs].reduce((s, c) => s + c.reduce((a, b) => a + b, 0), 0);

describe('choosing what a frame draws', () => {
  it('a full 20,000-message buffer gives at most the cap of arrows, all in the window; the rest are counted in the bands', () => {
    // 20,000 messages over the last 60 s (one every 3 ms); the window is the last 10 s.
    const log = busyLog(20_000, 3, 60_000);
    const o = options();
    const s = selectArrows(log, o);
    expect(s.arrows.length).toBeLessThanOrEqual(MAX_ARROWS_PER_FRAME);
    // Spread over the whole window, not crowded into its newest second.
    const sends = s.arrows.map((a) => a.message.sendAt);
    expect(Math.min(...sends)).toBeLessThan(52_000);
    expect(Math.max(...sends)).toBeGreaterThan(58_000);
    for (const a of s.arrows) {
      expect(a.message.sendAt).toBeGreaterThanOrEqual(50_000 - 3);
      expect(a.message.sendAt).toBeLessThanOrEqual(60_000);
    }
    // Every message the window holds is either an arrow or in a band, never both, never lost.
    const visible = log.toArray().filter((m) => arrowFor(m, lanes, o.window, g, o.nowMs, 200) !== undefined).length;
    expect(s.arrows.length + s.notDrawn).toBe(visible);
    expect(sum(s.bands.values())).toBe(s.notDrawn);
  });

  it('reads only the window of the buffer (binary search), not all of it', () => {
    const { log, reads } = counted(busyLog(20_000, 3, 60_000));
    selectArrows(log, options({ window: { endMs: 30_000, spanMs: 5_000 } }));
    // 5 s of window + the look-back + the order slack, at one message per 3 ms (read twice:
    // counted, then chosen), plus two searches.
    const slice = (5_000 + LOOKBACK_MS + ORDER_SLACK_MS) / 3;
    expect(reads()).toBeLessThan(2 * slice + 2 * 2 * Math.log2(20_000));
    expect(reads()).toBeLessThan(20_000);
  });

  it('finds the window by the send times', () => {
    const log = busyLog(1_000, 10, 10_000); // sends at 10, 20, …, 10 000
    expect(lowerBound(log, 0)).toBe(0);
    expect(lowerBound(log, 10)).toBe(0);
    expect(lowerBound(log, 15)).toBe(1);
    expect(lowerBound(log, 10_001)).toBe(1_000);
    const r = visibleRange(log, { endMs: 5_000, spanMs: 1_000 });
    expect(log.at(r.from)!.sendAt).toBe(Math.max(10, 4_000 - LOOKBACK_MS));
    expect(log.at(r.to)!.sendAt).toBe(5_000 + ORDER_SLACK_MS); // [from, to): sent before end + slack
    expect(log.at(r.to - 1)!.sendAt).toBeLessThan(5_000 + ORDER_SLACK_MS);
  });

  it('still draws a slow delivery sent before the window whose receipt is in it', () => {
    const log = new RingBuffer<MessageEvent>(10);
    log.push({ id: 'slow', from: 'n1', to: 'n2', type: 'paxos.accept', sendAt: 45_000, recvAt: 52_000 });
    log.push({ id: 'old', from: 'n1', to: 'n2', type: 'paxos.accept', sendAt: 45_000, recvAt: 45_010 });
    const s = selectArrows(log, options());
    expect(s.arrows.map((a) => a.id)).toEqual(['slow']);
    expect(s.arrows[0]!.delayed).toBe(true);
  });

  it('draws drops and slow deliveries first; past the cap, ordinary ones are spread out and the rest go to the bands', () => {
    const log = new RingBuffer<MessageEvent>(100);
    for (let i = 0; i < 40; i++) log.push({ id: `ok${i}`, from: 'n1', to: 'n2', type: 'paxos.accept', sendAt: 51_000 + i * 100, recvAt: 51_000 + i * 100 + 2 });
    log.push({ id: 'lost', from: 'n3', to: 'n4', type: 'paxos.accept', sendAt: 50_500, dropped: 'cut' });
    log.push({ id: 'slow', from: 'n2', to: 'n5', type: 'paxos.accept', sendAt: 50_600, recvAt: 51_500 });
    const s = selectArrows(log, options({ cap: 10 }));
    const ids = s.arrows.map((a) => a.id);
    expect(ids.length).toBeLessThanOrEqual(10);
    expect(ids).toContain('lost');
    expect(ids).toContain('slow');
    expect(ids).toContain('ok39'); // the newest
    expect(ids.length + s.notDrawn).toBe(42);
    // The band is on the sender's lane (n1 = lane 0), where the older sends are.
    expect([...s.bands.keys()]).toEqual([0]);
  });

  it('under the cap, draws one arrow per lane pair per couple of pixels; the others (which it would cover) go to the band', () => {
    const log = new RingBuffer<MessageEvent>(10);
    // 10 s over 1 200 px: 2 px is about 16.7 ms.
    log.push({ id: 'a', from: 'n1', to: 'n2', type: 'paxos.accept', sendAt: 55_005, recvAt: 55_008 });
    log.push({ id: 'b', from: 'n1', to: 'n2', type: 'paxos.accept', sendAt: 55_006, recvAt: 55_009 });
    log.push({ id: 'c', from: 'n2', to: 'n1', type: 'paxos.accept', sendAt: 55_006, recvAt: 55_009 });
    log.push({ id: 'd', from: 'n1', to: 'n2', type: 'paxos.accept', sendAt: 56_000, recvAt: 56_003 });
    const s = selectArrows(log, options());
    expect(s.arrows.map((a) => a.id).sort()).toEqual(['b', 'c', 'd']);
    expect(s.notDrawn).toBe(1);
  });

  it('hides heartbeats unless shown or picked by type, and draws shown ones faint (a dropped one as a drop)', () => {
    const hb: MessageEvent = { id: 'h', from: 'n1', to: 'n2', type: 'repl.heartbeat', sendAt: 55_000, recvAt: 55_002 };
    expect(isHeartbeat('paxos.heartbeat')).toBe(true);
    expect(isHeartbeat('paxos.accept')).toBe(false);
    expect(passesFilter(hb, new Set(), new Set(), false)).toBe(false);
    expect(passesFilter(hb, new Set(), new Set(), true)).toBe(true);
    expect(passesFilter(hb, new Set(['repl.heartbeat']), new Set(), false)).toBe(true);
    expect(arrowFor(hb, lanes, options().window, g, 60_000, 200)!.faint).toBe(true);
    expect(arrowFor({ ...hb, recvAt: undefined, dropped: 'cut' }, lanes, options().window, g, 60_000, 200)!.faint).toBe(false);
  });
});

/** A 2D context that only counts what is called on it. */
function countingContext(): { ctx: CanvasRenderingContext2D; calls: Map<string, number> } {
  const calls = new Map<string, number>();
  const ctx = new Proxy({} as Record<string | symbol, unknown>, {
    get(target, key) {
      if (key in target) return target[key];
      return (..._args: unknown[]) => {
        calls.set(String(key), (calls.get(String(key)) ?? 0) + 1);
      };
    },
    set(target, key, value) {
      target[key] = value;
      return true;
    },
  });
  return { ctx: ctx as unknown as CanvasRenderingContext2D, calls };
}

describe('drawing the frame', () => {
  function setup(log: MessageLog, over: { hidden?: () => boolean } = {}) {
    const frames: (() => void)[] = [];
    let now = 60_000;
    let contexts = 0;
    let sizeWrites = 0;
    const { ctx, calls } = countingContext();
    const size = { width: 0, height: 0 };
    const canvas = {
      getContext: () => (contexts++, ctx),
      get width() { return size.width; },
      set width(v: number) { sizeWrites++; size.width = v; },
      get height() { return size.height; },
      set height(v: number) { sizeWrites++; size.height = v; },
    } as unknown as HTMLCanvasElement;
    const drawn: [number, number][] = [];
    const lc = new LanesCanvas(canvas, {
      now: () => now,
      messages: () => log,
      oldestMs: () => log.at(0)?.sendAt,
      formatTick: () => '',
      spanMs: 10_000,
      requestFrame: (cb) => frames.push(cb),
      cancelFrame: () => {},
      onDrawn: (d, n) => drawn.push([d, n]),
      ...over,
    });
    lc.resize(1272, 200, 1);
    lc.setLanes(NODES);
    lc.setFilter(new Set(), new Set(), true);
    const runFrame = (): void => frames.shift()?.();
    return { lc, canvas, calls, frames, drawn, runFrame, draws: () => contexts, sizeWrites: () => sizeWrites, setNow: (t: number) => (now = t) };
  }

  it('strokes a full buffer in a few batched paths: no stroke, dash change or shadow per arrow', () => {
    const { calls, runFrame, drawn } = setup(busyLog(20_000, 3, 60_000));
    runFrame();
    const [arrows, notDrawn] = drawn[0]!;
    expect(arrows).toBeLessThanOrEqual(MAX_ARROWS_PER_FRAME);
    expect(notDrawn).toBeGreaterThan(0);
    // Grid + one per lane + one per (sender colour, style) + the drops' X: 5 lanes, 4 styles.
    expect(calls.get('stroke') ?? 0).toBeLessThanOrEqual(1 + 5 + 5 * 4 + 1);
    expect(calls.get('setLineDash') ?? 0).toBeLessThanOrEqual(2 + 5 * 4 + 1);
    expect(calls.get('fill') ?? 0).toBeLessThanOrEqual(5 + 5); // lane marks + a band per lane
    expect(calls.get('lineTo') ?? 0).toBeGreaterThan(arrows); // every arrow is in a path
  });

  it('draws only when something changed: new data or time moving the picture by a pixel', () => {
    const { lc, runFrame, draws, setNow, frames } = setup(busyLog(100, 10, 60_000));
    runFrame();
    expect(draws()).toBe(1);
    runFrame(); // same time, nothing new
    expect(draws()).toBe(1);
    setNow(60_040); // 40 ms is about 5 px
    runFrame();
    expect(draws()).toBe(2);
    lc.pause();
    runFrame();
    expect(draws()).toBe(3); // the pause itself changed the picture
    expect(frames).toHaveLength(0); // paused and clean: no frame asked for
    setNow(70_000);
    lc.invalidate(); // new messages while paused
    lc.invalidate();
    expect(frames).toHaveLength(1);
    runFrame();
    expect(draws()).toBe(4);
  });

  it('does not draw or ask for frames while the page is hidden, and starts again when shown', () => {
    let hidden = true;
    const { lc, frames, draws } = setup(busyLog(100, 10, 60_000), { hidden: () => hidden });
    expect(frames).toHaveLength(0);
    lc.invalidate();
    expect(frames).toHaveLength(0);
    hidden = false;
    document.dispatchEvent(new Event('visibilitychange'));
    expect(frames).toHaveLength(1);
    frames.shift()!();
    expect(draws()).toBe(1);
    lc.destroy();
  });

  it('sizes the backing store to CSS size × device pixel ratio, capped, and leaves it alone when unchanged', () => {
    const { lc, canvas, sizeWrites } = setup(busyLog(10, 10, 60_000));
    lc.resize(1000, 300, 3);
    expect([canvas.width, canvas.height]).toEqual([1000 * MAX_DPR, 300 * MAX_DPR]);
    const writes = sizeWrites();
    lc.resize(1000, 300, 2.5);
    expect(sizeWrites()).toBe(writes);
  });
});
