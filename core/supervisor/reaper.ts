import { spawn, type ChildProcess } from 'node:child_process';
import { defaultNodeRuntime, reaperScriptOf, type NodeRuntime } from './node-runtime';

/**
 * Starts the reaper (reaper-process.mjs) and keeps it informed. One per supervisor. If this
 * process dies by any means, the reaper's stdin closes and it kills every child listed.
 */
export class Reaper {
  private readonly child: ChildProcess;

  /** `runtime`: the program and script to run (the desktop app passes its unpacked bundle). */
  constructor(runtime: NodeRuntime = defaultNodeRuntime()) {
    this.child = spawn(runtime.execPath, [reaperScriptOf(runtime)], {
      stdio: ['pipe', 'ignore', 'inherit'],
      env: { ...process.env, ...runtime.env },
    });
    // The reaper must not keep the supervisor alive, nor be killed by its exit handlers.
    this.child.unref();
    this.child.stdin?.on('error', () => {});
  }

  watch(pid: number): void {
    this.child.stdin?.write(`+${pid}\n`);
  }

  forget(pid: number): void {
    this.child.stdin?.write(`-${pid}\n`);
  }

  /** Closes the pipe: the reaper kills whatever is still listed, then exits. */
  close(): void {
    this.child.stdin?.end();
  }
}
