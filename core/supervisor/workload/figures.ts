/**
 * The availability figures of a run (types in core/protocol/figures.ts), from the history,
 * the fault windows, what the cluster was seen to notice, and the self-heal restarts; every
 * time in ms since the run started. Pure, so it is unit-tested from crafted timelines.
 *
 * Definitions (also in docs/ARCHITECTURE.md, "Availability figures"):
 * - An operation's class (outcome.ts `outcomeClass`): ok, refused by design (a conflict
 *   abort, a stale token: the protocol answering no), unavailable (no answer in time, no
 *   node reachable), unknown (no completion). It belongs to the window its INVOKE falls in.
 * - Availability of requests = (ok + refused) / operations: the cluster gave a definite
 *   answer. Refusals are counted apart, never as an outage.
 * - Availability of time: the run cut into `bucketMs` buckets; a bucket is active when a
 *   request was in flight in it, answered when some request completed ok or refused in it;
 *   availability = answered / active. A window owns the buckets that START inside it.
 * - Failure rate: faults injected (windows that hit a node or a link) per hour of the run.
 * - Time to detect, per fault: from its injection to the first sign, before its heal, that
 *   the cluster noticed: a peer's failure detector suspecting a node, a leader change, or
 *   the completion of a request as unavailable. A fault nothing noticed is masked (null).
 * - Time to recover, per fault: from its repair (the heal, or the self-heal restart of the
 *   node(s) it crashed when that came first) to the completion of the first ok operation
 *   invoked at or after the repair. MTTD and MTTR are the means over the faults that have one.
 */
import { pairOperations, type HistoryOp } from '../../check/history';
import type { AvailabilityFigures, DetectionKind, RequestFigures, SelfHealRestart, TimeFigures, WindowFigures } from '../../protocol/figures';
import { longestGap, type FaultWindow } from './availability';
import { errorCode, outcomeClass, type OutcomeClass } from './outcome';

/** Something the cluster did that shows it noticed a fault (from the nodes' status reports). */
export interface DetectionSignal {
  readonly atMs: number;
  readonly kind: Exclude<DetectionKind, 'request-failed'>;
  readonly node?: string;
}

/** A self-heal restart: the crash, the restart order after the delay, the node up again. */
export interface HealRestart {
  readonly node: string;
  readonly crashAtMs: number;
  readonly restartAtMs: number;
  readonly upAtMs: number;
}

export interface FigureInputs {
  readonly history: readonly HistoryOp[];
  readonly windows: readonly FaultWindow[];
  readonly signals?: readonly DetectionSignal[];
  readonly restarts?: readonly HealRestart[];
  readonly endMs: number;
  /** Default 1000. */
  readonly bucketMs?: number;
}

interface Op {
  readonly invokeMs: number;
  /** Undefined: no completion. */
  readonly completeMs: number | undefined;
  readonly cls: OutcomeClass;
  readonly code: string | undefined;
}

const NS_PER_MS = 1e6;
const MS_PER_HOUR = 3_600_000;

function operations(history: readonly HistoryOp[]): Op[] {
  return pairOperations(history).map((o) => {
    const type = o.complete?.type;
    const completion = type === 'ok' || type === 'fail' || type === 'info' ? type : undefined;
    return {
      invokeMs: (o.invoke.time ?? 0) / NS_PER_MS,
      completeMs: o.complete?.time === undefined ? undefined : o.complete.time / NS_PER_MS,
      cls: outcomeClass(completion, o.complete?.['error'], o.complete?.['cause']),
      code: errorCode(o.complete?.['error']),
    };
  });
}

class RequestCount {
  ops = 0;
  ok = 0;
  refused = 0;
  unavailable = 0;
  unknown = 0;
  readonly codes: Record<string, number> = {};

  add(op: Op): void {
    this.ops++;
    this[op.cls]++;
    if (op.cls === 'refused') {
      const code = op.code ?? 'REFUSED';
      this.codes[code] = (this.codes[code] ?? 0) + 1;
    }
  }

  figures(): RequestFigures {
    const share = (n: number): number | null => (this.ops === 0 ? null : n / this.ops);
    return { ops: this.ops, ok: this.ok, refused: this.refused, unavailable: this.unavailable, unknown: this.unknown, availability: share(this.ok + this.refused), okShare: share(this.ok), refusedCodes: { ...this.codes } };
  }
}

/** Which buckets had a request in flight, and which had one answered. */
class Buckets {
  readonly active: boolean[];
  readonly answered: boolean[];

  constructor(
    readonly bucketMs: number,
    ops: readonly Op[],
    endMs: number,
  ) {
    // The buckets that start before the run's end (at least one).
    const n = Math.max(1, Math.ceil(endMs / bucketMs));
    this.active = new Array<boolean>(n).fill(false);
    this.answered = new Array<boolean>(n).fill(false);
    const at = (ms: number): number => Math.min(n - 1, Math.max(0, Math.floor(ms / bucketMs)));
    for (const op of ops) {
      const last = at(op.completeMs ?? endMs);
      for (let b = at(op.invokeMs); b <= last; b++) this.active[b] = true;
      if (op.completeMs !== undefined && (op.cls === 'ok' || op.cls === 'refused')) this.answered[at(op.completeMs)] = true;
    }
  }

  /** Figures over the buckets `keep` selects (by bucket start time). */
  figures(keep: (startMs: number) => boolean): TimeFigures {
    let active = 0;
    let answered = 0;
    for (let b = 0; b < this.active.length; b++) {
      if (!this.active[b] || !keep(b * this.bucketMs)) continue;
      active++;
      if (this.answered[b]) answered++;
    }
    return { bucketMs: this.bucketMs, active, answered, availability: active === 0 ? null : answered / active };
  }
}

