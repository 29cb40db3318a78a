/**
 * Panel protocol v2: what the supervisor accepts from a panel (every command validated,
 * defaults filled in, bad input named by its path), and the message feed's time base
 * (skew corrected, receipt never before its send, bounded per flush).
 */
import { describe, expect, it } from 'vitest';
import { panelRequestSchema, workloadSettingsSchema, NEMESIS_FAULTS, KV_MODES } from '../../core/protocol/panel';
import { FAULT_KINDS } from '../../core/supervisor/nemesis-plan';
import { KV_MODES as NODE_KV_MODES } from '../../core/node/node-machine';
import { keepHash, MessageFeed } from '../../core/supervisor/panel/message-feed';
import { RingBuffer } from '../../core/protocol/ring-buffer';

const parse = (x: unknown) => panelRequestSchema.safeParse(x);
const issue = (x: unknown): string => {
  const r = parse(x);
  if (r.success) throw new Error(`accepted ${JSON.stringify(x)}`);
  return `${r.error.issues[0]!.path.join('.')}: ${r.error.issues[0]!.message}`;
};

describe('panel requests', () => {
  it('accepts every lifecycle, fault and workload command and resync', () => {
    for (const command of [
      { kind: 'cluster-start', nodes: 9, mode: 'sloppy', timeScale: 10 },
      { kind: 'cluster-reset' },
      { kind: 'cluster-stop' },
      { kind: 'cluster-resume' },
      { kind: 'kill-leader' },
      { kind: 'isolate-leader' },
      { kind: 'partition', shape: 'isolate-leader' },
      { kind: 'link-fault', from: 'n1', fault: { to: 'n2', reorder: 0.3, duplicate: 0.1 } },
      { kind: 'workload-stop' },
    ]) {
      expect(parse({ type: 'command', id: 'x', command }).success).toBe(true);
    }
    expect(parse({ type: 'resync' })).toMatchObject({ success: true, data: { type: 'resync' } });
  });

  it('fills in workload defaults, with the same vocabulary as faultline run', () => {
    expect(workloadSettingsSchema.parse({ workload: 'lock' })).toEqual({
      workload: 'lock', rate: 50, clients: 4, nemesis: [], durationS: 0, fencing: true, gcPauseMs: 0, gcSigstop: false, ttlMs: 1500, policy: 'random',
    });
    expect(workloadSettingsSchema.safeParse({ workload: 'register', policy: 'nearest' }).success).toBe(false);
    expect([...NEMESIS_FAULTS]).toEqual([...FAULT_KINDS]);
    expect([...KV_MODES].sort()).toEqual([...NODE_KV_MODES].sort());
  });

  it('refuses bad input and names where it is', () => {
    expect(issue({ type: 'command', id: 'x', command: { kind: 'cluster-start', nodes: 2 } })).toMatch(/^command\.nodes: /);
    expect(issue({ type: 'command', id: 'x', command: { kind: 'cluster-start', timeScale: 2 } })).toMatch(/^command\.timeScale: /);
    expect(issue({ type: 'command', id: 'x', command: { kind: 'cluster-reset', mode: 'raft' } })).toMatch(/^command\.mode: /);
    expect(issue({ type: 'command', id: 'x', command: { kind: 'workload-start', settings: { workload: 'bank' } } })).toMatch(/^command\.settings\.workload: /);
    expect(issue({ type: 'command', id: 'x', command: { kind: 'workload-start', settings: { workload: 'lock', nemesis: ['meteor'] } } })).toMatch(/^command\.settings\.nemesis\.0: /);
    expect(issue({ type: 'command', id: 'x', command: { kind: 'workload-start', settings: { workload: 'lock', rate: 0 } } })).toMatch(/^command\.settings\.rate: /);
    expect(issue({ type: 'command', id: 'x', command: { kind: 'kill', node: '../etc' } })).toMatch(/^command\.node: /);
    expect(issue({ type: 'command', id: '', command: { kind: 'heal' } })).toMatch(/^id: /);
    expect(issue({ type: 'subscribe' })).toMatch(/^type: /);
  });
});

