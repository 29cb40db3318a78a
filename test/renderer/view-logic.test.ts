import { afterEach, describe, expect, it } from 'vitest';
import type { MessageEvent, NodeSample, TxnView } from '../../core/protocol/panel';
import { useClusterStore } from '../../renderer/src/stores/cluster';
import { useMessagesStore } from '../../renderer/src/stores/messages';
import { useMetricsStore } from '../../renderer/src/stores/metrics';
import { messagesNodeTestId, TID } from '../../renderer/src/testids';
import { crossings, healthOption, heartbeatsTo, peersOf } from '../../renderer/src/views/Health/health-chart';
import HealthView from '../../renderer/src/views/Health/HealthView.vue';
import { leaseLeft } from '../../renderer/src/views/Locks/lease';
import MessagesView from '../../renderer/src/views/Messages/MessagesView.vue';
import { majorityOf, paxosGrid } from '../../renderer/src/views/Paxos/paxos-grid';
import { ownerAt, pointAt, RING_SIZE, ringArcs, span } from '../../renderer/src/views/Ring/ring-layout';
import { blockedKeys, orderTxns } from '../../renderer/src/views/Transactions/txn-order';
import { freshPinia, mountView, nodeStatus, panelNode } from './support/panel-fixtures';

let unmount: (() => void) | undefined;
afterEach(() => {
  unmount?.();
  unmount = undefined;
});

describe('lease countdown', () => {
  it('never goes below zero, and says when the supervisor does not track the lease', () => {
    expect(leaseLeft({ ttlMs: 2_000, expiresAtMs: 5_000 }, 4_000)).toEqual({ leftMs: 1_000, fraction: 0.5, expired: false });
    expect(leaseLeft({ ttlMs: 2_000, expiresAtMs: 5_000 }, 9_000)).toEqual({ leftMs: 0, fraction: 0, expired: true });
    expect(leaseLeft({ ttlMs: 2_000, expiresAtMs: null }, 0).leftMs).toBeNull();
    expect(leaseLeft(null, 0).leftMs).toBeNull();
  });
});

describe('transaction order', () => {
  const txn = (id: string, blocked: boolean, at: number, keys: string[] = []): TxnView => ({
    txn: id, coordinator: 'n1', participants: ['n2'], phase: null, votes: {}, states: {}, decision: null, decidedBy: 'coordinator', blocked,
    heldKeys: { n2: keys }, timeline: [], firstSeenAtMs: 0, lastChangeAtMs: at,
  });
  it('puts blocked transactions first, then the latest, and counts what it leaves out', () => {
    const { shown, hidden } = orderTxns([txn('a', false, 5), txn('b', true, 1), txn('c', false, 9)], 2);
    expect(shown.map((x) => x.txn)).toEqual(['b', 'c']);
    expect(hidden).toBe(1);
    expect(blockedKeys([txn('a', true, 0, ['k2', 'k1']), txn('b', true, 0, ['k1']), txn('c', false, 0, ['k9'])])).toEqual(['k1', 'k2']);
  });
});

describe('paxos grid', () => {
  it('needs a majority of the founding acceptors; a learner’s copy does not count toward it', () => {
    expect(majorityOf(5)).toBe(3);
    expect(majorityOf(4)).toBe(3);
    const acc = (slot: number) => [{ slot, state: 'accepted' as const, summary: 'x' }];
    const grid = paxosGrid(
      [
        panelNode('n1', nodeStatus('n1', {}, acc(4))),
        panelNode('n2', nodeStatus('n2', {}, [])),
        panelNode('n3', nodeStatus('n3', {}, [])),
        panelNode('n4', nodeStatus('n4', {}, acc(4)), { founder: false }),
      ],
      10,
    );
    expect(grid.majority).toBe(2);
    expect(grid.columns).toEqual([{ slot: 4, acceptedBy: 1, chosen: false, pending: true }]);
  });

  it('shows only the latest slots', () => {
    const log = Array.from({ length: 30 }, (_, i) => ({ slot: i + 1, state: 'applied' as const, summary: 's' }));
    const grid = paxosGrid([panelNode('n1', nodeStatus('n1', {}, log))], 5);
    expect(grid.columns.map((c) => c.slot)).toEqual([26, 27, 28, 29, 30]);
    expect(grid.columns.every((c) => c.chosen)).toBe(true);
  });
});

describe('ring layout', () => {
  it('puts position 0 at the top and a quarter turn at the right', () => {
    const top = pointAt(0, 100, 100, 50);
    expect(top.x).toBeCloseTo(100);
    expect(top.y).toBeCloseTo(50);
    const right = pointAt(RING_SIZE / 4, 100, 100, 50);
    expect(right.x).toBeCloseTo(150);
    expect(right.y).toBeCloseTo(100);
  });

  it('gives each key to the first virtual node at or after it, wrapping past the top', () => {
    const v = [{ position: 10, node: 'a' }, { position: 20, node: 'b' }];
    expect(ownerAt(v, 15)).toBe('b');
    expect(ownerAt(v, 20)).toBe('b');
    expect(ownerAt(v, 25)).toBe('a');
    expect(span(20, 10)).toBe(RING_SIZE - 10);
  });

  it('merges neighbouring arcs of one owner and draws a lone owner as a whole circle', () => {
    const arcs = ringArcs([{ position: 10, node: 'a' }, { position: 20, node: 'a' }, { position: 30, node: 'b' }], 0, 0, 1);
    expect(arcs.map((a) => [a.node, a.from, a.to])).toEqual([['a', 30, 20], ['b', 20, 30]]);
    const whole = ringArcs([{ position: 5, node: 'a' }], 0, 0, 1);
    expect(whole).toHaveLength(1);
    expect(whole[0]!.d.match(/A /g)).toHaveLength(2);
  });
});

