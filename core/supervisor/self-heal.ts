/**
 * The self-healing policy (off by default everywhere): a node that crashed (a kill from a
 * button or the nemesis, or any exit the supervisor did not ask for) is restarted from its
 * data folder after `delayMs`, as a process supervisor (systemd's Restart=on-failure,
 * Kubernetes' restartPolicy) would. A node someone restarts first, or one stopped on
 * purpose, is left alone; turning the policy off cancels the restarts not yet due.
 * Each restart is an event ('restarted', with the crash, the order and the node up again,
 * on `now()`'s clock), which the Lab puts on the timeline and the figures count.
 */
import { EventEmitter } from 'node:events';
import { DEFAULT_SELF_HEAL_DELAY_MS, MAX_SELF_HEAL_DELAY_MS } from '../protocol/panel';
import type { NodeLifecycle } from './node-process';

export { DEFAULT_SELF_HEAL_DELAY_MS, MAX_SELF_HEAL_DELAY_MS };


/** What the policy needs from a cluster (Cluster has it). */
export interface SelfHealTarget {
  on(event: 'lifecycle', listener: (id: string, state: NodeLifecycle) => void): unknown;
  off(event: 'lifecycle', listener: (id: string, state: NodeLifecycle) => void): unknown;
  view(id: string): { readonly lifecycle: NodeLifecycle };
  restart(id: string): Promise<void>;
}

export interface SelfHealRestartEvent {
  readonly node: string;
  readonly delayMs: number;
  /** On the policy's clock (`now`). */
  readonly crashAtMs: number;
  readonly restartAtMs: number;
  readonly upAtMs: number;
}

type SelfHealEvents = {
  /** The restart was ordered (the delay passed and the node was still down). */
  restarting: [{ readonly node: string; readonly delayMs: number }];
  restarted: [SelfHealRestartEvent];
  failed: [{ readonly node: string; readonly message: string }];
};

const crashed = (state: NodeLifecycle): boolean => state === 'killed' || state === 'exited';

export class SelfHeal extends EventEmitter<SelfHealEvents> {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private closed = false;
  private readonly onLifecycle = (id: string, state: NodeLifecycle): void => {
    if (crashed(state)) this.schedule(id);
    else if (state === 'up' || state === 'stopped') this.cancel(id);
  };

  constructor(
    private readonly target: SelfHealTarget,
    private delay: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    super();
    checkDelay(delay);
    target.on('lifecycle', this.onLifecycle);
  }

  get delayMs(): number {
    return this.delay;
  }

  /** A new delay for crashes from now on (restarts already scheduled keep theirs). */
  setDelay(delayMs: number): void {
    checkDelay(delayMs);
    this.delay = delayMs;
  }

  private schedule(id: string): void {
    if (this.closed || this.timers.has(id)) return;
    const crashAtMs = this.now();
    const delayMs = this.delay;
    const timer = setTimeout(() => void this.restart(id, crashAtMs, delayMs), delayMs);
    this.timers.set(id, timer);
  }

  private cancel(id: string): void {
    clearTimeout(this.timers.get(id));
    this.timers.delete(id);
  }

  private async restart(id: string, crashAtMs: number, delayMs: number): Promise<void> {
    this.timers.delete(id);
    if (this.closed) return;
    let state: NodeLifecycle;
    try {
      state = this.target.view(id).lifecycle;
    } catch {
      return; // the node left the cluster
    }
    if (!crashed(state)) return; // someone restarted it first
    const restartAtMs = this.now();
    this.emit('restarting', { node: id, delayMs });
    try {
      await this.target.restart(id);
    } catch (e) {
      if (!this.closed) this.emit('failed', { node: id, message: (e as Error).message });
      return;
    }
    this.emit('restarted', { node: id, delayMs, crashAtMs, restartAtMs, upAtMs: this.now() });
  }

  /** Off: no restart after this, the pending ones cancelled. Safe to call twice. */
  close(): void {
    this.closed = true;
    this.target.off('lifecycle', this.onLifecycle);
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}

function checkDelay(delayMs: number): void {
  if (!Number.isInteger(delayMs) || delayMs < 0 || delayMs > MAX_SELF_HEAL_DELAY_MS) throw new RangeError(`the self-heal delay must be an integer from 0 to ${MAX_SELF_HEAL_DELAY_MS} ms, got ${delayMs}`);
}
