/**
 * The Ring view under range placement: the ranges with their bounds, owners (leaseholder
 * first) and keys replace the hash wheel, and the splits are listed newest first, in
 * English and in Chinese. Under hashing the wheel stays.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { RingDetail } from '../../core/protocol/panel';
import { useClusterStore } from '../../renderer/src/stores/cluster';
import { ringLoadTestId, TID } from '../../renderer/src/testids';
import RingView from '../../renderer/src/views/Ring/RingView.vue';
import { freshPinia, mountView } from './support/panel-fixtures';

const sel = (id: string) => `[data-testid="${id}"]`;
let unmount: (() => void) | undefined;
afterEach(() => {
  unmount?.();
  unmount = undefined;
});

const base: RingDetail = {
  epoch: 0,
  members: [{ id: 'n1', weight: 1 }, { id: 'n2', weight: 1 }, { id: 'n3', weight: 1 }],
  vnodes: [{ position: 0, node: 'n1' }, { position: 2 ** 31, node: 'n2' }],
  ownership: { n1: 0.5, n2: 0.5, n3: 0 },
  load: { n1: 10, n2: 20, n3: 0 },
  keys: [{ key: 'k1', position: 5, owner: 'n1' }],
  moved: null,
  pendingTransfers: 0,
};

const withRanges: RingDetail = {
  ...base,
  ranges: {
    version: 2,
    splits: 2,
    ranges: [
      { start: '', end: 'k2', owners: ['n1', 'n2', 'n3'], keys: 1 },
      { start: 'k2', end: 'k5', owners: ['n2', 'n3', 'n1'], keys: 3 },
      { start: 'k5', end: null, owners: ['n3', 'n1', 'n2'], keys: 2 },
    ],
    splitLog: [
      { atMs: 1_000, at: 'k5', range: '', owners: ['n2', 'n3', 'n1'] },
      { atMs: 2_000, at: 'k2', range: '', owners: ['n2', 'n3', 'n1'] },
    ],
  },
};

function mount(ring: RingDetail, language: 'en' | 'zh-CN' = 'en') {
  const pinia = freshPinia();
  useClusterStore().ring = ring;
  const w = mountView(RingView, pinia, language);
  unmount = () => w.unmount();
  return w;
}

describe('Ring view, range placement', () => {
  it('lists the ranges with bounds, owners and keys instead of the wheel, and the splits newest first', () => {
    const w = mount(withRanges);
    expect(w.find(sel(TID.ringChart)).exists()).toBe(false);
    const list = w.find(sel(TID.ringRanges));
    expect(list.text()).toContain('3 ranges · 2 splits · table version 2');
    const rows = list.findAll('tbody tr');
    expect(rows.map((r) => r.attributes('data-start'))).toEqual(['', 'k2', 'k5']);
    expect(rows[0]?.text()).toContain('[start … k2)');
    expect(rows[2]?.text()).toContain('[k5 … end)');
    expect(rows[1]?.find('.lease').text()).toBe('n2');
    const splits = w.find(sel(TID.ringSplits)).findAll('li').map((li) => li.text());
    expect(splits[0]).toContain('split at k2');
    expect(splits[1]).toContain('split at k5');
    // Under ranges a node's share is the ranges it leads, not a share of the hash ring.
    expect(w.find(sel(ringLoadTestId('n2'))).text()).toContain('ranges as leaseholder: 1');
    expect(w.find(sel(ringLoadTestId('n1'))).text()).not.toContain('% of the ring');
  });

  it('says it in Chinese', () => {
    const w = mount(withRanges, 'zh-CN');
    expect(w.find(sel(TID.ringRanges)).text()).toContain('3 个区间');
    expect(w.find(sel(TID.ringSplits)).text()).toContain('处分裂');
  });

  it('keeps the hash wheel when the nodes place keys by hash', () => {
    const w = mount(base);
    expect(w.find(sel(TID.ringChart)).exists()).toBe(true);
    expect(w.find(sel(TID.ringRanges)).exists()).toBe(false);
  });
});
