import { describe, expect, it } from 'vitest';
import type { MessageEvent } from '../../core/protocol/panel';
import { LanesCanvas, tickStepMs, distanceToSegment } from '../../renderer/src/views/Messages/lanes-canvas';
import {
  arrowFor,
  DROP_STUB_PX,
  IN_FLIGHT_LIMIT_MS,
  laneY,
  UNSEEN_RECEIPT_MS,
  passesFilter,
  timeToX,
  TimeViewport,
  xToTime,
  type LaneGeometry,
} from '../../renderer/src/views/Messages/lanes-layout';

const g: LaneGeometry = { width: 1100, height: 400, labelWidth: 100, padTop: 50, padBottom: 50 };
const lanes = new Map([['n1', 0], ['n2', 1], ['n3', 2]]);
const w = { endMs: 10_000, spanMs: 10_000 };
const msg = (over: Partial<MessageEvent>): MessageEvent => ({ id: 'm', from: 'n1', to: 'n3', type: 'paxos.accept', sendAt: 2_000, ...over });

describe('space-time geometry', () => {
  it('maps the window onto the plot: its start at the left edge, now at the right', () => {
    expect(timeToX(0, w, g)).toBe(100);
    expect(timeToX(10_000, w, g)).toBe(1100);
    expect(timeToX(5_000, w, g)).toBe(600);
    expect(xToTime(600, w, g)).toBe(5_000);
    expect(laneY(0, 3, g)).toBe(50);
    expect(laneY(2, 3, g)).toBe(350);
    expect(laneY(0, 1, g)).toBe(200);
  });

  it('draws a delivered message from its send on the sender lane to its receipt on the receiver lane', () => {
    const a = arrowFor(msg({ recvAt: 2_100 }), lanes, w, g, 10_000, 200)!;
    expect(a).toMatchObject({ kind: 'delivered', delayed: false, x1: 300, y1: 50, x2: 310, y2: 350, endVisible: true });
  });

  it('never runs an arrow backwards: a receipt stamped before its send is clamped to the send', () => {
    const a = arrowFor(msg({ recvAt: 1_500 }), lanes, w, g, 10_000, 200)!;
    expect(a.x2).toBe(a.x1);
    expect(a.transitMs).toBe(0);
  });

  it('marks a slow delivery as delayed, and a drop as a stub ending mid-way to the receiver', () => {
    expect(arrowFor(msg({ recvAt: 3_000 }), lanes, w, g, 10_000, 200)!.delayed).toBe(true);
    const d = arrowFor(msg({ dropped: 'cut' }), lanes, w, g, 10_000, 200)!;
    expect(d.kind).toBe('dropped');
    expect(d.x2 - d.x1).toBe(DROP_STUB_PX);
    expect(d.y2).toBe(200);
    expect(d.endVisible).toBe(true);
  });

  it('draws a message still in flight up to now, without a head', () => {
    const a = arrowFor(msg({}), lanes, w, g, 4_000, 200)!;
    expect(a.kind).toBe('in-flight');
    expect(a.x2).toBe(timeToX(4_000, w, g));
    expect(a.endVisible).toBe(false);
  });

  it('ends a stroke with no receipt short and faded a few seconds after its send (later on a delayed link)', () => {
    const now = 9_000;
    const a = arrowFor(msg({}), lanes, w, g, now, 200)!;
    expect(a.kind).toBe('in-flight');
    expect(a.endVisible).toBe(false);
    expect(a.x2).toBe(timeToX(2_000 + UNSEEN_RECEIPT_MS, w, g));
    expect(a.x2).toBeLessThan(timeToX(now, w, g));
    const slow = arrowFor(msg({ delayedMs: 3_000 }), lanes, w, g, now, 200)!;
    expect(slow.x2).toBe(timeToX(2_000 + 3_000 + UNSEEN_RECEIPT_MS, w, g));
  });

  it('stops drawing a message whose receipt or drop never came, after a minute', () => {
    const late = { endMs: 2_000 + IN_FLIGHT_LIMIT_MS + 1, spanMs: IN_FLIGHT_LIMIT_MS * 2 };
    expect(arrowFor(msg({}), lanes, late, g, late.endMs, 200)).toBeUndefined();
    expect(arrowFor(msg({ recvAt: 2_050 }), lanes, late, g, late.endMs, 200)?.kind).toBe('delivered');
  });

  it('cuts an arrow at the edges of the window and keeps its slope', () => {
    const past = { endMs: 12_000, spanMs: 10_000 }; // starts at 2 000 ms
    const a = arrowFor(msg({ sendAt: 1_000, recvAt: 3_000 }), lanes, past, g, 12_000, 10_000)!;
    expect(a.x1).toBe(100);
    expect(a.y1).toBeCloseTo(200); // half-way in time, half-way down
    const future = { endMs: 2_000, spanMs: 1_000 };
    const b = arrowFor(msg({ sendAt: 1_500, recvAt: 2_500 }), lanes, future, g, 3_000, 10_000)!;
    expect(b.x2).toBe(1100);
    expect(b.y2).toBeCloseTo(200);
    expect(b.endVisible).toBe(false);
  });

  it('leaves out messages outside the window, on hidden lanes, or to itself', () => {
    expect(arrowFor(msg({ sendAt: -5_000, recvAt: -4_000 }), lanes, w, g, 10_000, 200)).toBeUndefined();
    expect(arrowFor(msg({ sendAt: 11_000 }), lanes, w, g, 12_000, 200)).toBeUndefined();
    expect(arrowFor(msg({ to: 'n9', recvAt: 2_100 }), lanes, w, g, 10_000, 200)).toBeUndefined();
    expect(arrowFor(msg({ to: 'n1', recvAt: 2_100 }), lanes, w, g, 10_000, 200)).toBeUndefined();
  });

  it('filters by type and by node (either end); empty filters let everything through', () => {
    const m = msg({});
    expect(passesFilter(m, new Set(), new Set())).toBe(true);
    expect(passesFilter(m, new Set(['twopc.prepare']), new Set())).toBe(false);
    expect(passesFilter(m, new Set(['paxos.accept']), new Set(['n3']))).toBe(true);
    expect(passesFilter(m, new Set(), new Set(['n2']))).toBe(false);
  });
});

