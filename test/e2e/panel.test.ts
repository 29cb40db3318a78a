/**
 * The panel in Debian's chromium against a real `faultline serve` (5 node processes): the
 * first minute of a workshop. One serve for the file; each case starts from a fresh cluster
 * (the panel's reset) and reads its outcome from the screen.
 */
import { beforeAll, expect, it } from 'vitest';
import { openPanelSocket, type PanelSocket } from '../../core/bench/browser/panel-socket';
import { useE2ELab } from './support/lab-fixture';
import { TID, diskTestId, linkTestId, nodeButtonTestId, nodeStateTestId, nodeTestId, partitionTestId, tabTestId } from '../../renderer/src/testids';
import { screenshot } from './support/artifacts';
import { freshCluster, readyCluster } from './support/cluster';
import { describeE2E } from './support/e2e';
import type { Page } from 'playwright-core';
import { attr, openPanel, pageProblems, seeOnScreen, type PanelPage } from './support/panel-page';

const NODES = ['n1', 'n2', 'n3', 'n4', 'n5'];

describeE2E('the panel: start, kill the leader, partition (5 real nodes)', () => {
  const lab = useE2ELab();
  let sock: PanelSocket;
  let panel: PanelPage;
  beforeAll(() => {
    ({ sock, panel } = lab);
  });

  const health = (node: string) => attr(panel, nodeStateTestId(node), 'data-health');
  const leaderOnScreen = () => attr(panel, TID.leaderName, 'data-leader');

  it('the cluster starts from the button and every node turns healthy', async () => {
    const before = sock.state()?.cluster.generation ?? 0;
    await panel.byId(TID.start).click();
    // The button started a new cluster (a new generation), and the screen says it is up.
    await sock.until('the new cluster', (s) => (s.cluster.generation > before ? true : undefined), 30_000);
    await seeOnScreen('cluster running', () => attr(panel, TID.clusterState, 'data-state'), (v) => v === 'running', 60_000);
    for (const n of NODES) await seeOnScreen(`${n} healthy`, () => health(n), (v) => v === 'up', 60_000);
    await seeOnScreen('5 of 5 healthy', () => attr(panel, TID.topologySummary, 'data-up'), (v) => v === '5');
    const leader = (await seeOnScreen('a leader', leaderOnScreen, (v) => v !== null && NODES.includes(v)))!;
    expect(await attr(panel, nodeTestId(leader), 'data-role')).toBe('leader');
    await screenshot(panel.page, 'main-running-en');
    expect(await pageProblems(panel)).toEqual([]);
  });

  it('killing the leader shows it down and a new leader', async () => {
    await freshCluster(sock, { mode: 'paxos' });
    const old = (await seeOnScreen('a leader', leaderOnScreen, (v) => v !== null && NODES.includes(v)))!;
    await panel.byId(TID.killLeader).click();
    await seeOnScreen(`${old} down`, () => health(old), (v) => v === 'down', 10_000);
    const next = (await seeOnScreen('a new leader', leaderOnScreen, (v) => v !== null && v !== old && NODES.includes(v), 30_000))!;
    expect(await attr(panel, nodeTestId(next), 'data-role')).toBe('leader');
    // The timeline says it in words.
    await seeOnScreen('the kill on the timeline', () => panel.byId(TID.timeline).innerText(), (t) => t.includes(old));
    await screenshot(panel.page, 'kill-leader-en');
    expect(await pageProblems(panel)).toEqual([]);
  });

  it('self-heal from the bar brings a killed node back, a workload shows its availability figures, and Health shows each node\'s disk', async () => {
    await freshCluster(sock, { mode: 'paxos' });
    try {
      await panel.byId(TID.selfHeal).check();
      await sock.until('self-heal on', (s) => (s.cluster.selfHealMs != null ? true : undefined), 10_000);
      await panel.byId(TID.workloadStart).click();
      await seeOnScreen('workload running', () => attr(panel, TID.workloadPhase, 'data-phase'), (v) => v === 'running');
      await panel.byId(nodeTestId('n2')).click();
      await panel.byId(nodeButtonTestId('kill', 'n2')).click();
      await panel.byId(TID.nodeDetailClose).click();
      await seeOnScreen('n2 down', () => health('n2'), (v) => v === 'down', 10_000);
      // Nobody presses restart: the policy brings it back, and the timeline says so.
      await seeOnScreen('n2 back by itself', () => health('n2'), (v) => v === 'up', 60_000);
      await seeOnScreen('the restart on the timeline', () => panel.byId(TID.timeline).innerText(), (t) => t.includes('self-heal restarts n2'));
      await seeOnScreen('live figures with the kill', () => panel.byId(TID.figuresMttd).innerText(), (t) => /\(\d+ of 1\)/.test(t), 20_000);
      await screenshot(panel.page, 'self-heal-figures-en');
      await panel.byId(TID.workloadStop).click();
      await seeOnScreen('a verdict', () => attr(panel, TID.workloadPhase, 'data-phase'), (v) => v === 'done', 90_000);
      await panel.byId(tabTestId('health')).click();
      for (const n of NODES) await seeOnScreen(`${n} disk`, () => panel.byId(diskTestId(n)).innerText(), (t) => /^\d+(\.\d)? (KB|MB)$/.test(t.trim()), 10_000);
      await screenshot(panel.page, 'health-disk-en');
      expect(await pageProblems(panel)).toEqual([]);
    } finally {
      await sock.command({ kind: 'self-heal', on: false });
    }
  });

  it('a minority partition shows the cut and the majority keeps committing', async () => {
    await freshCluster(sock, { mode: 'paxos' });
    // Every write goes through the Paxos log (mode paxos), so chosen slots count commits.
    await panel.byId(TID.workloadStart).click();
    await seeOnScreen('workload running', () => attr(panel, TID.workloadPhase, 'data-phase'), (v) => v === 'running');
    await panel.byId(tabTestId('paxos')).click();
    const chosen = () =>
      panel.page.evaluate(`Math.max(-1, ...[...document.querySelectorAll('[data-testid^="paxos-slot-"][data-chosen="yes"]')].map((e) => Number(e.dataset.testid.slice(11))))`) as Promise<number>;
    await seeOnScreen('slots chosen', chosen, (v) => v >= 0);

    // halves: {n1, n2} | {n3, n4, n5}.
    await panel.byId(partitionTestId('halves')).click();
    for (const [a, b] of [['n1', 'n3'], ['n2', 'n5'], ['n1', 'n4']] as const) {
      await seeOnScreen(`link ${a}-${b} cut`, () => attr(panel, linkTestId(a, b), 'data-look'), (v) => v === 'cut', 10_000);
    }
    expect(await attr(panel, linkTestId('n1', 'n2'), 'data-look')).not.toBe('cut');
    expect(await attr(panel, linkTestId('n3', 'n4'), 'data-look')).not.toBe('cut');
    const atCut = await chosen();
    // The majority side elects (if it must) and goes on choosing slots.
    await seeOnScreen('the majority commits past the cut', chosen, (v) => v >= atCut + 10, 30_000);
    const leader = await leaderOnScreen();
    expect(['n3', 'n4', 'n5']).toContain(leader);
    await screenshot(panel.page, 'partition-paxos-en');
    await panel.byId(TID.healAll).click();
    await seeOnScreen('healed', () => attr(panel, linkTestId('n1', 'n3'), 'data-look'), (v) => v !== 'cut', 10_000);
    await panel.byId(TID.workloadStop).click();
    expect(await pageProblems(panel)).toEqual([]);
  });

  it('the viewer link can press no button, and the API refuses it when forced', async () => {
    await readyCluster(sock, 'paxos');
    const viewer = await openPanel(lab.browser.context, lab.serve.viewerUrl);
    await viewer.byId(TID.readOnlyBadge).waitFor({ state: 'visible' });
    await seeOnScreen('n1 shown', () => attr(viewer, nodeStateTestId('n1'), 'data-health'), (v) => v === 'up');
    // Open a node's detail too, where its fault buttons are.
    await viewer.byId(nodeTestId('n1')).click();
    await viewer.byId(TID.nodeDetail).waitFor({ state: 'visible' });
    const enabled = (await viewer.page.evaluate(`[...document.querySelectorAll('button, input, select')]
      .filter((e) => !e.disabled && !e.closest('fieldset:disabled'))
      .map((e) => e.dataset.testid || e.textContent.trim())`)) as string[];
    // Only what changes this page alone: language, theme, tabs, the detail's close, the
    // diagram's view controls, the history download (viewers may) and "Show evidence" (opens the verdict tab).
    const harmless = /^(lang-switch|theme-switch|tab-.*|btn-node-detail-close|btn-messages-.*|select-messages-span|select-health-observer|filter-(node|kind)-.*|link-history-download|Show evidence)$/;
    expect(enabled.filter((id) => !harmless.test(id))).toEqual([]);
    expect(await viewer.byId(nodeButtonTestId('kill', 'n1')).isDisabled()).toBe(true);
    await screenshot(viewer.page, 'viewer-en');

    // Forced over the socket with the viewer's token: refused, and nothing changes.
    const forced = await openPanelSocket(lab.serve.viewerUrl);
    try {
      const reply = await forced.command({ kind: 'kill', node: 'n1' });
      expect(reply).toMatchObject({ ok: false, code: 'READ_ONLY' });
      const reset = await forced.command({ kind: 'cluster-reset' });
      expect(reset).toMatchObject({ ok: false, code: 'READ_ONLY' });
    } finally {
      forced.close();
    }
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await attr(viewer, nodeStateTestId('n1'), 'data-health')).toBe('up');
    expect(await pageProblems(viewer)).toEqual([]);
    await viewer.close();
  });

  it('the language switch changes every visible string (en -> zh-CN), on the main screen and every view', async () => {
    await readyCluster(sock, 'paxos');
    const p = panel.page;
    await p.setViewportSize({ width: 1280, height: 720 });
    await seeOnScreen('n1 shown', () => attr(panel, nodeStateTestId('n1'), 'data-health'), (v) => v === 'up');
    const en = await textOfEveryView(panel, 'en');
    await panel.byId(TID.langSwitch).click();
    await seeOnScreen('zh-CN', () => p.evaluate('document.documentElement.lang') as Promise<string>, (v) => v === 'zh-CN', 5_000);
    const zh = await textOfEveryView(panel, 'zh-CN');
    for (const [view, text] of Object.entries(zh)) {
      const left = englishWords(text).filter((w) => englishWords(en[view] ?? '').includes(w));
      // Each leftover word with the words around it, so a failure says where to look.
      const where = left.map((w) => text.slice(Math.max(0, text.toLowerCase().indexOf(w) - 30), text.toLowerCase().indexOf(w) + w.length + 30).replace(/\s+/g, ' '));
      expect({ view, left: where }).toEqual({ view, left: [] });
      expect(/[\u4e00-\u9fff]/.test(text)).toBe(true);
    }
    // Remembered: a reload keeps zh-CN.
    await p.reload();
    await seeOnScreen('zh-CN after reload', () => p.evaluate('document.documentElement.lang') as Promise<string>, (v) => v === 'zh-CN', 10_000);
    await panel.byId(TID.langSwitch).click();
    expect(await pageProblems(panel)).toEqual([]);
  });
});

