/**
 * `npm start` without the Electron binary, in a real browser: the page the fallback serves
 * loads in Debian's chromium under its CSP, connects, and shows every node healthy.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchBrowser, type Browser } from '../../core/bench/browser/chromium';
import { nodeStateTestId } from '../../renderer/src/testids';
import { FALLBACK_LINE, startWithoutElectron } from '../support/start-fallback';
import { screenshot } from './support/artifacts';
import { describeE2E } from './support/e2e';
import { attr, openPanel, pageProblems, seeOnScreen } from './support/panel-page';

describeE2E('npm start without Electron: the panel in the browser', () => {
  let started: Awaited<ReturnType<typeof startWithoutElectron>> | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    started = await startWithoutElectron(['--nodes', '3']);
    browser = await launchBrowser({ viewport: { width: 1280, height: 720 } });
  });

  afterAll(async () => {
    await browser?.close();
    await started?.dispose();
  });

  it('loads the printed instructor link and shows every node healthy, with no page error or CSP violation', async () => {
    expect(started!.output()).toMatch(FALLBACK_LINE);
    const panel = await openPanel(browser!.context, started!.instructorUrl);
    for (const node of ['n1', 'n2', 'n3']) await seeOnScreen(`${node} healthy`, () => attr(panel, nodeStateTestId(node), 'data-health'), (v) => v === 'up', 60_000);
    await screenshot(panel.page, 'npm-start-fallback');
    expect(await pageProblems(panel)).toEqual([]);
  });
});
