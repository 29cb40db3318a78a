/**
 * The panel's availability figures (workload strip and verdict), the Health view's disk
 * column, and the cluster bar's self-heal switch, in both languages.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AvailabilityFigures as Figures } from '../../core/protocol/figures';
import AvailabilityFigures from '../../renderer/src/components/AvailabilityFigures.vue';
import { mountPanel } from '../../renderer/src/components/mount';
import { idleWorkload, panelNode, panelState } from '../../renderer/src/stores/fixtures';
import { diskTestId, TID } from '../../renderer/src/testids';
import ClusterBar from '../../renderer/src/views/ClusterBar/ClusterBar.vue';
import HealthView from '../../renderer/src/views/Health/HealthView.vue';
import VerdictView from '../../renderer/src/views/Verdict/VerdictView.vue';

const sel = (id: string) => `[data-testid="${id}"]`;
let unmount: (() => void) | undefined;
afterEach(() => {
  unmount?.();
  unmount = undefined;
  localStorage.clear();
});

const requests = (ops: number, ok: number, refused: number, unavailable: number) => ({
  ops, ok, refused, unavailable, unknown: ops - ok - refused - unavailable,
  availability: (ok + refused) / ops, okShare: ok / ops, refusedCodes: (refused > 0 ? { ABORTED: refused } : {}) as Record<string, number>,
});
const time = (active: number, answered: number) => ({ bucketMs: 1_000, active, answered, availability: answered / active });

const figures: Figures = {
  durationMs: 20_000,
  faults: 2,
  faultsPerHour: 360,
  mttdMs: 450,
  detected: 2,
  mttrMs: 300,
  recovered: 1,
  requests: requests(1000, 600, 350, 50),
  time: time(20, 18),
  baseline: { requests: requests(600, 400, 200, 0), time: time(12, 12) },
  windows: [
    { id: 0, kind: 'kill', text: 'kill -9 n2', nodes: ['n2'], startMs: 3_000, healMs: 6_000, repairMs: 4_000, detectMs: 600, detectedBy: 'suspicion', recoverMs: 300, longestOutageMs: 1_200, requests: requests(200, 100, 60, 40), time: time(3, 2) },
    { id: 1, kind: 'partition', text: 'partition halves', nodes: ['n1'], startMs: 10_000, detectMs: 300, detectedBy: 'leader-change', recoverMs: null, longestOutageMs: 4_000, requests: requests(200, 100, 90, 10), time: time(5, 4) },
  ],
  selfHealRestarts: [{ node: 'n2', atMs: 4_500, downMs: 1_500 }],
};

describe('availability figures', () => {
  it('show requests answered with refusals apart from unavailability, time, faults per hour, MTTD, MTTR and each fault', () => {
    const { wrapper } = mountPanel(AvailabilityFigures, { props: { figures, detailed: true } });
    unmount = () => wrapper.unmount();
    const req = wrapper.find(sel(TID.figuresRequests)).text();
    expect(req).toContain('95.0 %');
    expect(req).toContain('refused by design 35.0 %: ABORTED 350');
    expect(req).toContain('unavailable 5.0 %');
    expect(wrapper.find(sel(TID.figuresTime)).text()).toContain('90.0 %');
    expect(wrapper.find(sel(TID.figuresMttd)).text()).toMatch(/450 ms\s*\(2 of 2\)/);
    expect(wrapper.find(sel(TID.figuresMttr)).text()).toMatch(/300 ms\s*\(1 of 2\)/);
    const text = wrapper.text();
    expect(text).toContain('360 per hour');
    expect(text).toContain('n2 0:04.5');
    expect(text).toContain('noticed after 600 ms (a detector suspected a node)');
    expect(text).toContain('recovered in 300 ms');
    expect(text).toContain('not healed');
    expect(text).toContain('noticed after 300 ms (a new leader)');
  });

  it('fit the workload strip in two short lines, the breakdown in the hover', () => {
    const { wrapper } = mountPanel(AvailabilityFigures, { props: { figures, compact: true } });
    unmount = () => wrapper.unmount();
    expect(wrapper.findAll('p')).toHaveLength(2);
    const req = wrapper.find(sel(TID.figuresRequests));
    expect(req.text()).toBe('Requests answered 95.0 %');
    expect(req.attributes('title')).toContain('refused by design 35.0 %: ABORTED 350');
    expect(wrapper.find(sel(TID.figuresMttd)).text()).toMatch(/^MTTD 450 ms\s*\(2 of 2\)$/);
    expect(wrapper.find(sel(TID.figuresMttr)).text()).toMatch(/^MTTR 300 ms\s*\(1 of 2\)$/);
  });

  it('say it in Chinese too', () => {
    const { wrapper } = mountPanel(AvailabilityFigures, { props: { figures, detailed: true }, language: 'zh-CN' });
    unmount = () => wrapper.unmount();
    const text = wrapper.text();
    expect(text).toContain('平均检测时间');
    expect(text).toContain('按设计拒绝');
    expect(text).toContain('600 毫秒后察觉（故障检测器怀疑某节点）');
    expect(text).not.toContain('noticed');
  });

  it('appear in the verdict with every fault window', () => {
    const state = panelState(['n1', 'n2', 'n3'], {
      workload: {
        ...idleWorkload, phase: 'done', run: 1, endedAtMs: 9_000,
        verdict: { valid: true, model: 'txn', summary: 'fine', evidenceOps: [], availability: { overall: 0.6, baseline: 0.66, duringFaults: 0.5 }, notes: [], figures },
      },
    });
    const { wrapper } = mountPanel(VerdictView, { state });
    unmount = () => wrapper.unmount();
    expect(wrapper.find(sel(TID.figures)).exists()).toBe(true);
    expect(wrapper.find(sel(TID.figuresRequests)).text()).toContain('95.0 %');
    expect(wrapper.findAll('li').length).toBeGreaterThanOrEqual(2);
  });
});

describe('Health view resources', () => {
  it('shows each node’s disk beside CPU and memory, in KB or MB, and – when not measured', () => {
    const state = panelState(['n1', 'n2', 'n3'], {
      nodes: [
        panelNode('n1', { metrics: { cpuPercent: 12, rssBytes: 80 * 1_048_576, diskBytes: 2.5 * 1_048_576 } }),
        panelNode('n2', { lifecycle: 'killed', status: undefined, metrics: { cpuPercent: 0, rssBytes: 0, diskBytes: 30 * 1024 } }),
        panelNode('n3', { metrics: undefined }),
      ],
    });
    const { wrapper } = mountPanel(HealthView, { state });
    unmount = () => wrapper.unmount();
    const table = wrapper.find(sel(TID.healthResources));
    expect(table.text()).toContain('Disk');
    expect(table.text()).toContain('80 MB');
    expect(wrapper.find(sel(diskTestId('n1'))).text()).toBe('2.5 MB');
    expect(wrapper.find(sel(diskTestId('n2'))).text()).toBe('30 KB');
    expect(wrapper.find(sel(diskTestId('n3'))).text()).toBe('– MB');
  });
});

describe('cluster bar self-heal switch', () => {
  it('turns the policy on and off through the panel protocol and says the delay in force', async () => {
    const off = mountPanel(ClusterBar, { state: panelState() });
    unmount = () => off.wrapper.unmount();
    const box = off.wrapper.find(sel(TID.selfHeal));
    expect((box.element as HTMLInputElement).checked).toBe(false);
    await box.setValue(true);
    expect(off.sent).toEqual([{ kind: 'self-heal', on: true }]);
    off.wrapper.unmount();

    const base = panelState();
    const on = mountPanel(ClusterBar, { state: { ...base, cluster: { ...base.cluster, selfHealMs: 2_000 } } });
    unmount = () => on.wrapper.unmount();
    const box2 = on.wrapper.find(sel(TID.selfHeal));
    expect((box2.element as HTMLInputElement).checked).toBe(true);
    expect(box2.element.closest('label')?.textContent).toContain('Self-heal (2 s)');
    await box2.setValue(false);
    expect(on.sent).toEqual([{ kind: 'self-heal', on: false }]);
  });
});
