/**
 * The panel bench's feed replayer: a recorded feed looped at any rate stays a feed the page
 * accepts (consecutive seq, unique message ids, a clock and arrows that never run backwards)
 * with exactly the events asked for.
 */
import { describe, expect, it } from 'vitest';
import type { MessageEvent, PanelChange, PanelServerMessage, PanelState } from '../../core/protocol/panel';
import { FeedReplayer, recordingOf } from '../../core/bench/browser/replay-feed';

const state = { nodes: [], links: [], timeline: [], messages: [] } as unknown as PanelState;

function frames(): PanelServerMessage[] {
  const out: PanelServerMessage[] = [{ type: 'hello', role: 'viewer', protocol: 2 }, { type: 'snapshot', seq: 3, nowMs: 1_000, state }];
  for (let b = 1; b <= 10; b++) {
    const at = 1_000 + b * 100;
    const messages: MessageEvent[] = [
      { id: `m${b}`, from: 'n1', to: 'n2', type: 'paxos.accept', sendAt: at - 40 },
      { id: `m${b}`, from: 'n1', to: 'n2', type: 'paxos.accept', sendAt: at - 40, recvAt: at - 10 },
    ];
    const changes: PanelChange[] = [{ kind: 'messages', messages, dropped: 0 }, { kind: 'timeline', entry: { atMs: at - 5, kind: 'fault', code: 'fault.kill', params: { node: 'n3' }, text: `f${b}` } }];
    out.push({ type: 'changes', seq: 3 + b, nowMs: at, changes });
  }
  return out;
}

describe('FeedReplayer', () => {
  it('replays a recording at the asked rate: consecutive seq, unique ids, times that only go forward', () => {
    const rec = recordingOf(frames());
    const r = new FeedReplayer(rec, 300);
    expect(r.eventsPerLoop).toBe(30);
    const snap = r.snapshot();
    expect(snap.seq).toBe(0);
    const batches = Array.from({ length: 10 }, () => r.batch(7)); // 70 events: two loops and a bit
    expect(batches.map((b) => b.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const events = batches.flatMap((b) => b.changes.flatMap((c): unknown[] => (c.kind === 'messages' ? [...c.messages] : [c])));
    expect(events).toHaveLength(70);
    const messages = batches.flatMap((b) => b.changes.flatMap((c) => (c.kind === 'messages' ? c.messages : [])));
    // A send and its receipt share an id; no id is reused across loops.
    const received = messages.filter((m) => m.recvAt !== undefined);
    expect(new Set(received.map((m) => m.id)).size).toBe(received.length);
    for (const m of received) expect(m.recvAt!).toBeGreaterThanOrEqual(m.sendAt);
    const now = batches.map((b) => b.nowMs);
    for (let i = 1; i < now.length; i++) expect(now[i]!).toBeGreaterThanOrEqual(now[i - 1]!);
    // 300 events a panel second: 70 events span about 0.23 s of panel time.
    expect(now[now.length - 1]!).toBeGreaterThan(150);
    expect(now[now.length - 1]!).toBeLessThan(300);
  });

  it('refuses a recording without a snapshot or with too little feed', () => {
    expect(() => recordingOf([{ type: 'hello', role: 'viewer', protocol: 2 }])).toThrow(/no snapshot/);
    expect(() => recordingOf(frames().slice(0, 3))).toThrow(/batches/);
  });
});