describe('message feed', () => {
  const feed = (skews: Record<string, number>, now = 1e12, maxPerFlush = 100) =>
    new MessageFeed({ epochMs: 1_000_000, skewOf: (n) => skews[n] ?? 0, nowMs: () => now, maxPerFlush });

  it('places node times on one base, corrected by the skew the supervisor set', () => {
    const f = feed({ n1: 5_000, n2: -300 });
    f.add('n1', [{ t: 1_000_000 + 5_000 + 100, kind: 'msg.send', id: 'n1.a.0', to: 'n2', type: 'paxos.accept', detail: { slot: 4, ballot: { round: 2, node: 'n1' } } }]);
    f.add('n2', [{ t: 1_000_000 - 300 + 103, kind: 'msg.recv', id: 'n1.a.0', from: 'n1', to: 'n2' }]);
    expect(f.take()).toEqual({
      dropped: 0,
      messages: [
        { id: 'n1.a.0', from: 'n1', to: 'n2', type: 'paxos.accept', sendAt: 100, slot: 4, ballot: { round: 2, node: 'n1' } },
        { id: 'n1.a.0', from: 'n1', to: 'n2', type: 'paxos.accept', sendAt: 100, slot: 4, ballot: { round: 2, node: 'n1' }, recvAt: 103 },
      ],
    });
  });

  it('never places a receipt before its send, and reports drops with their reason', () => {
    const f = feed({ n2: -10_000 }); // a skew the supervisor does not know about yet would do this too
    f.add('n1', [{ t: 1_000_500, kind: 'msg.send', id: 'm1', to: 'n2', type: 'paxos.heartbeat' }, { t: 1_000_500, kind: 'msg.send', id: 'm2', to: 'n3', type: 'paxos.heartbeat' }]);
    f.add('n2', [{ t: 1_000_000 - 20_000, kind: 'msg.recv', id: 'm1' }]);
    f.add('n1', [{ t: 1_000_501, kind: 'msg.drop', id: 'm2', detail: { reason: 'cut' } }]);
    const out = f.take()!.messages;
    expect(out.find((m) => m.id === 'm1' && m.recvAt !== undefined)!.recvAt).toBe(500);
    expect(out.find((m) => m.id === 'm2' && m.dropped !== undefined)!.dropped).toBe('cut');
    expect(f.snapshot().map((m) => [m.id, m.recvAt ?? m.dropped])).toEqual([['m1', 500], ['m2', 'cut']]);
  });

  it('pairs a receipt or drop reported before its send (the receiver flushed first)', () => {
    const f = feed({});
    f.add('n2', [{ t: 1_000_105, kind: 'msg.recv', id: 'm1' }]);
    f.add('n3', [{ t: 1_000_106, kind: 'msg.drop', id: 'm2', detail: { reason: 'cut' } }]);
    expect(f.take()).toBeUndefined();
    f.add('n1', [{ t: 1_000_100, kind: 'msg.send', id: 'm1', to: 'n2', type: 'paxos.accept' }, { t: 1_000_101, kind: 'msg.send', id: 'm2', to: 'n3', type: 'paxos.accept' }]);
    expect(f.take()!.messages.map((m) => [m.id, m.sendAt, m.recvAt ?? m.dropped])).toEqual([['m1', 100, 105], ['m2', 101, 'cut']]);
    expect(f.snapshot().map((m) => [m.id, m.recvAt ?? m.dropped])).toEqual([['m1', 105], ['m2', 'cut']]);
  });

  it('bounds each flush and counts what it left out', () => {
    const f = feed({}, 1e12, 10);
    f.add('n1', Array.from({ length: 25 }, (_, i) => ({ t: 1_000_000 + i, kind: 'msg.send', id: `m${i}`, to: 'n2', type: 'repl.write' })), 3);
    // Half the cap goes to sends (the other half is their receipts'): 5 kept, 20 skipped, 3 the node's own.
    expect(f.take()).toMatchObject({ dropped: 23 });
    expect(f.take()).toBeUndefined();
  });

  it('keeps or skips whole messages under the cap: a kept send always has its receipt or drop, heartbeats give way first', () => {
    const cap = 40;
    const f = feed({}, 1e12, cap);
    const sent = new Set<string>();
    const settled = new Set<string>();
    const heartbeats: string[] = [];
    const others: string[] = []; // sent once the keep fractions have seen the load
    let offeredEvents = 0;
    let counted = 0;
    let unsettled: { id: string; to: string; drop: boolean }[] = [];
    const drain = (): void => {
      for (let out = f.take(); out; out = f.take()) {
        expect(out.messages.length).toBeLessThanOrEqual(cap);
        counted += out.dropped;
        for (const m of out.messages) {
          if (m.recvAt === undefined && m.dropped === undefined) sent.add(m.id);
          else {
            expect(sent.has(m.id)).toBe(true); // never a receipt without its send
            settled.add(m.id);
          }
        }
        if (out.messages.length < cap) break;
      }
    };
    // One take() per flush, as the panel API does; drain() only at the end (a receipt may wait a flush).
    for (let flush = 0; flush < 30; flush++) {
      // The receipts (or drops) of the last flush's sends arrive, then this flush's sends.
      for (const u of unsettled) f.add(u.to, [{ t: 1_000_000 + flush * 100, kind: u.drop ? 'msg.drop' : 'msg.recv', id: u.id, ...(u.drop ? { detail: { reason: 'cut' } } : {}) }]);
      offeredEvents += unsettled.length;
      unsettled = [];
      const events = Array.from({ length: 60 }, (_, i) => {
        const heartbeat = i % 4 !== 0; // 45 heartbeats and 15 others per flush: the others fit the budget (20)
        const id = `n1.${flush}.${i}`;
        unsettled.push({ id, to: 'n2', drop: i % 7 === 0 });
        return { t: 1_000_000 + flush * 100 + i, kind: 'msg.send', id, to: 'n2', type: heartbeat ? 'paxos.heartbeat' : 'paxos.accept' };
      });
      offeredEvents += events.length;
      f.add('n1', events);
      const out = f.take()!;
      expect(out.messages.length).toBeLessThanOrEqual(cap);
      counted += out.dropped;
      for (const m of out.messages) {
        if (m.recvAt === undefined && m.dropped === undefined) sent.add(m.id);
        else {
          expect(sent.has(m.id)).toBe(true);
          settled.add(m.id);
        }
      }
      if (flush >= 6) for (const e of events) (e.type === 'paxos.heartbeat' ? heartbeats : others).push(e.id);
    }
    for (const u of unsettled) f.add(u.to, [{ t: 1_010_000, kind: 'msg.recv', id: u.id }]);
    offeredEvents += unsettled.length;
    drain();
    drain();
    expect(sent.size).toBeGreaterThan(0);
    expect([...sent].filter((id) => !settled.has(id))).toEqual([]); // every kept send has its fate
    expect(counted + sent.size + settled.size).toBe(offeredEvents); // everything left out is counted
    expect(others.filter((id) => !sent.has(id))).toEqual([]); // once the fraction has adapted, the others all fit
    const heartbeatsKept = heartbeats.filter((id) => sent.has(id)).length;
    expect(heartbeatsKept).toBeGreaterThan(0);
    expect(heartbeatsKept).toBeLessThan(heartbeats.length / 2);
  });

  it('decides a message the same way on every node: the keep hash depends on the id only', () => {
    expect(keepHash('n1.a.0')).toBe(keepHash('n1.a.0'));
    const spread = Array.from({ length: 1000 }, (_, i) => keepHash(`n2.x.${i}`));
    expect(spread.every((h) => h >= 0 && h < 1)).toBe(true);
    expect(spread.filter((h) => h < 0.5).length).toBeGreaterThan(400);
    expect(spread.filter((h) => h < 0.5).length).toBeLessThan(600);
  });

  it('keeps a fixed number of items, oldest dropped first', () => {
    const r = new RingBuffer<number>(3);
    for (let i = 1; i <= 5; i++) r.push(i);
    expect(r.toArray()).toEqual([3, 4, 5]);
    expect(r.size).toBe(3);
  });
});
