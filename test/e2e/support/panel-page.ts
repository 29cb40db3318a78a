/**
 * The panel as a user sees it: a page opened on a link, with what went wrong in it collected
 * (uncaught errors, console errors, Content-Security-Policy violations) so every test can
 * end by checking the page stayed clean under the strict CSP. Locators use the ids of
 * renderer/src/testids.ts.
 */
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { TID } from '../../../renderer/src/testids';

export interface PanelPage {
  readonly page: Page;
  /** Uncaught exceptions, console errors and CSP violations seen so far. */
  readonly problems: string[];
  byId(testId: string): Locator;
  close(): Promise<void>;
}

/** Collects CSP violations from the first script on (a string: the tests type-check without the DOM lib). */
const CSP_LISTENER = `window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline'));
});`;

export async function openPanel(context: BrowserContext, link: string): Promise<PanelPage> {
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  await page.addInitScript({ content: CSP_LISTENER });
  await page.goto(link);
  const panel: PanelPage = {
    page,
    problems,
    byId: (testId) => page.getByTestId(testId),
    close: () => page.close(),
  };
  await seeOnScreen('the socket open', () => connectionState(panel), (v) => v === 'open', 20_000);
  return panel;
}

export function connectionState(p: PanelPage): Promise<string | null> {
  return p.byId(TID.connection).getAttribute('data-state', { timeout: 1_000 }).catch(() => null);
}

/** Everything wrong in the page so far, CSP violations included (expected: none). */
export async function pageProblems(p: PanelPage): Promise<string[]> {
  const csp = (await p.page.evaluate('window.__cspViolations ?? []')) as string[];
  return [...p.problems, ...csp.map((v) => `CSP violation: ${v}`)];
}

/** The visible text of the whole page (what a person in the room can read). */
export function visibleText(p: PanelPage): Promise<string> {
  return p.page.evaluate('document.body.innerText') as Promise<string>;
}

/** An attribute of the element with this test id, or null while it is not on screen. */
export function attr(p: PanelPage, testId: string, name: string): Promise<string | null> {
  return p.byId(testId).first().getAttribute(name, { timeout: 500 }).catch(() => null);
}

/** Polls the screen until `read` gives a value `ok` accepts; returns that value. */
export async function seeOnScreen<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await read();
    if (ok(last)) return last;
    if (Date.now() > deadline) throw new Error(`not on screen after ${timeoutMs} ms: ${what} (last seen: ${JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