/** Words a zh-CN screen may keep: ids, units, protocol and product names, mode and workload names a user types in `faultline run`. */
const KEPT = new Set(['faultline', 'paxos', '2pc', 'cpu', 'rss', 'pid', 'kill', 'phi', 'ms', 'mb', 'ops', 'kv', 'jsonl', 'quorum', 'async', 'sloppy', 'register', 'lock', 'txn']);

function englishWords(text: string): string[] {
  const words = text.match(/[A-Za-z][A-Za-z'-]{2,}/g) ?? [];
  return [...new Set(words.map((w) => w.toLowerCase()))].filter((w) => !KEPT.has(w) && !/^n\d+$/.test(w));
}

/**
 * The panel's own visible words under `root`: words it quotes as the supervisor or the
 * checker said them are marked lang="en" (not the panel's strings, so left out in both
 * languages), and the language switch names the other language.
 */
function ownText(page: Page, selector: string): Promise<string> {
  return page.evaluate(`(() => {
    const out = [];
    const walk = document.createTreeWalker(document.querySelector(${JSON.stringify(selector)}), NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      const el = n.parentElement;
      if (!el || !el.checkVisibility() || el.closest('body [lang="en"], [data-testid="lang-switch"]')) continue;
      out.push(n.textContent);
    }
    return out.join(' ');
  })()`) as Promise<string>;
}

/** The visible text of the main screen and of each side tab (and a node's detail), with a screenshot of each at both sizes. */
async function textOfEveryView(panel: PanelPage, lang: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const p = panel.page;
  for (const size of [{ width: 1280, height: 720 }, { width: 1920, height: 1080 }]) {
    await p.setViewportSize(size);
    await screenshot(p, `main-${lang}`);
  }
  await p.setViewportSize({ width: 1280, height: 720 });
  out['main'] = await ownText(p, 'body');
  const tabs = (await p.evaluate(`[...document.querySelectorAll('[data-testid^="tab-"]')].map((e) => e.dataset.testid.slice(4))`)) as string[];
  expect(tabs.length).toBeGreaterThan(3);
  for (const tab of tabs) {
    await panel.byId(tabTestId(tab)).click();
    await new Promise((r) => setTimeout(r, 300));
    out[tab] = await ownText(p, `[data-testid="${TID.sidePane}"]`);
    await screenshot(p, `view-${tab}-${lang}`);
  }
  await panel.byId(nodeTestId('n1')).click();
  await panel.byId(TID.nodeDetail).waitFor({ state: 'visible' });
  out['node-detail'] = await ownText(p, `[data-testid="${TID.nodeDetail}"]`);
  await screenshot(p, `view-node-detail-${lang}`);
  await panel.byId(TID.nodeDetailClose).click();
  return out;
}
