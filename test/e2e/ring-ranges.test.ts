/**
 * Range placement in the panel, in Debian's chromium against a real `faultline serve`:
 * a 3-node quorum cluster placing keys by range (the lab splits ranges past 4 keys), a
 * register workload from the panel, and the Ring view showing the ranges with their
 * boundaries and owners, the splits as they happen, and each split on the timeline, in
 * English and in Chinese. Screenshots: ring-ranges-en, ring-ranges-zh-CN.
 */
import { beforeAll, expect, it } from 'vitest';
import type { PanelSocket } from '../../core/bench/browser/panel-socket';
import { TID, tabTestId } from '../../renderer/src/testids';
import { screenshot } from './support/artifacts';
import { ready } from './support/cluster';
import { describeE2E } from './support/e2e';
import { useE2ELab } from './support/lab-fixture';
import { pageProblems, seeOnScreen, type PanelPage } from './support/panel-page';

describeE2E('the Ring view under range placement (3 real nodes)', () => {
  const lab = useE2ELab();
  let sock: PanelSocket;
  let panel: PanelPage;
  beforeAll(() => {
    ({ sock, panel } = lab);
  });

  it('shows the ranges, their owners and the splits a register workload causes, in en and zh-CN', async () => {
    const before = sock.state()?.cluster.generation ?? 0;
    await sock.must({ kind: 'cluster-reset', nodes: 3, mode: 'quorum', placement: 'range', timeScale: 1 }, 90_000);
    await sock.until('a fresh range-placed cluster', (s) => ready(s, before), 90_000);
    // The bar shows the placement the cluster runs with.
    await seeOnScreen('range in the bar', () => panel.byId(TID.placement).inputValue(), (v) => v === 'range', 10_000);
    await sock.must({ kind: 'workload-start', settings: { workload: 'register', rate: 100, clients: 4 } }, 30_000);
    await panel.byId(tabTestId('ring')).click();
    const ranges = panel.byId(TID.ringRanges);
    await ranges.waitFor({ state: 'visible', timeout: 30_000 });
    expect(await panel.byId(TID.ringChart).count()).toBe(0);
    // Splits arrive as the workload's keys pile up in the first range.
    await seeOnScreen('a split listed', () => panel.byId(TID.ringSplits).locator('li').count(), (n) => n > 0, 90_000);
    const rows = ranges.locator('tbody tr');
    expect(await rows.count()).toBeGreaterThan(1);
    expect(await rows.first().innerText()).toContain('start');
    expect(await ranges.innerText()).toMatch(/\d+ ranges · \d+ splits/);
    await seeOnScreen('the split on the timeline', () => panel.byId(TID.timeline).innerText(), (t) => /split at/.test(t), 10_000);
    await screenshot(panel.page, 'ring-ranges-en');
    await panel.byId(TID.langSwitch).click();
    await seeOnScreen('zh-CN ranges', () => ranges.innerText(), (t) => t.includes('个区间'), 10_000);
    expect(await panel.byId(TID.ringSplits).innerText()).toContain('处分裂');
    await screenshot(panel.page, 'ring-ranges-zh-CN');
    await panel.byId(TID.langSwitch).click();
    expect(await pageProblems(panel)).toEqual([]);
  }, 240_000);
});
