import { afterEach, describe, expect, it } from 'vitest';
import type { RingDetail } from '../../../../core/protocol/panel';
import { mountPanel } from '../../components/mount';
import { panelState } from '../../stores/fixtures';
import { membershipTestId, TID } from '../../testids';
import MembershipControls from './MembershipControls.vue';

const sel = (id: string) => `[data-testid="${id}"]`;

function ring(weights: Record<string, number>): RingDetail {
  const members = Object.entries(weights).map(([id, weight]) => ({ id, weight }));
  return { epoch: 1, members, vnodes: [], ownership: {}, load: {}, keys: [], moved: null, pendingTransfers: 0 };
}

describe('ring membership controls', () => {
  let unmount: (() => void) | undefined;
  afterEach(() => unmount?.());

  it('sets a weight, removes a member and adds a node with a weight', async () => {
    const { wrapper, sent } = mountPanel(MembershipControls, { state: panelState(['n1', 'n2', 'n3'], { ring: ring({ n1: 1, n2: 2, n3: 1 }) }) });
    unmount = () => wrapper.unmount();
    // Each member's input starts at its agreed weight; "set" waits for a different one.
    expect((wrapper.find(sel(membershipTestId('weight', 'n2'))).element as HTMLInputElement).value).toBe('2');
    expect(wrapper.find(sel(membershipTestId('reweight', 'n3'))).attributes('disabled')).toBeDefined();
    await wrapper.find(sel(membershipTestId('weight', 'n3'))).setValue('3');
    await wrapper.find(sel(membershipTestId('reweight', 'n3'))).trigger('click');
    await wrapper.find(sel(membershipTestId('remove', 'n1'))).trigger('click');
    await wrapper.find(sel(TID.membershipAdd)).trigger('click');
    await wrapper.find(sel(TID.membershipAddWeight)).setValue('500');
    await wrapper.find(sel(TID.membershipAdd)).trigger('click');
    await new Promise((r) => setTimeout(r, 0));
    expect(sent).toEqual([
      { kind: 'reweight', node: 'n3', weight: 3 },
      { kind: 'remove-node', node: 'n1' },
      { kind: 'add-node' },
      // Clamped to the bound the log accepts.
      { kind: 'add-node', weight: 100 },
    ]);
  });

  it('a viewer sees the controls disabled', () => {
    const { wrapper } = mountPanel(MembershipControls, { state: panelState(['n1', 'n2', 'n3'], { ring: ring({ n1: 1, n2: 1, n3: 1 }) }), role: 'viewer' });
    unmount = () => wrapper.unmount();
    expect(wrapper.find(sel(TID.membership)).attributes('disabled')).toBeDefined();
  });
});
