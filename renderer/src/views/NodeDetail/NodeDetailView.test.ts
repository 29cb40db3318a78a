import { afterEach, describe, expect, it } from 'vitest';
import { mountPanel } from '../../components/mount';
import { panelNode, panelState } from '../../stores/fixtures';
import { nodeButtonTestId, TID } from '../../testids';
import NodeDetailView from './NodeDetailView.vue';

const sel = (id: string) => `[data-testid="${id}"]`;

describe('node detail', () => {
  let unmount: (() => void) | undefined;
  afterEach(() => unmount?.());

  it('shows the node and sends its fault commands', async () => {
    const state = panelState(['n1', 'n2', 'n3']);
    const { wrapper, sent } = mountPanel(NodeDetailView, { state, props: { node: 'n2' } });
    unmount = () => wrapper.unmount();
    expect(wrapper.find(sel(TID.nodeDetail)).attributes('data-node')).toBe('n2');
    expect(wrapper.text()).toContain('follower');
    await wrapper.find(sel(nodeButtonTestId('kill', 'n2'))).trigger('click');
    await wrapper.find(sel(nodeButtonTestId('isolate', 'n2'))).trigger('click');
    expect(sent).toEqual([{ kind: 'kill', node: 'n2' }, { kind: 'partition', shape: 'isolate', node: 'n2' }]);
    // resume only makes sense for a paused node
    expect(wrapper.find(sel(nodeButtonTestId('resume', 'n2'))).attributes('disabled')).toBeDefined();
  });

  it('a paused node offers resume, and its faults are listed', () => {
    const state = panelState(['n1', 'n2', 'n3'], { nodes: [panelNode('n1'), panelNode('n2', { lifecycle: 'paused' }), panelNode('n3')] });
    const { wrapper } = mountPanel(NodeDetailView, { state, props: { node: 'n2' } });
    unmount = () => wrapper.unmount();
    expect(wrapper.find(sel(nodeButtonTestId('resume', 'n2'))).attributes('disabled')).toBeUndefined();
    expect(wrapper.text()).toContain('n2 paused');
  });

  it('a viewer sees the buttons disabled', () => {
    const { wrapper } = mountPanel(NodeDetailView, { state: panelState(), role: 'viewer', props: { node: 'n1' } });
    unmount = () => wrapper.unmount();
    expect(wrapper.find(sel(nodeButtonTestId('kill', 'n1'))).element.closest('fieldset')?.hasAttribute('disabled')).toBe(true);
  });
});