describe('TimeViewport', () => {
  it('follows now while live, freezes on pause, scrolls back no further than the oldest message', () => {
    const v = new TimeViewport(10_000);
    expect(v.window(50_000).endMs).toBe(50_000);
    v.pause(50_000);
    expect(v.window(60_000).endMs).toBe(50_000);
    v.scrollBy(-5_000, 60_000, 20_000);
    expect(v.window(60_000).endMs).toBe(45_000);
    v.scrollBy(-100_000, 60_000, 20_000);
    expect(v.window(60_000).endMs).toBe(30_000); // oldest + span
    expect(v.live).toBe(false);
    v.scrollBy(1_000_000, 60_000, 20_000);
    expect(v.live).toBe(true);
  });

  it('scrolling back with nothing older to show keeps the diagram paused', () => {
    const v = new TimeViewport(10_000);
    v.pause(50_000);
    v.scrollBy(-5_000, 50_000, 48_000);
    expect(v.live).toBe(false);
    expect(v.window(60_000).endMs).toBe(50_000);
  });

  it('scrolling while live pauses the diagram', () => {
    const v = new TimeViewport(10_000);
    v.scrollBy(-2_000, 50_000, 0);
    expect(v.live).toBe(false);
    expect(v.window(70_000).endMs).toBe(48_000);
  });
});

describe('LanesCanvas', () => {
  function setup(messages: MessageEvent[]) {
    const frames: (() => void)[] = [];
    let now = 10_000;
    const canvas = { width: 0, height: 0, getContext: () => null } as unknown as HTMLCanvasElement;
    const lc = new LanesCanvas(canvas, {
      now: () => now,
      messages: () => ({ size: messages.length, at: (i: number) => messages[i] }),
      oldestMs: () => messages[0]?.sendAt,
      formatTick: (ago) => `-${ago / 1000} s`,
      spanMs: 10_000,
      requestFrame: (cb) => frames.push(cb),
      cancelFrame: () => {},
    });
    lc.resize(1100, 400, 2);
    lc.setLanes(['n1', 'n2', 'n3']);
    return { lc, canvas, frames, setNow: (t: number) => (now = t) };
  }

  it('asks for one animation frame however many changes arrive before it', () => {
    const { lc, frames } = setup([]);
    lc.invalidate();
    lc.invalidate();
    lc.setFilter(new Set(), new Set());
    expect(frames).toHaveLength(1);
  });

  it('sizes the backing store by the device pixel ratio', () => {
    const { canvas } = setup([]);
    expect([canvas.width, canvas.height]).toEqual([2200, 800]);
  });

  it('keeps drawing every frame while live and stops asking once paused', () => {
    const { lc, frames } = setup([]);
    frames.shift()!();
    expect(frames).toHaveLength(1);
    lc.pause();
    frames.shift()!();
    expect(frames).toHaveLength(0);
    lc.resume();
    expect(frames).toHaveLength(1);
  });

  it('finds the message under the pointer, honouring the filters', () => {
    const messages = [msg({ id: 'a', recvAt: 2_100 }), msg({ id: 'b', from: 'n2', to: 'n1', type: 'twopc.prepare', sendAt: 6_000, recvAt: 6_050 })];
    const { lc } = setup(messages);
    const arrows = lc.arrows();
    expect(arrows.map((a) => a.id).sort()).toEqual(['a', 'b']);
    const a = arrows.find((x) => x.id === 'a')!;
    const mid = [(a.x1 + a.x2) / 2, (a.y1 + a.y2) / 2] as const;
    expect(lc.messageAt(mid[0] + 2, mid[1])?.id).toBe('a');
    lc.setFilter(new Set(['twopc.prepare']), new Set());
    expect(lc.arrows().map((x) => x.id)).toEqual(['b']);
    expect(lc.messageAt(mid[0] + 2, mid[1])).toBeUndefined();
  });

  it('scrolls back over what the store still holds', () => {
    const { lc, setNow } = setup([msg({ sendAt: 1_000, recvAt: 1_100 })]);
    setNow(60_000);
    lc.scrollBy(-120_000);
    expect(lc.window().endMs).toBe(11_000);
    expect(lc.live).toBe(false);
  });

  it('rounds grid steps and measures distance to a segment', () => {
    expect(tickStepMs(10_000)).toBe(2_000);
    expect(tickStepMs(60_000)).toBe(10_000);
    expect(distanceToSegment(5, 5, { x1: 0, y1: 0, x2: 10, y2: 0 })).toBe(5);
    expect(distanceToSegment(20, 0, { x1: 0, y1: 0, x2: 10, y2: 0 })).toBe(10);
  });
});
