/**
 * The desktop app's main-process logic under Node, in a packaged app's layout built by the
 * real build scripts: nodes and the reaper run as "the app binary" (here Node, which ignores
 * ELECTRON_RUN_AS_NODE=1 exactly as Electron obeys it) from the unpacked bundles by path;
 * the panel is served from inside the stand-in app.asar; node data goes to the user-data
 * folder; start, stop, start again and quit; the classroom listener; and the supervisor
 * bundled as the main process bundles it (no tsx) killed outright leaves no node behind.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import WebSocket from 'ws';
import { PANEL_CSP } from '../../core/protocol/csp';
import { workloadSettingsSchema } from '../../core/protocol/panel';
import { APP_FILES, appRuntime } from '../../core/supervisor/app-host/app-layout';
import { AppHost } from '../../core/supervisor/app-host/app-host';
import { classroomAddresses } from '../../core/supervisor/app-host/classroom';
import { QuitGuard } from '../../core/supervisor/app-host/quit-guard';
import { buildPackagedLayout, type PackagedLayout } from '../support/app-bundles';
import { waitFor } from '../support/wait';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const cmdline = (pid: number): string[] => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
const environ = (pid: number): string[] => readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');

/** Live pids whose command line has `arg` as one of its words. */
function pidsRunning(arg: string): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number)
    .filter((pid) => {
      try {
        return cmdline(pid).includes(arg);
      } catch {
        return false;
      }
    });
}

const allGone = (pids: readonly number[]): true | undefined => (pids.every((p) => !alive(p)) ? true : undefined);

/** Opens a WebSocket and resolves with its first message, or rejects with why it failed. */
function firstMessage(url: string, origin: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { origin });
    ws.once('message', (data) => {
      resolve(data.toString());
      ws.terminate();
    });
    ws.once('unexpected-response', (_req, res) => {
      reject(new Error(`HTTP ${res.statusCode}`));
      ws.terminate();
    });
    ws.once('error', reject);
  });
}

