/**
 * Keeping whole messages under a cap: the one id hash (core/protocol/message-sample.ts) that
 * both the nodes' per-flush cap and the supervisor's message feed decide by, so the send and
 * the receipt of a message, reported by two different nodes, are kept or left out together.
 */
import { describe, expect, it } from 'vitest';
import { keepHash, keepsMessage } from '../../core/protocol/message-sample';
import { keepHash as feedKeepHash, MessageFeed } from '../../core/supervisor/panel/message-feed';
import { MessageEventCap } from '../../core/node/message-event-cap';
import type { NodeEvent } from '../../core/protocol/control';

const ids = Array.from({ length: 400 }, (_, i) => `k3${i % 7}.${i}`);
const send = (id: string): NodeEvent => ({ t: 1, kind: 'msg.send', from: 'n1', to: 'n2', type: 'paxos.accept', id });
const recv = (id: string): NodeEvent => ({ t: 2, kind: 'msg.recv', from: 'n1', to: 'n2', id });

describe('the message keep hash', () => {
  it('is one function: the supervisor feed uses the protocol one, not a copy', () => {
    expect(feedKeepHash).toBe(keepHash);
  });

  it('depends on the id only, lies in [0, 1), and spreads evenly', () => {
    expect(keepHash('n1.a.0')).toBe(keepHash('n1.a.0'));
    expect(keepHash('n1.a.0')).not.toBe(keepHash('n1.a.1'));
    const hs = ids.map(keepHash);
    expect(hs.every((h) => h >= 0 && h < 1)).toBe(true);
    const under = hs.filter((h) => h < 0.5).length;
    expect(under).toBeGreaterThan(150);
    expect(under).toBeLessThan(250);
  });

  it('keeps everything at fraction 1, nothing at 0, and nests: kept at f means kept at every larger f', () => {
    expect(ids.every((id) => keepsMessage(id, 1))).toBe(true);
    expect(ids.some((id) => keepsMessage(id, 0))).toBe(false);
    for (const id of ids) {
      if (keepsMessage(id, 0.25)) expect(keepsMessage(id, 0.5)).toBe(true);
      expect(keepsMessage(id, 0.3)).toBe(keepHash(id) < 0.3);
    }
  });
});

describe("a node's message event cap", () => {
  it('keeps everything under the cap, in order', () => {
    const cap = new MessageEventCap(10);
    for (const id of ids.slice(0, 10)) cap.add(send(id));
    expect(cap.take()).toEqual({ events: ids.slice(0, 10).map(send), skipped: 0 });
  });

  it('over the cap keeps the messages under a halved fraction, not the first N, and counts the rest', () => {
    const cap = new MessageEventCap(150);
    for (const id of ids) cap.add(send(id));
    const f = cap.keepFraction;
    expect(f).toBeLessThan(1);
    const { events, skipped } = cap.take();
    expect(events.length).toBeLessThanOrEqual(150);
    expect(events.map((e) => e.id)).toEqual(ids.filter((id) => keepsMessage(id, f)));
    expect(events.length + skipped).toBe(ids.length);
    // The next flush starts at full fraction again.
    expect(cap.keepFraction).toBe(1);
    cap.add(send(ids[0]!));
    expect(cap.take()).toEqual({ events: [send(ids[0]!)], skipped: 0 });
  });

  it('makes the same choice as the supervisor feed and as the other end of each message, for the same fraction', () => {
    // The sender reports the sends, the receiver the receipts: both over their cap.
    const sender = new MessageEventCap(100);
    const receiver = new MessageEventCap(100);
    for (const id of ids) sender.add(send(id));
    for (const id of [...ids].reverse()) receiver.add(recv(id)); // another order: the choice does not depend on it
    expect(sender.keepFraction).toBe(receiver.keepFraction);
    const f = sender.keepFraction;
    const sent = sender.take().events.map((e) => e.id);
    const received = new Set(receiver.take().events.map((e) => e.id));
    expect(sent.length).toBeGreaterThan(0);
    expect(new Set(sent)).toEqual(received); // no message split between the two nodes
    expect(sent).toEqual(ids.filter((id) => keepsMessage(id, f))); // what the feed keeps at that fraction
  });

  it('at a smaller fraction keeps a subset of what a node at a larger one keeps', () => {
    const busy = new MessageEventCap(50);
    const calm = new MessageEventCap(200);
    for (const id of ids) {
      busy.add(send(id));
      calm.add(recv(id));
    }
    expect(busy.keepFraction).toBeLessThan(calm.keepFraction);
    const received = new Set(calm.take().events.map((e) => e.id));
    expect(busy.take().events.every((e) => received.has(e.id))).toBe(true);
  });

  it('refuses a cap under 1', () => {
    expect(() => new MessageEventCap(0)).toThrow(RangeError);
  });
});

describe('node caps and the supervisor feed together', () => {
  it('show every message whole or count it: a busier sender keeps fewer sends, and the receipts left without a send are counted', () => {
    const sender = new MessageEventCap(50);
    const receiver = new MessageEventCap(200);
    for (const id of ids) {
      sender.add(send(id));
      receiver.add(recv(id));
    }
    const feed = new MessageFeed({ epochMs: 0, skewOf: () => 0, nowMs: () => 1e12, maxPerFlush: 10_000 });
    const s = sender.take();
    const r = receiver.take();
    feed.add('n1', s.events, s.skipped);
    feed.add('n2', r.events, r.skipped);
    let dropped = 0;
    const whole = new Set<string>();
    for (let flush = 0; flush < 60; flush++) {
      const out = feed.take();
      dropped += out?.dropped ?? 0;
      for (const m of out?.messages ?? []) if (m.recvAt !== undefined) whole.add(m.id);
    }
    const kept = s.events.map((e) => e.id);
    expect([...whole].sort()).toEqual([...kept].sort()); // every send the sender kept arrives with its receipt
    // Two events per message: each one is shown or counted.
    expect(whole.size * 2 + dropped).toBe(ids.length * 2);
  });
});