const mean = (xs: readonly number[]): number | null => (xs.length === 0 ? null : Math.round(xs.reduce((a, b) => a + b, 0) / xs.length));

/** A fault that hit nothing (skipped: a majority would be down) is no fault. */
function injected(w: FaultWindow): boolean {
  return w.nodes === undefined || w.nodes.length > 0;
}

function isCrash(kind: string): boolean {
  return kind === 'kill' || kind === 'kill-leader';
}

export function computeFigures(input: FigureInputs): AvailabilityFigures {
  const bucketMs = input.bucketMs ?? 1_000;
  const endMs = input.endMs;
  const ops = operations(input.history);
  const windows = input.windows.filter(injected);
  const signals = [...(input.signals ?? [])].sort((a, b) => a.atMs - b.atMs);
  const restarts = input.restarts ?? [];
  const buckets = new Buckets(bucketMs, ops, endMs);
  const okTimes = ops.filter((o) => o.cls === 'ok' && o.completeMs !== undefined).map((o) => o.completeMs as number).sort((a, b) => a - b);
  const windowEnd = (w: FaultWindow): number => w.healMs ?? endMs;
  const inWindow = (w: FaultWindow, ms: number): boolean => ms >= w.startMs && ms < windowEnd(w);

  const overall = new RequestCount();
  const baseline = new RequestCount();
  const perWindow = windows.map(() => new RequestCount());
  for (const op of ops) {
    overall.add(op);
    const i = windows.findIndex((w) => inWindow(w, op.invokeMs));
    (i === -1 ? baseline : perWindow[i]!).add(op);
  }

  const windowFigures = windows.map((w, i): WindowFigures => {
    const detection = detect(w, windowEnd(w), signals, ops);
    const repairMs = repairOf(w, restarts);
    const recoveredAt = repairMs === undefined ? undefined : firstOkInvokedFrom(ops, repairMs);
    const outageEnd = recoveredAt ?? endMs;
    return {
      id: w.id,
      kind: w.kind,
      text: w.text,
      nodes: [...(w.nodes ?? [])],
      startMs: Math.round(w.startMs),
      ...(w.healMs === undefined ? {} : { healMs: Math.round(w.healMs) }),
      ...(repairMs === undefined ? {} : { repairMs: Math.round(repairMs) }),
      detectMs: detection === undefined ? null : Math.round(detection.atMs - w.startMs),
      detectedBy: detection?.kind ?? null,
      recoverMs: recoveredAt === undefined || repairMs === undefined ? null : Math.round(recoveredAt - repairMs),
      longestOutageMs: Math.round(longestGap(okTimes, w.startMs, Math.max(w.startMs, outageEnd))),
      requests: perWindow[i]!.figures(),
      time: buckets.figures((ms) => inWindow(w, ms)),
    };
  });
  const detects = windowFigures.flatMap((w) => (w.detectMs === null ? [] : [w.detectMs]));
  const recovers = windowFigures.flatMap((w) => (w.recoverMs === null ? [] : [w.recoverMs]));
  return {
    durationMs: Math.round(endMs),
    faults: windows.length,
    faultsPerHour: endMs <= 0 ? null : Math.round((windows.length / (endMs / MS_PER_HOUR)) * 10) / 10,
    mttdMs: mean(detects),
    detected: detects.length,
    mttrMs: mean(recovers),
    recovered: recovers.length,
    requests: overall.figures(),
    time: buckets.figures(() => true),
    baseline: { requests: baseline.figures(), time: buckets.figures((ms) => !windows.some((w) => inWindow(w, ms))) },
    windows: windowFigures,
    selfHealRestarts: restarts.map((r): SelfHealRestart => ({ node: r.node, atMs: Math.round(r.upAtMs), downMs: Math.round(r.upAtMs - r.crashAtMs) })),
  };
}

/** The first sign in [start, end) that the cluster noticed the fault. */
function detect(w: FaultWindow, end: number, signals: readonly DetectionSignal[], ops: readonly Op[]): { atMs: number; kind: DetectionKind } | undefined {
  let best: { atMs: number; kind: DetectionKind } | undefined;
  const signal = signals.find((s) => s.atMs >= w.startMs && s.atMs < end);
  if (signal) best = { atMs: signal.atMs, kind: signal.kind };
  for (const op of ops) {
    if (op.cls !== 'unavailable' || op.completeMs === undefined) continue;
    if (op.completeMs >= w.startMs && op.completeMs < end && (best === undefined || op.completeMs < best.atMs)) best = { atMs: op.completeMs, kind: 'request-failed' };
  }
  return best;
}

/**
 * When repair began: the heal, or for a crash, the moment the self-heal policy restarted
 * the last of the crashed nodes, if that came first. Undefined: never repaired.
 */
function repairOf(w: FaultWindow, restarts: readonly HealRestart[]): number | undefined {
  let repair = w.healMs;
  if (isCrash(w.kind) && w.nodes !== undefined && w.nodes.length > 0) {
    const times = w.nodes.map((n) => restarts.find((r) => r.node === n && r.crashAtMs >= w.startMs && r.restartAtMs < (w.healMs ?? Infinity))?.restartAtMs);
    if (times.every((t) => t !== undefined)) {
      const all = Math.max(...(times as number[]));
      repair = repair === undefined ? all : Math.min(repair, all);
    }
  }
  return repair;
}

/** Completion time of the earliest-completing ok operation invoked at or after `fromMs`. */
function firstOkInvokedFrom(ops: readonly Op[], fromMs: number): number | undefined {
  let best: number | undefined;
  for (const o of ops) {
    if (o.cls === 'ok' && o.invokeMs >= fromMs && o.completeMs !== undefined && (best === undefined || o.completeMs < best)) best = o.completeMs;
  }
  return best;
}
