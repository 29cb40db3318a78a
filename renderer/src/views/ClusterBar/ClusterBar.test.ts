import { afterEach, describe, expect, it } from 'vitest';
import { nextTick } from 'vue';
import { mountPanel } from '../../components/mount';
import { followLanguage } from '../../i18n';
import { panelNode, panelState } from '../../stores/fixtures';
import { useUiStore } from '../../stores/ui';
import { faultTestId, nemesisTestId, TID } from '../../testids';
import ClusterBar from './ClusterBar.vue';

const sel = (id: string) => `[data-testid="${id}"]`;

describe('cluster bar', () => {
  let unmount: (() => void) | undefined;
  afterEach(() => {
    unmount?.();
    localStorage.clear();
  });

  it('an instructor starts a cluster with the chosen settings, restarting on a change', async () => {
    const { wrapper, sent } = mountPanel(ClusterBar, { state: panelState() });
    unmount = () => wrapper.unmount();
    await wrapper.find(sel(TID.start)).trigger('click');
    expect(sent).toEqual([{ kind: 'cluster-start', nodes: 3, mode: 'paxos', txnMode: 'classic', lockPolicy: 'no-wait', placement: 'hash', timeScale: 1 }]);
    await wrapper.find(sel(TID.timeScale)).setValue('10');
    expect(sent[1]).toEqual({ kind: 'cluster-start', nodes: 3, mode: 'paxos', txnMode: 'classic', lockPolicy: 'no-wait', placement: 'hash', timeScale: 10 });
    await wrapper.find(sel(TID.placement)).setValue('range');
    expect(sent[2]).toEqual({ kind: 'cluster-start', nodes: 3, mode: 'paxos', txnMode: 'classic', lockPolicy: 'no-wait', placement: 'range', timeScale: 10 });
    await wrapper.find(sel(TID.lockPolicy)).setValue('wound-wait');
    expect(sent[3]).toEqual({ kind: 'cluster-start', nodes: 3, mode: 'paxos', txnMode: 'classic', lockPolicy: 'wound-wait', placement: 'range', timeScale: 10 });
    await wrapper.find(sel(TID.stop)).trigger('click');
    expect(sent[4]).toEqual({ kind: 'cluster-stop' });
  });

  it('sharded transactions: the lock policy select is off, and says why (shards take their locks at prepare)', async () => {
    const { wrapper } = mountPanel(ClusterBar, { state: panelState() });
    unmount = () => wrapper.unmount();
    const policy = wrapper.find(sel(TID.lockPolicy));
    expect((policy.element as HTMLSelectElement).disabled).toBe(false);
    await wrapper.find(sel(TID.txnMode)).setValue('sharded');
    expect((policy.element as HTMLSelectElement).disabled).toBe(true);
    expect(policy.attributes('title')).toMatch(/locks at prepare/);
    await wrapper.find(sel(TID.txnMode)).setValue('classic');
    expect((policy.element as HTMLSelectElement).disabled).toBe(false);
  });

  it('a viewer sees every control disabled except language and theme', () => {
    const { wrapper } = mountPanel(ClusterBar, { state: panelState(), role: 'viewer' });
    unmount = () => wrapper.unmount();
    const controls = wrapper.findAll('button, select, input').filter((c) => ![TID.langSwitch, TID.themeSwitch].includes(c.attributes('data-testid') as never));
    expect(controls.length).toBeGreaterThan(8);
    for (const c of controls) {
      const el = c.element as HTMLButtonElement;
      expect(el.disabled || el.closest('fieldset')?.disabled, c.attributes('data-testid')).toBe(true);
    }
    expect((wrapper.find(sel(TID.langSwitch)).element as HTMLButtonElement).disabled).toBe(false);
  });

  it('lists the faults in force and heals all of them at once', async () => {
    const state = panelState(['n1', 'n2', 'n3'], {
      nodes: [panelNode('n1'), panelNode('n2', { lifecycle: 'paused' }), panelNode('n3', { lifecycle: 'killed', status: undefined })],
      links: [
        { from: 'n1', to: 'n2', cut: true },
        { from: 'n2', to: 'n1', cut: true },
        { from: 'n1', to: 'n3', cut: false, delayMs: 200 },
      ],
    });
    const { wrapper, sent } = mountPanel(ClusterBar, { state });
    unmount = () => wrapper.unmount();
    const chips = wrapper.findAll(`${sel(TID.faultList)} li`).map((c) => c.text());
    expect(chips).toEqual(['n2 paused', 'n3 killed', 'n1 ✂ n2', 'n1 → n3 +200 ms']);
    expect(wrapper.find(sel(faultTestId(0))).exists()).toBe(true);
    await wrapper.find(sel(TID.healAll)).trigger('click');
    await new Promise((r) => setTimeout(r, 0));
    expect(sent).toEqual([{ kind: 'heal' }, { kind: 'resume', node: 'n2' }, { kind: 'restart', node: 'n3' }]);
  });

  it('starts a lock workload with its options and stops it', async () => {
    const { wrapper, sent } = mountPanel(ClusterBar, { state: panelState() });
    unmount = () => wrapper.unmount();
    await wrapper.find(sel(TID.workloadKind)).setValue('lock');
    await wrapper.find(sel(TID.workloadRate)).setValue('20');
    await wrapper.find(sel(TID.workloadOptions)).trigger('click');
    await wrapper.find(sel(nemesisTestId('kill-leader'))).setValue(true);
    await wrapper.find(sel(TID.workloadGcPause)).setValue('3000');
    await wrapper.find(sel(TID.workloadGcSigstop)).setValue(true);
    await wrapper.find(sel(TID.workloadPolicy)).setValue('least-outstanding');
    await wrapper.find(sel(TID.workloadStart)).trigger('click');
    expect(sent).toEqual([
      {
        kind: 'workload-start',
        settings: { workload: 'lock', rate: 20, clients: 4, nemesis: ['kill-leader'], policy: 'least-outstanding', fencing: true, gcPauseMs: 3000, gcSigstop: true, ttlMs: 1500 },
      },
    ]);
  });

  it('the language switch changes the words and is remembered', async () => {
    const { wrapper, i18n } = mountPanel(ClusterBar, { state: panelState() });
    unmount = () => wrapper.unmount();
    const ui = useUiStore();
    followLanguage(i18n, () => ui.language);
    ui.language = 'en';
    await nextTick();
    expect(wrapper.find(sel(TID.start)).text()).toContain('Start');
    await wrapper.find(sel(TID.langSwitch)).trigger('click');
    await nextTick();
    expect(wrapper.find(sel(TID.start)).text()).toContain('启动');
    expect(wrapper.find(sel(TID.clusterState)).text()).toBe('运行中');
    expect(localStorage.getItem('faultline.language')).toBe('zh-CN');
  });
});
