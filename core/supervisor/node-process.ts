/**
 * One node of the cluster as a real child process, with the real signals behind the
 * fault buttons: kill (SIGKILL), pause (SIGSTOP) and resume (SIGCONT).
 *
 * Contract with the node entry (core/node/node-main.ts):
 * - it prints one JSON object per line on stdout; `{"event":"ready",...}` once it listens;
 * - it exits when its stdin closes (the supervisor went away), so it never outlives us;
 *   the Reaper covers the cases where it cannot notice (it is SIGSTOPped).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { createInterface } from 'node:readline';
import { NODE_V8_FLAGS, nodeArgvFor } from './node-bundle';
import { defaultNodeRuntime, type NodeRuntime } from './node-runtime';
import type { Reaper } from './reaper';

export type NodeLifecycle = 'starting' | 'up' | 'paused' | 'killed' | 'exited' | 'stopped';

/**
 * How a pause is done: `signal` is SIGSTOP/SIGCONT (Linux, macOS: the kernel freezes the
 * process mid-step); `control` is the node freezing itself on a control message (Windows has
 * no SIGSTOP: the node stops reading its sockets and firing its timers until resumed).
 */
export type PauseKind = 'signal' | 'control';

export interface NodeLaunch {
  readonly id: string;
  /**
   * Absolute path of the node entry script (TypeScript, run through tsx; the default
   * entry runs from its esbuild bundle when that is fresh, see node-bundle.ts).
   */
  readonly entry: string;
  readonly args: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  /** The program and bundles to run (default: this process's program, the entry via node-bundle.ts). */
  readonly runtime?: NodeRuntime;
  /** How long to wait for the ready line. */
  readonly readyTimeoutMs?: number;
}

export interface NodeLine {
  readonly event: string;
  readonly [field: string]: unknown;
}

