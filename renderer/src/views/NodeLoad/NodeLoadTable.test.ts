import { afterEach, describe, expect, it } from 'vitest';
import type { VerdictView } from '../../../../core/protocol/panel';
import { mountPanel } from '../../components/mount';
import { TID } from '../../testids';
import NodeLoadTable from './NodeLoadTable.vue';

const load: NonNullable<VerdictView['load']> = {
  policy: 'round-robin',
  perNode: {
    n1: { sent: 390, ok: 390, failed: 0, p50Ms: 3.2, p99Ms: 65.8 },
    n2: { sent: 390, ok: 389, failed: 1, p50Ms: 407.1, p99Ms: 458.5 },
    n3: { sent: 0, ok: 0, failed: 0, p50Ms: null, p99Ms: null },
  },
};

describe('load per node in the verdict', () => {
  let unmount: (() => void) | undefined;
  afterEach(() => unmount?.());

  it('shows each node’s requests, share and latency, and marks the slowest', () => {
    const { wrapper } = mountPanel(NodeLoadTable, { props: { load } });
    unmount = () => wrapper.unmount();
    const table = wrapper.find(`[data-testid="${TID.verdictLoad}"]`);
    expect(table.find('h4').text()).toBe('Load per node (round robin)');
    const cells = (node: string) => table.find(`tr[data-node="${node}"]`).findAll('td').map((c) => c.text());
    expect(cells('n1')).toEqual(['390', '50.0 %', '390', '0', '3.2', '65.8']);
    expect(cells('n2')).toEqual(['390', '50.0 %', '389', '1', '407.1', '458.5']);
    expect(cells('n3')).toEqual(['0', '0.0 %', '0', '0', '—', '—']);
    expect(table.findAll('[data-slowest]').map((c) => c.element.closest('tr')?.dataset.node)).toEqual(['n2']);
  });

  it('speaks Chinese too', () => {
    const { wrapper } = mountPanel(NodeLoadTable, { props: { load: { ...load, policy: 'least-outstanding' } }, language: 'zh-CN' });
    unmount = () => wrapper.unmount();
    expect(wrapper.find('h4').text()).toBe('各节点负载（最少未完成请求）');
  });
});
