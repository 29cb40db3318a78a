/**
 * Availability and recovery from a history and the fault timeline, both in ms since the
 * run started. Pure, so it is unit-tested without processes.
 *
 * An operation belongs to the window its INVOKE falls in: "baseline" when no fault was in
 * force, otherwise the fault's window [start, heal). Availability = ok / all operations
 * of the window (an operation with no completion counts as not ok: nobody saw it succeed).
 *
 * Recovery, per fault: from the fault's start (and from its heal) to the completion of the
 * first operation invoked at or after that moment that succeeded. A fault the system
 * shrugs off recovers in one operation's latency; one it cannot mask shows the outage.
 * `longestOutageMs` is the longest stretch without any ok completion from the fault's
 * start until it had recovered after the heal.
 */
import { pairOperations, type HistoryOp } from '../../check/history';

export interface FaultWindow {
  readonly id: number;
  readonly kind: string;
  readonly text: string;
  readonly startMs: number;
  /** Undefined when the fault was never healed before the run ended. */
  readonly healMs: number | undefined;
  /** The nodes it hit (none: it was skipped); absent when not known. */
  readonly nodes?: readonly string[];
}

export interface Tally {
  ops: number;
  ok: number;
  fail: number;
  info: number;
  /** ok / ops; null when there were no operations. */
  availability: number | null;
}

export interface Recovery {
  readonly id: number;
  readonly kind: string;
  readonly text: string;
  readonly startMs: number;
  readonly healMs: number | undefined;
  /** Fault start -> first ok of an operation invoked after it; null: none before the run ended. */
  readonly fromFaultMs: number | null;
  /** Heal -> first ok of an operation invoked after it. */
  readonly fromHealMs: number | null;
  readonly longestOutageMs: number;
  readonly tally: Tally;
}

export interface AvailabilityReport {
  readonly overall: Tally;
  readonly baseline: Tally;
  /** Summed over every window of that fault kind. */
  readonly byKind: Record<string, Tally>;
  readonly recoveries: Recovery[];
}

interface Done {
  invokeMs: number;
  completeMs: number | undefined;
  outcome: 'ok' | 'fail' | 'info';
}

const NS_PER_MS = 1e6;

function emptyTally(): Tally {
  return { ops: 0, ok: 0, fail: 0, info: 0, availability: null };
}

function add(t: Tally, d: Done): void {
  t.ops++;
  t[d.outcome]++;
  t.availability = t.ok / t.ops;
}

function operations(ops: readonly HistoryOp[]): Done[] {
  return pairOperations(ops).map((o) => ({
    invokeMs: (o.invoke.time ?? 0) / NS_PER_MS,
    completeMs: o.complete?.time === undefined ? undefined : o.complete.time / NS_PER_MS,
    outcome: o.outcome === 'unknown' ? 'info' : o.outcome,
  }));
}

/** Completion time of the first ok operation invoked at or after `fromMs`. */
function firstOkAfter(done: readonly Done[], fromMs: number): number | undefined {
  let best: number | undefined;
  for (const d of done) {
    if (d.outcome === 'ok' && d.invokeMs >= fromMs && d.completeMs !== undefined && (best === undefined || d.completeMs < best)) best = d.completeMs;
  }
  return best;
}

/** Longest gap between ok completions inside [fromMs, toMs]. */
export function longestGap(okTimes: readonly number[], fromMs: number, toMs: number): number {
  let prev = fromMs;
  let gap = 0;
  for (const t of okTimes) {
    if (t < fromMs) continue;
    if (t > toMs) break;
    gap = Math.max(gap, t - prev);
    prev = t;
  }
  return Math.max(gap, toMs - prev);
}

export function computeAvailability(history: readonly HistoryOp[], windows: readonly FaultWindow[], runEndMs: number): AvailabilityReport {
  const done = operations(history);
  const okTimes = done.filter((d) => d.outcome === 'ok' && d.completeMs !== undefined).map((d) => d.completeMs as number).sort((a, b) => a - b);
  const overall = emptyTally();
  const baseline = emptyTally();
  const byKind: Record<string, Tally> = {};
  const perWindow = new Map<number, Tally>(windows.map((w) => [w.id, emptyTally()]));
  const windowOf = (ms: number): FaultWindow | undefined => windows.find((w) => ms >= w.startMs && ms < (w.healMs ?? Infinity));
  for (const d of done) {
    add(overall, d);
    const w = windowOf(d.invokeMs);
    if (!w) {
      add(baseline, d);
      continue;
    }
    add((byKind[w.kind] ??= emptyTally()), d);
    add(perWindow.get(w.id)!, d);
  }
  const recoveries = windows.map((w): Recovery => {
    const afterFault = firstOkAfter(done, w.startMs);
    const afterHeal = w.healMs === undefined ? undefined : firstOkAfter(done, w.healMs);
    const recoveredAt = afterHeal ?? (w.healMs === undefined ? (afterFault ?? runEndMs) : runEndMs);
    return {
      id: w.id,
      kind: w.kind,
      text: w.text,
      startMs: w.startMs,
      healMs: w.healMs,
      fromFaultMs: afterFault === undefined ? null : Math.round(afterFault - w.startMs),
      fromHealMs: afterHeal === undefined || w.healMs === undefined ? null : Math.round(afterHeal - w.healMs),
      longestOutageMs: Math.round(longestGap(okTimes, w.startMs, Math.max(w.startMs, recoveredAt))),
      tally: perWindow.get(w.id)!,
    };
  });
  return { overall, baseline, byKind, recoveries };
}

/** Pairs the nemesis timeline's fault and heal entries into windows. */
export function faultWindows(timeline: readonly { atMs: number; phase: string; period: number; kind: string; text: string; nodes?: readonly string[] }[]): FaultWindow[] {
  const windows: FaultWindow[] = [];
  for (const e of timeline) {
    if (e.phase !== 'fault') continue;
    const heal = timeline.find((h) => h.phase === 'heal' && (h.period === e.period || h.period === -1) && h.atMs >= e.atMs);
    windows.push({ id: e.period, kind: e.kind, text: e.text, startMs: e.atMs, healMs: heal?.atMs, ...(e.nodes === undefined ? {} : { nodes: [...e.nodes] }) });
  }
  return windows;
}