export class NodeProcess extends EventEmitter<{
  line: [NodeLine];
  exit: [{ code: number | null; signal: NodeJS.Signals | null }];
  stderr: [string];
}> {
  private child: ChildProcess | undefined;
  private lifecycle: NodeLifecycle = 'stopped';
  private lastReady: NodeLine | undefined;
  private pausedBy: PauseKind | undefined;
  private readonly stderrTail: string[] = [];

  constructor(
    private readonly launch: NodeLaunch,
    private readonly reaper?: Reaper,
  ) {
    super();
  }

  get id(): string {
    return this.launch.id;
  }

  get state(): NodeLifecycle {
    return this.lifecycle;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** The last ready line the node printed (its ports), if it is up. */
  get ready(): NodeLine | undefined {
    return this.lifecycle === 'up' || this.lifecycle === 'paused' ? this.lastReady : undefined;
  }

  /** How the node is paused now (undefined when it is not paused). */
  get pauseKind(): PauseKind | undefined {
    return this.lifecycle === 'paused' ? this.pausedBy : undefined;
  }

  /** The last lines the node wrote to stderr, for error messages. */
  get recentStderr(): string {
    return this.stderrTail.join('');
  }

  /** Spawns the process and resolves with its ready line. */
  start(): Promise<NodeLine> {
    if (this.child && (this.lifecycle === 'starting' || this.lifecycle === 'up' || this.lifecycle === 'paused')) {
      return Promise.reject(new Error(`node ${this.id} is already ${this.lifecycle}`));
    }
    this.lifecycle = 'starting';
    this.stderrTail.length = 0;
    const runtime = this.launch.runtime ?? defaultNodeRuntime();
    // A bundle named by path runs as it is (a packaged app has no sources to compare it with).
    const program = runtime.nodeBundle !== undefined ? [...NODE_V8_FLAGS, runtime.nodeBundle] : nodeArgvFor(this.launch.entry);
    const child = spawn(runtime.execPath, [...program, ...this.launch.args], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, ...runtime.env, ...this.launch.env },
    });
    this.child = child;
    if (child.pid !== undefined) this.reaper?.watch(child.pid);
    child.stdin?.on('error', () => {});

    createInterface({ input: child.stdout! }).on('line', (text) => {
      let line: NodeLine;
      try {
        line = JSON.parse(text) as NodeLine;
      } catch {
        return; // stray output (a library's warning) is not part of the contract
      }
      if (typeof line?.event !== 'string') return;
      if (line.event === 'ready') {
        this.lastReady = line;
        if (this.lifecycle === 'starting') this.lifecycle = 'up';
      }
      this.emit('line', line);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      this.stderrTail.push(text);
      while (this.stderrTail.length > 20) this.stderrTail.shift();
      this.emit('stderr', text);
    });

    // Generous: a node cold-starting through tsx on a loaded 2-core laptop (a workshop machine
    // running a browser beside the cluster) was seen taking over 15 s; progress is shown meanwhile.
    const timeoutMs = this.launch.readyTimeoutMs ?? 30_000;
    return new Promise<NodeLine>((resolve, reject) => {
      const onLine = (line: NodeLine): void => {
        if (line.event !== 'ready') return;
        cleanup();
        resolve(line);
      };
      const onExit = ({ code, signal }: { code: number | null; signal: NodeJS.Signals | null }): void => {
        cleanup();
        reject(new Error(`node ${this.id} exited before it was ready (code ${code}, signal ${signal}): ${this.recentStderr.trim()}`));
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`node ${this.id} was not ready after ${timeoutMs} ms: ${this.recentStderr.trim()}`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.off('line', onLine);
        this.off('exit', onExit);
      };
      this.on('line', onLine);
      this.on('exit', onExit);
      child.on('exit', (code, signal) => {
        if (child.pid !== undefined) this.reaper?.forget(child.pid);
        if (this.child === child) {
          this.child = undefined;
          if (this.lifecycle !== 'killed' && this.lifecycle !== 'stopped') this.lifecycle = 'exited';
        }
        this.emit('exit', { code, signal });
      });
    });
  }

  /** SIGKILL: the node loses everything but what it fsynced. Resolves once it is gone. */
  kill(): Promise<void> {
    return this.signalAndWait('SIGKILL', 'killed');
  }

  /**
   * SIGSTOP: the node freezes mid-step, the "GC pause" that breaks unfenced locks. With
   * `control` the caller has asked the node to freeze itself (the Cluster sends the control
   * message); this only records it, so resume() and stop() know no signal is involved.
   */
  pause(how: PauseKind = 'signal'): void {
    if (this.lifecycle !== 'up' || !this.child) throw new Error(`cannot pause node ${this.id}: it is ${this.lifecycle}`);
    if (how === 'signal') this.child.kill('SIGSTOP');
    this.pausedBy = how;
    this.lifecycle = 'paused';
  }

  resume(): void {
    if (this.lifecycle !== 'paused' || !this.child) throw new Error(`cannot resume node ${this.id}: it is ${this.lifecycle}`);
    if (this.pausedBy === 'signal') this.child.kill('SIGCONT');
    this.pausedBy = undefined;
    this.lifecycle = 'up';
  }

  /** Ends the node for good (shutdown): closes its stdin, then kills it if it lingers. */
  async stop(graceMs = 2_000): Promise<void> {
    const child = this.child;
    if (!child) {
      this.lifecycle = 'stopped';
      return;
    }
    // A self-frozen node still reads its stdin, so closing it ends the node either way.
    if (this.lifecycle === 'paused' && this.pausedBy === 'signal') child.kill('SIGCONT');
    this.lifecycle = 'stopped';
    const gone = new Promise<void>((r) => child.once('exit', () => r()));
    child.stdin?.end();
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await gone;
    clearTimeout(timer);
  }

  /** Synchronous last resort for process 'exit' handlers. */
  killNow(): void {
    try {
      this.child?.kill('SIGKILL');
    } catch {
      // already gone
    }
  }

  private async signalAndWait(signal: NodeJS.Signals, next: NodeLifecycle): Promise<void> {
    const child = this.child;
    if (!child) throw new Error(`node ${this.id} is not running (${this.lifecycle})`);
    this.lifecycle = next;
    const gone = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill(signal);
    await gone;
  }
}