describe('health chart', () => {
  const s = (atMs: number, phi: Record<string, number>): NodeSample => ({ atMs, node: 'n1', phi });
  const samples = [s(1_000, { n2: 1, n3: 0.5 }), s(2_000, { n2: 9, n3: 0.7 }), s(3_000, { n2: 12, n3: 0.4 }), s(4_000, { n2: 2, n3: 0.3 })];

  it('finds every suspicion and recovery where phi crosses the threshold', () => {
    expect(crossings(samples, 8)).toEqual([
      { peer: 'n2', atMs: 2_000, kind: 'suspected' },
      { peer: 'n2', atMs: 4_000, kind: 'recovered' },
    ]);
    expect(peersOf(samples)).toEqual(['n2', 'n3']);
  });

  it('draws a line per peer in its colour, the threshold once, and caps phi', () => {
    const labels = { threshold: 'T', suspected: 'S', recovered: 'R', heartbeats: 'H', phiAxis: 'phi', timeAxis: 't', clock: String };
    const theme = { text: '#000', grid: '#eee', bad: '#f00', ok: '#0f0' };
    const opt = healthOption([...samples, s(5_000, { n2: 500, n3: 0 })], 8, [{ from: 'n3', atMs: 1_500 }], labels, theme);
    const lines = opt.series.filter((x) => x.type === 'line');
    expect(lines.map((l) => l.name)).toEqual(['n2', 'n3']);
    expect(Math.max(...(lines[0]!.data as number[][]).map((p) => p[1]!))).toBe(20);
    expect((lines[0] as { markLine?: { data: unknown[] } }).markLine?.data).toEqual([{ yAxis: 8 }]);
    expect((lines[1] as { markLine?: unknown }).markLine).toBeUndefined();
    expect(lines[0]!.markPoint.data.map((d) => d.value)).toEqual(['!', '✓', '!']);
    const ticks = opt.series.filter((x) => x.type === 'scatter');
    expect(ticks.map((x) => x.data.length)).toEqual([0, 1]);
  });

  it('counts only heartbeats the observer received', () => {
    const m = (over: Partial<MessageEvent>): MessageEvent => ({ id: 'x', from: 'n2', to: 'n1', type: 'paxos.heartbeat', sendAt: 0, recvAt: 10, ...over });
    expect(heartbeatsTo('n1', [m({}), m({ to: 'n3' }), m({ recvAt: undefined }), m({ type: 'paxos.accept' }), m({ recvAt: 1 })], 5)).toEqual([{ from: 'n2', atMs: 10 }]);
  });

  it('mounts with the observer picker and the events in words', () => {
    const pinia = freshPinia();
    const cluster = useClusterStore();
    cluster.nodes = [panelNode('n1'), panelNode('n2'), panelNode('n3')];
    useMetricsStore().append(samples, []);
    const w = mountView(HealthView, pinia);
    unmount = () => w.unmount();
    expect(w.find(`[data-testid="${TID.healthObserver}"]`).findAll('option')).toHaveLength(3);
    expect(w.find(`[data-testid="${TID.healthChart}"]`).exists()).toBe(true);
    expect(w.text()).toContain('n2 suspected');
    expect(w.text()).toContain('n2 recovered');
  });
});

describe('Messages view', () => {
  it('mounts its canvas with the controls; pause, scroll back and filters change the diagram', async () => {
    const pinia = freshPinia();
    const cluster = useClusterStore();
    cluster.nodes = [panelNode('n1'), panelNode('n2')];
    useMessagesStore().reset([{ id: 'a', from: 'n1', to: 'n2', type: 'paxos.accept', sendAt: 0, recvAt: 5 }]);
    const w = mountView(MessagesView, pinia);
    unmount = () => w.unmount();
    expect(w.find(`[data-testid="${TID.messagesCanvas}"]`).element.tagName).toBe('CANVAS');
    expect(w.find(`[data-testid="${TID.messagesLive}"]`).text()).toContain('LIVE');
    await w.find(`[data-testid="${TID.messagesPause}"]`).trigger('click');
    expect(w.find(`[data-testid="${TID.messagesLive}"]`).text()).toContain('PAUSED');
    await w.find(`[data-testid="${TID.messagesPause}"]`).trigger('click');
    expect(w.find(`[data-testid="${TID.messagesLive}"]`).text()).toContain('LIVE');
    const chip = w.find(`[data-testid="${messagesNodeTestId('n2')}"]`);
    await chip.trigger('click');
    expect(chip.attributes('aria-pressed')).toBe('true');
    expect(w.find('[data-testid="filter-kind-paxos.accept"]').exists()).toBe(true);
  });
});
