/**
 * The shape of every simulated run: start the nemesis and the clients, advance virtual
 * time in slices (reporting progress between them) until every operation completed or
 * the time limit passed, then heal everything and give operations still in flight their
 * chance to finish. Checks come after, on what was recorded.
 */
import { invalidVerdict, type Verdict } from '../check/verdict';
import type { ClientPool } from './client-pool';
import type { HistoryRecorder } from './history';
import type { Nemesis } from './nemesis';
import { InvariantStop } from './world';
import { type SimOptions, type SimProgress, type SimReport, outcomeOf, replayCommand } from './report';
import { wallNowMs } from './wall-clock';

export interface RunnableWorld {
  readonly now: number;
  readonly timeline: { events: import('./timeline').FaultEvent[]; faults: number };
  readonly stats: { events: number; steps: number; delivered: number };
  /** Set when a machine broke an invariant and the world stopped (SimWorld.stoppedBy). */
  readonly stoppedBy?: InvariantStop | undefined;
  run(untilMs: number, stop?: () => boolean): void;
}

export interface DriveOptions {
  world: RunnableWorld;
  pool: ClientPool;
  nemesis: Nemesis;
  maxSimulatedMs: number;
  /** Virtual time after the final heal for operations in flight (their own timeouts end them). */
  drainMs: number;
  seed: number;
  opsTotal: number;
  onProgress?: ((p: SimProgress) => void) | undefined;
}

const SLICE_MS = 1000;

/** Runs the world; returns the wall milliseconds it took (checks excluded), for benchmarks. */
export function drive(d: DriveOptions): number {
  const startedWallMs = wallNowMs();
  const { world, pool, nemesis } = d;
  try {
    nemesis.start();
    pool.start();
    const done = (): boolean => pool.finished;
    while (!pool.finished && world.now < d.maxSimulatedMs) {
      world.run(Math.min(world.now + SLICE_MS, d.maxSimulatedMs), done);
      d.onProgress?.({ seed: d.seed, opsDone: pool.completed, opsTotal: d.opsTotal, faults: world.timeline.faults, simulatedMs: world.now });
    }
    nemesis.stop();
    if (!pool.finished) world.run(world.now + d.drainMs, done);
  } catch (e) {
    // A broken invariant ends the run at its step; buildReport reports it from world.stoppedBy.
    if (!(e instanceof InvariantStop)) throw e;
  }
  return wallNowMs() - startedWallMs;
}

/** The verdict of a run a machine's invariant stopped: where, when, and what was expected. */
export function invariantVerdict(stop: InvariantStop): Verdict {
  return invalidVerdict(
    'invariant',
    `Stopped at step ${stop.step} (${stop.atMs.toFixed(1)} ms virtual) on ${stop.node ?? 'no node'}: ${stop.violation.message}. The seed replays it to this step.`,
    { seed: stop.seed, step: stop.step, event: stop.event, atMs: stop.atMs, node: stop.node ?? null, expected: stop.violation.expected },
  );
}

/** Builds the report once the run and its checks are done. */
export function buildReport(
  mechanism: string,
  opts: SimOptions,
  world: RunnableWorld,
  pool: ClientPool,
  history: HistoryRecorder,
  verdicts: Verdict[],
  startedWallMs: number,
  worldWallMs?: number,
): SimReport {
  const counts = { ok: 0, fail: 0, info: 0, unfinished: 0 };
  for (const op of history.ops) {
    if (op.type === 'invoke') counts.unfinished++;
    else {
      counts[op.type]++;
      counts.unfinished--;
    }
  }
  void pool;
  const all = world.stoppedBy === undefined ? verdicts : [invariantVerdict(world.stoppedBy), ...verdicts];
  const outcome = outcomeOf(all);
  const report: SimReport = {
    mechanism,
    seed: opts.seed,
    verdicts: all,
    ops: counts.ok + counts.fail + counts.info,
    opCounts: counts,
    simulatedMs: world.now,
    wallMs: wallNowMs() - startedWallMs,
    stats: { events: world.stats.events, steps: world.stats.steps, delivered: world.stats.delivered, ...(worldWallMs !== undefined ? { worldWallMs } : {}) },
    faults: world.timeline.events,
    outcome,
    // An undecided checker is no pass (it showed nothing holds): sweeps fail on it too.
    ok: outcome === 'pass',
    replay: replayCommand(mechanism, opts),
  };
  if (opts.keepHistory !== false) report.history = history.ops;
  return report;
}

export function defaultMaxSimulatedMs(ops: number): number {
  return 30_000 + ops * 200;
}