describe('desktop app host (packaged layout, under Node)', () => {
  let layout: PackagedLayout;

  beforeAll(async () => {
    layout = await buildPackagedLayout();
  }, 120_000);

  afterAll(async () => {
    await layout?.dispose();
  });

  it('finds the bundles in app.asar.unpacked, the panel in app.asar and the data in user data', () => {
    const { paths, location } = layout;
    expect(paths.nodeBundle).toBe(join(location.resourcesPath, 'app.asar.unpacked', APP_FILES.node));
    expect(paths.reaperScript).toBe(join(location.resourcesPath, 'app.asar.unpacked', APP_FILES.reaper));
    expect(paths.rendererDir).toBe(join(location.resourcesPath, 'app.asar', APP_FILES.renderer));
    expect(paths.preload).toBe(join(location.resourcesPath, 'app.asar', APP_FILES.preload));
    expect(paths.dataDir.startsWith(location.userDataPath)).toBe(true);
    expect(paths.gcClientScript).toBe(join(location.resourcesPath, 'app.asar.unpacked', APP_FILES.gcClient));
    for (const file of [paths.nodeBundle, paths.reaperScript, paths.gcClientScript, join(paths.rendererDir, 'index.html'), paths.preload]) expect(existsSync(file), file).toBe(true);
    const runtime = appRuntime(paths, '/opt/Faultline/faultline');
    expect(runtime).toEqual({
      execPath: '/opt/Faultline/faultline',
      env: { ELECTRON_RUN_AS_NODE: '1' },
      nodeBundle: paths.nodeBundle,
      reaperScript: paths.reaperScript,
      gcClientScript: paths.gcClientScript,
    });
  });

  it('starts nodes as the app binary in Node mode from the bundle, stops them, starts again, and quitting stops every node', async () => {
    const { paths } = layout;
    const host = await AppHost.open({ rendererDir: paths.rendererDir, dataDir: paths.dataDir, runtime: appRuntime(paths), settings: { nodes: 3 } });
    try {
      // The window's page: the built panel from app.asar, with the one CSP.
      const page = await fetch(`${host.origin}/`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-security-policy')).toBe(PANEL_CSP);
      expect(await page.text()).toContain('<script');
      expect(host.instructorUrl.startsWith(`${host.origin}/#token=`)).toBe(true);

      await host.startCluster();
      const first = host.nodePids();
      expect(first).toHaveLength(3);
      for (const pid of first) {
        expect(cmdline(pid)[0]).toBe(process.execPath);
        expect(cmdline(pid)).toContain(paths.nodeBundle);
        expect(environ(pid)).toContain('ELECTRON_RUN_AS_NODE=1');
      }
      const reapers = pidsRunning(paths.reaperScript);
      expect(reapers.length).toBeGreaterThanOrEqual(1);
      expect(environ(reapers[0]!)).toContain('ELECTRON_RUN_AS_NODE=1');
      expect(existsSync(join(paths.dataDir, 'cluster-1', 'n1', 'node.log'))).toBe(true);

      await host.stopCluster();
      await waitFor('stopped nodes gone', () => allGone(first), 10_000);
      expect(host.isRunning).toBe(false);
      expect(existsSync(join(paths.dataDir, 'cluster-1', 'n1'))).toBe(true); // data kept on stop

      await host.startCluster();
      const second = host.nodePids();
      expect(second).toHaveLength(3);
      expect(second.some((p) => first.includes(p))).toBe(false);

      const exits: number[] = [];
      const quit = new QuitGuard(() => host.close(), (code) => exits.push(code));
      expect(quit.requestQuit()).toBe(true); // deferred: the lab is closing
      expect(quit.requestQuit()).toBe(true); // asked again while closing: same close
      await quit.whenClosed();
      expect(exits).toEqual([0]);
      expect(quit.requestQuit()).toBe(false); // closed: the quit goes ahead
      await waitFor('every node gone after quit', () => allGone(second), 10_000);
      await waitFor('the reaper gone after quit', () => (pidsRunning(paths.reaperScript).length === 0 ? true : undefined), 10_000);
    } finally {
      await host.close();
    }
  }, 120_000);

  it('runs the lock workload\'s GC-pause client from its unpacked bundle as the app binary, frozen by SIGSTOP and judged', async () => {
    const { paths } = layout;
    const host = await AppHost.open({ rendererDir: paths.rendererDir, dataDir: paths.dataDir, runtime: appRuntime(paths), settings: { nodes: 3 } });
    try {
      await host.startCluster();
      host.lab.workload.start(workloadSettingsSchema.parse({ workload: 'lock', rate: 20, clients: 2, durationS: 4, gcPauseMs: 2_000, gcSigstop: true, ttlMs: 1_000 }));
      const client = await waitFor('the GC-pause client process', () => pidsRunning(paths.gcClientScript)[0], 20_000);
      expect(cmdline(client)[0]).toBe(process.execPath);
      expect(environ(client)).toContain('ELECTRON_RUN_AS_NODE=1');
      const done = await waitFor('the verdict', () => (host.lab.workload.state.phase === 'done' || host.lab.workload.state.phase === 'failed' ? host.lab.workload.state : undefined), 90_000);
      expect(done.error).toBeNull();
      expect(done.verdict?.valid).toBe(true); // fencing on: the stale write was refused
      await waitFor('the GC-pause client gone', () => (pidsRunning(paths.gcClientScript).length === 0 ? true : undefined), 10_000);
    } finally {
      await host.close();
    }
  }, 150_000);

  const address = classroomAddresses()[0];
  it.skipIf(address === undefined)('opens to the classroom: page and /panel at the network address for the page origin only, closed again on request', async () => {
    const { paths } = layout;
    const host = await AppHost.open({ rendererDir: paths.rendererDir, dataDir: paths.dataDir, runtime: appRuntime(paths), settings: { nodes: 3 } });
    try {
      const link = await host.openClassroom(address);
      const viewer = new URL(link.viewerUrl);
      expect(viewer.hostname).toBe(address);
      const token = viewer.hash.slice('#token='.length);
      const page = await fetch(`${viewer.origin}/`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-security-policy')).toBe(PANEL_CSP);
      const snapshot = JSON.parse(await firstMessage(`ws://${viewer.host}/panel?token=${token}`, viewer.origin)) as { type: string; role?: string };
      expect(snapshot.type).toBeDefined();
      await expect(firstMessage(`ws://${viewer.host}/panel?token=${token}`, 'http://elsewhere.example:80')).rejects.toThrow('403');
      await expect(firstMessage(`ws://${viewer.host}/panel?token=wrong`, viewer.origin)).rejects.toThrow('401');

      await host.closeClassroom();
      expect(host.classroomLink).toBeUndefined();
      await expect(fetch(`${viewer.origin}/`)).rejects.toThrow();
    } finally {
      await host.close();
    }
  }, 60_000);

  it('the supervisor bundled as the main process bundles it runs without tsx, and killed outright takes every node with it', async () => {
    const { paths } = layout;
    const { buildAppHostForTest } = await import('../support/app-host-bundle');
    const hostBundle = await buildAppHostForTest(layout.dir);
    const script = `
      import { AppHost } from ${JSON.stringify(hostBundle)};
      import { appRuntime } from ${JSON.stringify(hostBundle)};
      const paths = JSON.parse(process.argv[1]);
      const host = await AppHost.open({ rendererDir: paths.rendererDir, dataDir: paths.dataDir, runtime: appRuntime(paths), settings: { nodes: 3 } });
      await host.startCluster();
      process.stdout.write(JSON.stringify({ origin: host.origin, pids: host.nodePids() }) + '\\n');
      setInterval(() => {}, 1000);
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(paths)], {
      cwd: layout.dir,
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const started = await new Promise<{ origin: string; pids: number[] }>((resolve, reject) => {
        createInterface({ input: child.stdout! }).once('line', (line) => resolve(JSON.parse(line) as { origin: string; pids: number[] }));
        child.once('exit', (code) => reject(new Error(`the bundled host exited early with ${code}`)));
      });
      expect(started.pids).toHaveLength(3);
      expect(cmdline(child.pid!)).not.toContain('--import'); // no tsx loader in the main process
      expect((await fetch(`${started.origin}/`)).status).toBe(200);
      child.kill('SIGKILL');
      await waitFor('every node gone after the app was killed', () => allGone(started.pids), 15_000);
    } finally {
      child.kill('SIGKILL');
    }
  }, 120_000);
});

