/**
 * A recorded panel feed (the frames a real `faultline serve` sent while a 5-node cluster
 * ran a workload) replayed at any rate for as long as wanted: the recording loops, each
 * loop's message ids made unique, and every supervisor time moved by one linear warp so the
 * page sees a feed whose clock runs forward, whose arrows still point forward, and whose
 * event rate is the one asked for. An "event" is one message send/receipt/drop or one other
 * change (a node's status, a lock table, a timeline line, ...).
 */
import type { MessageEvent, PanelChange, PanelServerMessage, PanelState } from '../../protocol/panel';

type Snapshot = Extract<PanelServerMessage, { type: 'snapshot' }>;
type Changes = Extract<PanelServerMessage, { type: 'changes' }>;

export interface Recording {
  readonly snapshot: Snapshot;
  readonly batches: readonly Changes[];
}

/** The first snapshot and the batches after it, up to any later snapshot (a resync). */
export function recordingOf(frames: readonly PanelServerMessage[]): Recording {
  const start = frames.findIndex((f) => f.type === 'snapshot');
  if (start < 0) throw new Error('the recording holds no snapshot');
  const batches: Changes[] = [];
  for (const f of frames.slice(start + 1)) {
    if (f.type === 'snapshot') break;
    if (f.type === 'changes') batches.push(f);
  }
  if (batches.length < 2) throw new Error(`the recording holds ${batches.length} batches; it needs a few seconds of feed`);
  return { snapshot: frames[start] as Snapshot, batches };
}

/** One unit of the feed: a message event or any other change, with its recorded time. */
type Unit = { readonly at: number; readonly message: MessageEvent } | { readonly at: number; readonly change: PanelChange };

/** Supervisor-time fields (ms on the panel's base). Node-clock fields (renewedAt, clockMs, deadlineMs) are left alone. */
const TIME_KEY = /^(atMs|nowMs|sendAt|recvAt|sinceMs|statusAtMs|expiresAtMs|startedAtMs|endedAtMs|readyAtMs|leaderAtMs|firstSeenAtMs|lastChangeAtMs)$/;

function warpTimes<T>(value: T, warp: (t: number) => number): T {
  if (Array.isArray(value)) return value.map((v) => warpTimes(v, warp)) as T;
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] = typeof v === 'number' && TIME_KEY.test(k) ? Math.round(warp(v)) : warpTimes(v, warp);
  }
  return out as T;
}

export class FeedReplayer {
  private readonly units: Unit[] = [];
  private readonly t0: number;
  /** Recorded ms one loop spans. */
  private readonly spanMs: number;
  private next = 0;
  private loop = 0;
  private seq = 0;
  /** Panel ms per recorded ms, so that `eventsPerSec` events fill one panel second. */
  private readonly scale: number;

  constructor(
    private readonly recording: Recording,
    eventsPerSec: number,
  ) {
    for (const b of recording.batches) {
      for (const c of b.changes) {
        if (c.kind === 'messages') for (const m of c.messages) this.units.push({ at: b.nowMs, message: m });
        else this.units.push({ at: b.nowMs, change: c });
      }
    }
    const first = recording.batches[0]!.nowMs;
    const last = recording.batches[recording.batches.length - 1]!.nowMs;
    this.t0 = recording.snapshot.nowMs;
    this.spanMs = Math.max(1, last - this.t0 + (last - first) / recording.batches.length);
    this.scale = this.units.length / eventsPerSec / (this.spanMs / 1000);
  }

  /** Events in one loop of the recording. */
  get eventsPerLoop(): number {
    return this.units.length;
  }

  /** Recorded events per recorded second. */
  get recordedRate(): number {
    return this.units.length / (this.spanMs / 1000);
  }

  private warp(loop: number): (t: number) => number {
    return (t) => (t - this.t0 + loop * this.spanMs) * this.scale;
  }

  snapshot(): Snapshot {
    this.seq = 0;
    const state: PanelState = warpTimes(this.recording.snapshot.state, this.warp(0));
    return { type: 'snapshot', seq: 0, nowMs: 0, state };
  }

  /** The next batch of `events` events, in recorded order, looping as needed. */
  batch(events: number): Changes {
    const changes: PanelChange[] = [];
    let messages: MessageEvent[] = [];
    let nowMs = 0;
    for (let i = 0; i < events; i++) {
      if (this.next === this.units.length) {
        this.next = 0;
        this.loop++;
      }
      const u = this.units[this.next++]!;
      const warp = this.warp(this.loop);
      nowMs = Math.round(warp(u.at));
      if ('message' in u) {
        const m = warpTimes(u.message, warp);
        messages.push(this.loop === 0 ? m : { ...m, id: `${m.id}~${this.loop}` });
      } else {
        if (messages.length > 0) changes.push({ kind: 'messages', messages, dropped: 0 });
        messages = [];
        changes.push(warpTimes(u.change, warp));
      }
    }
    if (messages.length > 0) changes.push({ kind: 'messages', messages, dropped: 0 });
    return { type: 'changes', seq: ++this.seq, nowMs, changes };
  }
}
