import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { MessageEvent, PanelChange } from '../../../core/protocol/panel';
import { TIMELINE_CAPACITY, useClusterStore } from '../stores/cluster';
import { panelNode, panelState } from '../stores/fixtures';
import { MESSAGE_CAPACITY, useMessagesStore } from '../stores/messages';
import { SAMPLE_CAPACITY, useMetricsStore } from '../stores/metrics';
import { useWorkloadStore } from '../stores/workload';
import { Feed } from './feed';

const snapshot = (seq: number, state = panelState()) => ({ type: 'snapshot' as const, seq, nowMs: 1_000, state });
const changes = (seq: number, ...c: PanelChange[]) => ({ type: 'changes' as const, seq, nowMs: 1_000 + seq, changes: c });
const msg = (id: string, over: Partial<MessageEvent> = {}): MessageEvent => ({ id, from: 'n1', to: 'n2', type: 'paxos.accept', sendAt: 100, ...over });

describe('the feed applies the supervisor frames to the stores', () => {
  let resync: ReturnType<typeof vi.fn<() => void>>;
  let feed: Feed;
  beforeEach(() => {
    setActivePinia(createPinia());
    resync = vi.fn<() => void>();
    feed = new Feed({ resync, hello: () => undefined });
    feed.restart();
  });

  it('a snapshot replaces everything', () => {
    feed.applyAll([snapshot(7, panelState(['n1', 'n2', 'n3', 'n4', 'n5'], { messages: [msg('a')] }))]);
    const cluster = useClusterStore();
    expect(cluster.nodes.map((n) => n.id)).toEqual(['n1', 'n2', 'n3', 'n4', 'n5']);
    expect(cluster.leader.node).toBe('n1');
    expect(cluster.timeline).toHaveLength(1);
    expect(useMessagesStore().buffer.size).toBe(1);
    expect(useWorkloadStore().state.phase).toBe('idle');
  });

  it('batches in seq order change what they name', () => {
    feed.applyAll([snapshot(1)]);
    feed.applyAll([
      changes(2, { kind: 'node', node: panelNode('n2', { lifecycle: 'killed', status: undefined }) }),
      changes(3, { kind: 'links', links: [{ from: 'n1', to: 'n3', cut: true }] }, { kind: 'timeline', entry: { atMs: 2_000, kind: 'fault', code: 'fault.kill', params: { node: 'n2' }, text: 'kill -9 n2' } }),
      changes(4, { kind: 'node-removed', node: 'n3' }, { kind: 'leader', leader: { ...useClusterStore().leader, node: 'n2', elections: 2 } }),
    ]);
    const cluster = useClusterStore();
    expect(cluster.byId.get('n2')?.lifecycle).toBe('killed');
    expect(cluster.nodes.map((n) => n.id)).toEqual(['n1', 'n2']);
    expect(cluster.links).toEqual([{ from: 'n1', to: 'n3', cut: true }]);
    expect(cluster.leader.node).toBe('n2');
    expect(cluster.timeline.map((e) => e.text)).toEqual(['n1 leads (ballot 1.n1)', 'kill -9 n2']);
    expect(resync).not.toHaveBeenCalled();
  });

  it('a gap in seq asks for a resync once and ignores batches until the snapshot', () => {
    feed.applyAll([snapshot(1)]);
    feed.applyAll([changes(3, { kind: 'node', node: panelNode('n9') })]);
    expect(resync).toHaveBeenCalledTimes(1);
    expect(feed.gaps).toBe(1);
    feed.applyAll([changes(4, { kind: 'node', node: panelNode('n8') })]);
    expect(resync).toHaveBeenCalledTimes(1);
    expect(useClusterStore().byId.has('n8')).toBe(false);
    expect(useClusterStore().byId.has('n9')).toBe(false);
    feed.applyAll([snapshot(10, panelState(['n1', 'n2'])), changes(11, { kind: 'node', node: panelNode('n7') })]);
    expect(useClusterStore().nodes.map((n) => n.id)).toEqual(['n1', 'n2', 'n7']);
    expect(resync).toHaveBeenCalledTimes(1);
  });

  it('ignores batches that arrive on a new socket before its snapshot', () => {
    feed.applyAll([changes(5, { kind: 'node', node: panelNode('n4') })]);
    expect(useClusterStore().nodes).toEqual([]);
    expect(resync).not.toHaveBeenCalled();
  });

  it('merges a message receipt into its send, by id', () => {
    feed.applyAll([snapshot(1)]);
    feed.applyAll([changes(2, { kind: 'messages', messages: [msg('m1'), msg('m2')], dropped: 0 })]);
    feed.applyAll([changes(3, { kind: 'messages', messages: [msg('m1', { recvAt: 150 }), msg('m2', { dropped: 'cut' })], dropped: 5 })]);
    const m = useMessagesStore();
    expect(m.buffer.toArray()).toEqual([msg('m1', { recvAt: 150 }), msg('m2', { dropped: 'cut' })]);
    expect(m.droppedBySupervisor).toBe(5);
  });

  it('keeps the message buffer bounded and still merges recent receipts', () => {
    feed.applyAll([snapshot(1)]);
    const many = Array.from({ length: MESSAGE_CAPACITY + 500 }, (_, i) => msg(`m${i}`, { sendAt: i }));
    feed.applyAll([changes(2, { kind: 'messages', messages: many, dropped: 0 })]);
    const last = `m${MESSAGE_CAPACITY + 499}`;
    feed.applyAll([changes(3, { kind: 'messages', messages: [msg(last, { recvAt: 1e9 }), msg('m0', { recvAt: 5 })], dropped: 0 })]);
    const b = useMessagesStore().buffer;
    // m0 was evicted: its late receipt is kept as a new entry, and the buffer stays at capacity.
    expect(b.size).toBe(MESSAGE_CAPACITY);
    expect(b.toArray().find((x) => x.id === last)?.recvAt).toBe(1e9);
  });

  it('keeps chart samples within the window and the buffers bounded', () => {
    feed.applyAll([snapshot(1)]);
    const metrics = useMetricsStore();
    const nodeSamples = Array.from({ length: 2 * SAMPLE_CAPACITY }, (_, i) => ({ atMs: i * 1_000, node: 'n1', phi: {} }));
    feed.applyAll([changes(2, { kind: 'samples', nodes: nodeSamples, workload: [] })]);
    const kept = metrics.samples('n1');
    expect(kept.length).toBeLessThanOrEqual(SAMPLE_CAPACITY);
    expect(kept[0]!.atMs).toBeGreaterThanOrEqual(kept[kept.length - 1]!.atMs - metrics.windowMs);
    feed.applyAll([changes(3, { kind: 'node-removed', node: 'n1' })]);
    expect(metrics.samples('n1')).toEqual([]);
  });

  it('keeps the timeline bounded', () => {
    feed.applyAll([snapshot(1)]);
    const entries = Array.from({ length: TIMELINE_CAPACITY + 50 }, (_, i) => ({ kind: 'timeline' as const, entry: { atMs: i, kind: 'fault' as const, code: 'heal.all' as const, params: {}, text: `f${i}` } }));
    feed.applyAll([changes(2, ...entries)]);
    const tl = useClusterStore().timeline;
    expect(tl).toHaveLength(TIMELINE_CAPACITY);
    expect(tl[tl.length - 1]!.text).toBe(`f${TIMELINE_CAPACITY + 49}`);
  });
});
