import { afterEach, describe, expect, it } from 'vitest';
import { mountPanel } from '../../components/mount';
import { nodeStatus, panelNode, panelState } from '../../stores/fixtures';
import { useUiStore } from '../../stores/ui';
import { linkTestId, nodeRoleTestId, nodeStateTestId, nodeTestId, partitionTestId, TID } from '../../testids';
import { cutsBetween, labelsCollide, partitionGroups, placeNodes } from './layout';
import TopologyView from './TopologyView.vue';

const sel = (id: string) => `[data-testid="${id}"]`;
const five = ['n1', 'n2', 'n3', 'n4', 'n5'];

describe('topology', () => {
  let unmount: (() => void) | undefined;
  afterEach(() => unmount?.());

  it('draws every node with its role and health, and names the leader', () => {
    const state = panelState(five, {
      // n1 suspects n4: one live peer of three, so n4 is up, with a "?" mark.
      nodes: [panelNode('n1', { status: nodeStatus('n1', { suspicion: { n4: { phi: 12, suspected: true } } }) }), panelNode('n2', { lifecycle: 'killed', status: undefined }), panelNode('n3', { lifecycle: 'paused' }), panelNode('n4', { suspected: true }), panelNode('n5')],
    });
    const { wrapper } = mountPanel(TopologyView, { state });
    unmount = () => wrapper.unmount();
    for (const id of five) expect(wrapper.find(sel(nodeTestId(id))).exists()).toBe(true);
    expect(wrapper.find(sel(nodeTestId('n2'))).attributes('data-health')).toBe('down');
    expect(wrapper.find(sel(nodeStateTestId('n3'))).text()).toContain('paused');
    expect(wrapper.find(sel(nodeTestId('n4'))).attributes('data-health')).toBe('up');
    expect(wrapper.find(sel(nodeStateTestId('n4'))).attributes('data-suspected-by')).toBe('n1');
    expect(wrapper.find(`${sel(nodeTestId('n4'))} .suspect`).text()).toBe('?');
    expect(wrapper.find(sel(nodeRoleTestId('n1'))).text()).toBe('leader');
    expect(wrapper.find(`${sel(nodeTestId('n1'))} .crown`).exists()).toBe(true);
    expect(wrapper.find(`${sel(nodeTestId('n2'))} .cross`).exists()).toBe(true);
    expect(wrapper.find(`${sel(nodeTestId('n3'))} .pause`).exists()).toBe(true);
    expect(wrapper.find(sel(TID.leaderName)).attributes('data-leader')).toBe('n1');
    // Up counts running processes (n1, n4, n5); down and paused are counted apart.
    expect(wrapper.find(sel(TID.topologySummary)).attributes('data-up')).toBe('3');
    expect(wrapper.find(sel(TID.topologySummary)).text()).toBe('3 of 5 nodes up');
    expect(wrapper.text()).toContain('1 down');
    expect(wrapper.text()).toContain('1 paused');
  });

  it('in a partition says every node is up, names the partition, and marks the minority side cut off', () => {
    const sides = [['n1', 'n2'], ['n3', 'n4', 'n5']];
    const links = cutsBetween(sides).map((l) => ({ ...l, cut: true }));
    // Every node suspects every node on the other side.
    const other = (id: string) => sides.find((g) => !g.includes(id))!;
    const nodes = five.map((id) =>
      panelNode(id, { suspected: true, status: nodeStatus(id, { suspicion: Object.fromEntries(other(id).map((p) => [p, { phi: 20, suspected: true }])) }) }),
    );
    const { wrapper } = mountPanel(TopologyView, { state: panelState(five, { nodes, links }) });
    unmount = () => wrapper.unmount();
    const summary = wrapper.find(sel(TID.topologySummary));
    expect(summary.attributes('data-up')).toBe('5');
    expect(summary.text()).toBe('5 of 5 nodes up');
    // The header names the sides (largest first, as the cluster bar does) and calls nothing suspected.
    const head = wrapper.find('.head').text();
    expect(head).toContain('partitioned: n3 n4 n5 | n1 n2');
    expect(head).not.toContain('suspected');
    expect(head).not.toContain('down');
    // n1 and n2: 3 of their 4 live peers suspect them. n3..n5: only 2 of 4 do, so they stay up.
    for (const id of ['n1', 'n2']) expect(wrapper.find(sel(nodeTestId(id))).attributes('data-health')).toBe('isolated');
    for (const id of ['n3', 'n4', 'n5']) expect(wrapper.find(sel(nodeTestId(id))).attributes('data-health')).toBe('up');
    expect(wrapper.find(sel(nodeStateTestId('n1'))).text()).toContain('cut off');
    expect(wrapper.find(sel(nodeStateTestId('n3'))).attributes('data-suspected-by')).toBe('n1 n2');
    expect(wrapper.find(`${sel(nodeTestId('n3'))} title`).text()).toContain('suspected by 2 of 4 peers (n1, n2)');
    expect(wrapper.find(`${sel(nodeTestId('n3'))} title`).text()).toContain('cut off from n1, n2');
  });

  it('draws a cut as a cut and each side of a partition in its own region', () => {
    const links = cutsBetween([['n1', 'n2', 'n3'], ['n4', 'n5']]).map((l) => ({ ...l, cut: true }));
    const lossy = { from: 'n1', to: 'n2', cut: false, drop: 0.3 };
    const { wrapper } = mountPanel(TopologyView, { state: panelState(five, { links: [...links, lossy] }) });
    unmount = () => wrapper.unmount();
    expect(wrapper.find(sel(linkTestId('n1', 'n4'))).attributes('data-look')).toBe('cut');
    expect(wrapper.find(sel(linkTestId('n2', 'n1'))).attributes('data-look')).toBe('lossy');
    expect(wrapper.find(sel(linkTestId('n4', 'n5'))).attributes('data-look')).toBe('ok');
    expect(wrapper.find(sel(TID.topology)).attributes('data-groups')).toBe('2');
    expect(wrapper.text()).toContain('majority side');
    expect(wrapper.text()).toContain('minority side');
    expect(wrapper.text()).toContain('2 nodes');
  });

  it('says "1 node" for a side of one', () => {
    const links = cutsBetween([['n1', 'n2', 'n4', 'n5'], ['n3']]).map((l) => ({ ...l, cut: true }));
    const { wrapper } = mountPanel(TopologyView, { state: panelState(five, { links }) });
    unmount = () => wrapper.unmount();
    expect(wrapper.text()).toContain('1 node');
    expect(wrapper.text()).not.toContain('1 nodes');
  });

  it('sends the cluster faults and opens a node on click', async () => {
    const { wrapper, sent } = mountPanel(TopologyView, { state: panelState(five) });
    unmount = () => wrapper.unmount();
    await wrapper.find(sel(TID.killLeader)).trigger('click');
    await wrapper.find(sel(partitionTestId('halves'))).trigger('click');
    expect(sent).toEqual([{ kind: 'kill-leader' }, { kind: 'partition', shape: 'halves' }]);
    await wrapper.find(sel(nodeTestId('n3'))).trigger('click');
    expect(useUiStore().selectedNode).toBe('n3');
  });

  it('nodes clicked into groups become one cut command', async () => {
    const { wrapper, sent } = mountPanel(TopologyView, { state: panelState(five) });
    unmount = () => wrapper.unmount();
    await wrapper.find(sel(TID.partitionMenu)).trigger('click');
    await wrapper.find(sel(nodeTestId('n4'))).trigger('click'); // A -> B
    await wrapper.find(sel(nodeTestId('n5'))).trigger('click');
    await wrapper.find(sel(TID.customPartition)).trigger('click');
    expect(sent).toEqual([{ kind: 'cut', links: cutsBetween([['n1', 'n2', 'n3'], ['n4', 'n5']]) }]);
  });

  it('partitions are the components over links open both ways', () => {
    expect(partitionGroups(five, [])).toEqual([five]);
    const oneWay = [{ from: 'n1', to: 'n2', cut: true }];
    expect(partitionGroups(['n1', 'n2'], oneWay)).toEqual([['n1'], ['n2']]);
    const isolated = cutsBetween([['n3'], ['n1', 'n2', 'n4', 'n5']]).map((l) => ({ ...l, cut: true }));
    expect(partitionGroups(five, isolated)).toEqual([['n1', 'n2', 'n4', 'n5'], ['n3']]);
  });

  it('lays labels out so none runs into a neighbour or out of its region, dropping the metrics lines where they would', () => {
    // One cluster, split in halves, the leader isolated: in the topology pane at 1280x720 and
    // 1920x1080 (CSS px, root font px) and a wide one; three sides only in the wide one.
    const shapes = [[five], [['n1', 'n2', 'n3'], ['n4', 'n5']], [['n1', 'n2', 'n4', 'n5'], ['n3']], [['n1', 'n2'], ['n3', 'n4'], ['n5']]];
    const panes = [[445, 300, 13.5], [660, 340, 20], [900, 420, 16]] as const;
    const modes = new Set<string>();
    for (const groups of shapes)
      for (const [w, h, em] of groups.length > 2 ? panes.slice(2) : panes) {
        const { layout, geometry, metrics } = placeNodes(groups, w, h, em);
        modes.add(metrics);
        expect(layout.positions.size).toBe(5);
        expect(labelsCollide(layout, geometry), `${JSON.stringify(groups)} in ${w}x${h}@${em}`).toBe(false);
      }
    expect(modes).toEqual(new Set(['always', 'focus'])); // the wide pane shows every node's metrics, the small one does not
  });

  it('shows a node\'s metrics in two short lines, under the selected node even when there is no room for all', async () => {
    const { wrapper } = mountPanel(TopologyView, { state: panelState(five, { nodes: five.map((id) => panelNode(id, { metrics: { cpuPercent: 4, rssBytes: 94 * 1_048_576, requestsPerSec: 12 } })) }) });
    unmount = () => wrapper.unmount();
    const shown = () => five.filter((id) => wrapper.find(`${sel(nodeTestId(id))} .metrics`).exists());
    const all = shown();
    expect(all.length === 5 || all.length === 0).toBe(true); // all or none, by the pane's room
    if (all.length === 0) {
      useUiStore().selectNode('n4');
      await wrapper.vm.$nextTick();
      expect(shown()).toEqual(['n4']);
    }
    const lines = wrapper.findAll(`${sel(nodeTestId('n4'))} .metrics`).map((l) => l.text());
    expect(lines).toEqual(['CPU 4 % · 94 MB', '12 req/s']);
  });
});
