/**
 * Runs the GC-pause lock client as its own process (gc-client-main.ts) and freezes it
 * for real: when the child reports "lease checked, about to write", it gets SIGSTOP, and
 * SIGCONT `gcPauseMs` later. The child's steps are recorded here, in the shared history,
 * under the workload client's process number; its writes go to the workload's resource.
 * A reaper kills the child if this process dies while the child is stopped.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FencedResource } from '../../algorithms/locks/fenced-resource';
import type { Endpoint } from '../cluster-client';
import { defaultNodeRuntime } from '../node-runtime';
import { Reaper } from '../reaper';
import type { OpHandle } from './history-recorder';
import type { FromGcClient, GcClientConfig, ToGcClient } from './gc-client-protocol';
import { afterInfo, type ClientContext } from './types';

const script = fileURLToPath(new URL('./gc-client-main.ts', import.meta.url));

export interface SigstopGcOptions {
  readonly lock: string;
  readonly resourceKey: string;
  readonly resource: FencedResource;
  readonly ttlMs: number;
  readonly gcPauseMs: number;
  readonly config: Omit<GcClientConfig, 'token' | 'name' | 'lock' | 'ttlMs'>;
  readonly cluster: { endpoints(): readonly Endpoint[]; readonly token: string };
}

export interface SigstopGcStats {
  stops: number;
  leaseLost: number;
  load: Record<string, number>;
}

export async function runSigstopGcClient(ctx: ClientContext, opts: SigstopGcOptions): Promise<SigstopGcStats> {
  const stats: SigstopGcStats = { stops: 0, leaseLost: 0, load: {} };
  // The desktop app runs its bundle as the app binary; elsewhere the source through tsx
  // (resolved here, not at load: a bundled supervisor loads this module without tsx).
  const runtime = defaultNodeRuntime();
  const reaper = new Reaper(runtime);
  const program = runtime.gcClientScript !== undefined ? [runtime.gcClientScript] : ['--import', import.meta.resolve('tsx'), script];
  const child = spawn(runtime.execPath, program, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, ...runtime.env } });
  if (child.pid !== undefined) reaper.watch(child.pid);
  const send = (m: ToGcClient): void => {
    if (child.connected) child.send(m);
  };
  let handle: OpHandle | undefined;
  let resumeTimer: NodeJS.Timeout | undefined;
  const resume = (): void => {
    resumeTimer = undefined;
    if (child.exitCode === null) child.kill('SIGCONT');
  };

  child.on('message', (m: FromGcClient) => {
    switch (m.type) {
      case 'acquire-invoke':
        handle = ctx.recorder.invoke(ctx.process, 'acquire', opts.lock, null);
        return;
      case 'acquire-done':
        if (handle) ctx.recorder.complete(handle, m.outcome, { value: m.token ?? null, ...(m.error ? { error: m.error } : {}) });
        handle = undefined;
        if (m.outcome === 'info') afterInfo(ctx);
        return;
      case 'lease-checked':
        // Stop-the-world, for real: the process is frozen by the kernel until SIGCONT.
        stats.stops++;
        child.kill('SIGSTOP');
        resumeTimer = setTimeout(resume, opts.gcPauseMs);
        return;
      case 'lease-lost':
        stats.leaseLost++;
        return;
      case 'write': {
        const value = { token: m.token, data: m.data };
        const h = ctx.recorder.invoke(ctx.process, 'write', opts.resourceKey, value);
        const res = opts.resource.write(m.token, m.data);
        if (res.ok) ctx.recorder.complete(h, 'ok', res.wouldReject ? { error: `accepted although token ${res.wouldReject.highest} was seen (no fencing)` } : {});
        else ctx.recorder.complete(h, 'fail', { error: res.code });
        send({ type: 'write-result', ok: res.ok });
        return;
      }
      case 'release-invoke':
        handle = ctx.recorder.invoke(ctx.process, 'release', opts.lock, m.token);
        return;
      case 'release-done':
        if (handle) ctx.recorder.complete(handle, m.outcome, m.error ? { error: m.error } : {});
        handle = undefined;
        if (m.outcome === 'info') afterInfo(ctx);
        return;
      case 'load':
        stats.load = m.perNode;
        return;
      case 'stopped':
        return;
      default: {
        const never: never = m;
        throw new Error(`unknown message from the GC client ${JSON.stringify(never)}`);
      }
    }
  });

  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const config: GcClientConfig = { ...opts.config, token: opts.cluster.token, name: ctx.name, lock: opts.lock, ttlMs: opts.ttlMs };
  send({ type: 'start', config, endpoints: opts.cluster.endpoints() });
  const ticker = setInterval(() => {
    send({ type: 'endpoints', endpoints: opts.cluster.endpoints() });
    if (ctx.stopped()) send({ type: 'stop' });
  }, 200);
  try {
    let watch: NodeJS.Timeout | undefined;
    const runStopped = new Promise<void>((r) => {
      watch = setInterval(() => {
        if (ctx.stopped()) r();
      }, 100);
    });
    await Promise.race([exited, runStopped]);
    // Whichever came first, the watch ends here (a child that exited early left it running).
    clearInterval(watch);
    // The run is over: let a frozen child finish its pause, its write and its release.
    const graceMs = opts.gcPauseMs + 3 * opts.config.timeoutMs + 2_000;
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  } finally {
    clearInterval(ticker);
    if (resumeTimer) clearTimeout(resumeTimer);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    if (child.pid !== undefined) reaper.forget(child.pid);
    reaper.close();
  }
  return stats;
}
