/**
 * `npm start` without Electron's binary, end to end: the launcher says so in one line
 * (found from the electron package's files, without asking the package, which would start a
 * download), then serves the panel in the browser: both links printed, the page served with
 * its CSP, the panel socket open to the page's origin, every node of the cluster up; SIGTERM
 * (Ctrl-C) leaves no process behind. A real browser loading it: test/e2e/start-fallback.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openPanelSocket, type PanelSocket } from '../../core/bench/browser/panel-socket';
import { PANEL_CSP } from '../../core/protocol/csp';
import { ROOT } from '../support/app-bundles';
import { FALLBACK_LINE, startWithoutElectron } from '../support/start-fallback';

describe('npm start without the Electron binary', () => {
  let started: Awaited<ReturnType<typeof startWithoutElectron>> | undefined;
  let sock: PanelSocket | undefined;

  beforeAll(async () => {
    started = await startWithoutElectron(['--nodes', '3']);
  }, 120_000);

  afterAll(async () => {
    sock?.close();
    await started?.dispose();
  });

  it('is what the start script runs', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts['start']).toBe('node scripts/start.mjs');
  });

  it('says in one line why there is no window, before anything else, and never downloads', () => {
    const out = started!.output();
    const first = out.split('\n')[0]!;
    expect(first).toMatch(FALLBACK_LINE);
    expect(out.match(new RegExp(FALLBACK_LINE.source, 'gm'))).toHaveLength(1);
    expect(out).not.toMatch(/Downloading Electron/i);
    // The probe left the electron package as it was (no binary fetched behind our back).
    if (!existsSync(join(ROOT, 'node_modules/electron/path.txt'))) expect(existsSync(join(ROOT, 'node_modules/electron/dist'))).toBe(false);
  });

  it('prints both links and serves the panel with its CSP', async () => {
    const { instructorUrl, viewerUrl } = started!;
    expect(new URL(instructorUrl).hostname).toBe('127.0.0.1');
    expect(new URL(viewerUrl).hash).toMatch(/^#token=/);
    expect(new URL(viewerUrl).hash).not.toBe(new URL(instructorUrl).hash);
    const page = await fetch(new URL('/', instructorUrl));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(PANEL_CSP);
    expect(await page.text()).toContain('<script');
  });

  it('runs the cluster behind the panel: every node up', async () => {
    sock = await openPanelSocket(started!.instructorUrl);
    const up = await sock.until('3 nodes up', (s) => (s.nodes.length === 3 && s.nodes.every((n) => n.lifecycle === 'up') ? s.nodes : undefined), 60_000);
    expect(up.map((n) => n.id).sort()).toEqual(['n1', 'n2', 'n3']);
  }, 90_000);
});
