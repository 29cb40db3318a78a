/**
 * K simulated client processes, each running one operation at a time until the run's
 * operation budget is spent, with random think time between operations. As in Jepsen, a
 * process whose operation ended `info` (unknown outcome) is retired and replaced by a new
 * process id: its operation may still be in flight, and a process is single-threaded.
 */
import type { Prng } from '../algorithms/common/prng';

export interface ClientPoolOptions {
  processes: number;
  totalOps: number;
  thinkMs: readonly [number, number];
}

export type OpEnd = 'ok' | 'fail' | 'info';

/** Runs one operation for `process`; calls `done` once with how it ended. */
export type RunOne = (process: number, slot: number, done: (end: OpEnd) => void) => void;

export class ClientPool {
  issued = 0;
  completed = 0;
  readonly ends: Record<OpEnd, number> = { ok: 0, fail: 0, info: 0 };

  constructor(
    private readonly world: { after(delayMs: number, fn: () => void): void },
    private readonly prng: Prng,
    private readonly opts: ClientPoolOptions,
    private readonly runOne: RunOne,
  ) {
    if (!(opts.processes >= 1)) throw new Error(`need at least one client process, got ${opts.processes}`);
  }

  start(): void {
    for (let slot = 0; slot < this.opts.processes; slot++) {
      this.world.after(this.think(), () => this.loop(slot, slot));
    }
  }

  /** True once every budgeted operation has completed. */
  get finished(): boolean {
    return this.issued >= this.opts.totalOps && this.completed === this.issued;
  }

  private loop(slot: number, process: number): void {
    if (this.issued >= this.opts.totalOps) return;
    this.issued++;
    this.runOne(process, slot, (end) => {
      this.completed++;
      this.ends[end]++;
      const nextProcess = end === 'info' ? process + this.opts.processes : process;
      this.world.after(this.think(), () => this.loop(slot, nextProcess));
    });
  }

  private think(): number {
    const [lo, hi] = this.opts.thinkMs;
    return lo + this.prng.next() * (hi - lo);
  }
}
