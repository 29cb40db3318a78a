/**
 * The set-up every e2e file shares: one real `faultline serve` for the file, an instructor
 * socket for precise recipes, and the panel open in chromium at 1280x720. After each case a
 * failed one leaves a FAILED-* screenshot and the cluster is calmed (workload stopped, faults
 * healed), so one failure does not slow the next case. Call inside a describeE2E body; the
 * fields are filled in its beforeAll.
 */
import { afterAll, afterEach, beforeAll } from 'vitest';
import { launchBrowser, type Browser } from '../../../core/bench/browser/chromium';
import { openPanelSocket, type PanelSocket } from '../../../core/bench/browser/panel-socket';
import { startServe, type Serve } from '../../../core/bench/browser/serve';
import { screenshot } from './artifacts';
import { calm } from './cluster';
import { openPanel, type PanelPage } from './panel-page';

export interface E2ELab {
  serve: Serve;
  browser: Browser;
  /** An instructor socket that mirrors the panel's state. */
  sock: PanelSocket;
  /** The instructor's panel in chromium. */
  panel: PanelPage;
}

export function useE2ELab(): E2ELab {
  const lab: Partial<E2ELab> = {};
  beforeAll(async () => {
    lab.serve = await startServe();
    lab.sock = await openPanelSocket(lab.serve.instructorUrl);
    lab.browser = await launchBrowser({ viewport: { width: 1280, height: 720 } });
    lab.panel = await openPanel(lab.browser.context, lab.serve.instructorUrl);
  });
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail' && lab.panel) await screenshot(lab.panel.page, `FAILED-${ctx.task.name.slice(0, 40).replace(/\W+/g, '-')}`).catch(() => undefined);
    if (lab.sock) await calm(lab.sock);
  });
  afterAll(async () => {
    lab.sock?.close();
    await lab.browser?.close();
    await lab.serve?.stop();
  });
  return lab as E2ELab;
}
