/**
 * `faultline serve` as a user runs it (a real child process with real nodes): it prints
 * the instructor's and the viewer's links, each with its own token in the fragment, serves
 * the panel page with the strict CSP, brings the cluster up with its progress on the
 * panel's feed, and stops with nothing left behind (startServe's stop checks that).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { startServe, tokenOf, type Serve } from '../../core/bench/browser/serve';
import { openPanelSocket } from '../../core/bench/browser/panel-socket';
import { PANEL_CSP } from '../../core/protocol/csp';
import { parseServeArgs } from '../../core/cli/commands/serve';

const BUILT = existsSync(fileURLToPath(new URL('../../dist/renderer/index.html', import.meta.url)));
let serve: Serve | undefined;

afterAll(async () => {
  await serve?.stop();
}, 60_000);

describe('faultline serve', () => {
  it('prints two links, serves the page with the CSP, and starts the cluster with progress on the feed', async () => {
    serve = await startServe(['--nodes', '3', '--mode', 'paxos']);
    const instructor = new URL(serve.instructorUrl);
    const viewer = new URL(serve.viewerUrl);
    expect(instructor.origin).toBe(`http://127.0.0.1:${serve.port}`);
    expect(viewer.origin).toBe(`http://127.0.0.1:${serve.port}`);
    expect(tokenOf(serve.instructorUrl)).not.toBe(tokenOf(serve.viewerUrl));
    expect(tokenOf(serve.instructorUrl).length).toBeGreaterThanOrEqual(24);

    const page = await fetch(`${instructor.origin}/`);
    expect(page.headers.get('content-security-policy')).toBe(PANEL_CSP);
    const html = await page.text();
    if (BUILT) {
      expect(page.status).toBe(200);
      expect(html.toLowerCase()).toContain('<!doctype html>');
    } else {
      expect(page.status).toBe(503);
      expect(html).toContain('npm run build:panel');
    }

    const panel = await openPanelSocket(serve.instructorUrl);
    try {
      const info = await panel.until('a running cluster with a leader', (s) => (s.cluster.state === 'running' && s.cluster.leaderAtMs !== null ? s.cluster : undefined), 60_000);
      expect(info).toMatchObject({ nodes: 3, mode: 'paxos', timeScale: 1 });
      expect(info.progress.map((p) => p.phase)).toEqual(expect.arrayContaining(['spawning', 'spawned', 'ready', 'leader']));
      const v = await openPanelSocket(serve.viewerUrl);
      expect(await v.command({ kind: 'kill-leader' })).toMatchObject({ ok: false, code: 'READ_ONLY' });
      v.close();
    } finally {
      panel.close();
    }
    expect(serve.output()).toMatch(/n\d elected leader/);
  }, 120_000);

  it('--host opens the page and its socket at that address, says so, and keeps the instructor on 127.0.0.1', async () => {
    // 127.0.0.2 is another loopback address on Linux: a second address without leaving the machine.
    const hosted = await startServe(['--nodes', '3', '--host', '127.0.0.2']);
    try {
      expect(new URL(hosted.viewerUrl).host).toBe(`127.0.0.2:${hosted.port}`);
      expect(new URL(hosted.instructorUrl).host).toBe(`127.0.0.1:${hosted.port}`);
      expect(hosted.output()).toMatch(/WARNING: the panel is open to the network on 127\.0\.0\.2/);
      for (const link of [hosted.viewerUrl, hosted.instructorUrl]) {
        const page = await fetch(new URL('/', link));
        expect(page.headers.get('content-security-policy')).toBe(PANEL_CSP);
      }
      const viewer = await openPanelSocket(hosted.viewerUrl);
      await viewer.until('a snapshot', (s) => s.cluster);
      viewer.close();
    } finally {
      await hosted.stop();
    }
  }, 120_000);

  it('a second SIGTERM while shutting down does not cut it short: the temp data folder goes too', async () => {
    const s = await startServe(['--nodes', '3']);
    try {
      const dataDir = /\(data in (.+?)\)/.exec(s.output())?.[1];
      expect(dataDir).toBeDefined();
      const panel = await openPanelSocket(s.instructorUrl);
      await panel.until('a running cluster', (st) => (st.cluster.state === 'running' ? true : undefined), 60_000);
      panel.close();
      expect(existsSync(dataDir!)).toBe(true);
      const exited = new Promise<number | null>((resolve) => s.child.once('exit', (code) => resolve(code)));
      s.child.kill('SIGTERM');
      // The first signal is being handled (nodes stopping) when the second arrives.
      while (!s.output().includes('Stopping every node')) await new Promise((r) => setTimeout(r, 10));
      s.child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(s.output()).toContain('Still stopping');
      expect(s.output()).toContain('Stopped.');
      expect(existsSync(dataDir!)).toBe(false);
    } finally {
      await s.stop();
    }
  }, 120_000);

  it('checks its arguments', () => {
    expect(parseServeArgs(['--nodes', '2'])).toMatch(/--nodes must be an integer from 3 to 9/);
    expect(parseServeArgs(['--mode', 'raft'])).toMatch(/--mode must be one of paxos, quorum, async, sloppy/);
    expect(parseServeArgs(['--time-scale', '2'])).toMatch(/--time-scale must be one of 1, 3, 10/);
    expect(parseServeArgs(['--host', 'not an address'])).toMatch(/--host must be an IP address/);
    expect(parseServeArgs(['--mode', 'quorum', '--time-scale', '10', '--host', '0.0.0.0'])).toMatchObject({ mode: 'quorum', timeScale: 10, host: '0.0.0.0', nodes: 5 });
  });
});
