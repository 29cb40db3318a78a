/**
 * `faultline serve` as a real child process, the way a user starts the panel: on a free
 * port, its instructor and viewer links read from what it prints. stop() ends it with
 * SIGTERM (as Ctrl-C would) and then checks that no process it started is left.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { alive, descendants } from './processes';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const LINK = /https?:\/\/[^\s"']+#token=[A-Za-z0-9_-]+/;

export interface Serve {
  readonly port: number;
  /** The instructor's link (can press every button). */
  readonly instructorUrl: string;
  /** The viewer's link (read-only). */
  readonly viewerUrl: string;
  readonly child: ChildProcess;
  /** Everything the process printed so far (for failure messages). */
  output(): string;
  /** SIGTERM, wait for exit, then fail if any process it started is still alive. */
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** The token of a panel link (it travels in the fragment, never in an HTTP request). */
export function tokenOf(link: string): string {
  return new URL(link).hash.replace(/^#token=/, '');
}

/** Picks the two links out of serve's output: the line that says "viewer" holds the viewer's. */
export function parseLinks(text: string): { instructorUrl: string; viewerUrl: string } | undefined {
  let instructorUrl: string | undefined;
  let viewerUrl: string | undefined;
  for (const line of text.split('\n')) {
    const m = LINK.exec(line);
    if (m === null) continue;
    if (/viewer/i.test(line)) viewerUrl ??= m[0];
    else if (/instructor/i.test(line)) instructorUrl ??= m[0];
  }
  return instructorUrl !== undefined && viewerUrl !== undefined ? { instructorUrl, viewerUrl } : undefined;
}

export interface ServeLaunch {
  /** The script and arguments before --port (default: bin/faultline.mjs serve; the npm start launcher: scripts/start.mjs). */
  readonly command?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
}

export async function startServe(args: string[] = [], timeoutMs = 90_000, launch: ServeLaunch = {}): Promise<Serve> {
  const port = await freePort();
  const child = spawn(process.execPath, [...(launch.command ?? ['bin/faultline.mjs', 'serve']), '--port', String(port), ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...launch.env },
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
  const everStarted = new Set<number>();
  const track = setInterval(() => {
    if (child.pid !== undefined) for (const pid of descendants(child.pid)) everStarted.add(pid);
  }, 250);

  const stop = async (): Promise<void> => {
    clearInterval(track);
    if (child.pid !== undefined) for (const pid of descendants(child.pid)) everStarted.add(pid);
    if (!exited) {
      child.kill('SIGTERM');
      const killed = await Promise.race([exit.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 30_000))]);
      if (!killed) {
        child.kill('SIGKILL');
        await exit;
      }
    }
    // Give the reaper its moment, then insist: nothing serve started may outlive it.
    const deadline = Date.now() + 10_000;
    let left = [...everStarted].filter(alive);
    while (left.length > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      left = [...everStarted].filter(alive);
    }
    for (const pid of left) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    if (left.length > 0) throw new Error(`faultline serve left processes behind: ${left.join(', ')}`);
  };

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const links = parseLinks(out);
    if (links !== undefined) {
      return { port, ...links, child, output: () => out, stop };
    }
    if (exited || Date.now() > deadline) {
      await stop().catch(() => {});
      throw new Error(`faultline serve printed no instructor and viewer links${exited ? ' and exited' : ` within ${timeoutMs} ms`}:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
