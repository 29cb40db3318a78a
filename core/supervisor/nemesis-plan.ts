/**
 * The nemesis schedule, as a pure function of a seed: alternating quiet and fault periods
 * (Jepsen's `(cycle [sleep, start, sleep, stop])`), one fault at a time, a quiet baseline
 * before the first fault and a quiet tail after the last heal so recovery can be seen.
 * Pure (no timers, no processes), so the schedule is unit-tested and replayed from its seed;
 * core/supervisor/nemesis.ts carries it out on a real cluster.
 *
 * Safety cap (TigerBeetle's VOPR, FoundationDB): never more than a minority of nodes down
 * (killed or paused) at once, so a violation found is a real bug, not an overloaded test.
 */
import { Prng } from '../algorithms/common/prng';
import { unreachable } from '../algorithms/common/unreachable';
import { PARTITION_SHAPES, type PartitionShape } from '../algorithms/common/partitions';

export const FAULT_KINDS = ['kill', 'kill-leader', 'pause', 'partition', 'drop', 'delay', 'duplicate', 'skew'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** A fault as planned. Nodes named here are fallbacks when the fault targets "the leader". */
export type PlannedFault =
  /** SIGKILL these nodes; the heal restarts them from their data directories. */
  | { readonly kind: 'kill'; readonly nodes: readonly string[] }
  /** SIGKILL whoever leads when the fault starts (`fallback` when no leader is known). */
  | { readonly kind: 'kill-leader'; readonly fallback: string }
  /** SIGSTOP these nodes; the heal sends SIGCONT. */
  | { readonly kind: 'pause'; readonly nodes: readonly string[] }
  /** A named partition; `node` is the isolated / deaf node, or the fallback for isolate-leader. */
  | { readonly kind: 'partition'; readonly shape: PartitionShape; readonly node: string }
  /** Link faults on every link touching `nodes` (both directions). */
  | { readonly kind: 'drop'; readonly nodes: readonly string[]; readonly probability: number }
  | { readonly kind: 'delay'; readonly nodes: readonly string[]; readonly delayMs: number; readonly jitterMs: number }
  | { readonly kind: 'duplicate'; readonly nodes: readonly string[]; readonly probability: number }
  /** Shifts these nodes' clocks. */
  | { readonly kind: 'skew'; readonly nodes: readonly string[]; readonly skewMs: number };

export interface NemesisPeriod {
  /** Dense id, in time order. */
  readonly id: number;
  readonly fault: PlannedFault;
  /** When the fault starts and when it is healed, ms since the run started. */
  readonly startMs: number;
  readonly healMs: number;
}

export interface NemesisPlanOptions {
  readonly seed: number;
  readonly faults: readonly FaultKind[];
  readonly nodes: readonly string[];
  readonly durationMs: number;
  /** Quiet time before the first fault (default 15% of the run, at least 1 s). */
  readonly baselineMs?: number;
  /** Quiet time after the last heal (default 20% of the run, at least 2 s). */
  readonly tailMs?: number;
  /** Fault length range (default 1.5..4 s). */
  readonly faultMs?: readonly [number, number];
  /** Quiet time between faults (default 1..2.5 s). */
  readonly quietMs?: readonly [number, number];
  /** Partition shapes to draw from (default all). */
  readonly shapes?: readonly PartitionShape[];
}

/** Largest number of nodes that may be down at once: a strict minority. */
export function maxDown(nodeCount: number): number {
  return Math.max(0, Math.floor((nodeCount - 1) / 2));
}

/** Nodes a fault takes down (killed or paused); leader kills count as one. */
export function nodesDown(fault: PlannedFault): number {
  switch (fault.kind) {
    case 'kill':
    case 'pause':
      return fault.nodes.length;
    case 'kill-leader':
      return 1;
    case 'partition':
    case 'drop':
    case 'delay':
    case 'duplicate':
    case 'skew':
      return 0;
    default:
      return unreachable(fault, 'fault');
  }
}

function someNodes(prng: Prng, nodes: readonly string[], atMost: number): string[] {
  const count = prng.between(1, Math.max(1, atMost));
  return prng.shuffle([...nodes]).slice(0, count);
}

function planFault(prng: Prng, kind: FaultKind, nodes: readonly string[], shapes: readonly PartitionShape[]): PlannedFault {
  const cap = maxDown(nodes.length);
  switch (kind) {
    case 'kill':
      return { kind, nodes: someNodes(prng, nodes, cap) };
    case 'kill-leader':
      return { kind, fallback: prng.pick(nodes) };
    case 'pause':
      return { kind, nodes: someNodes(prng, nodes, cap) };
    case 'partition':
      return { kind, shape: prng.pick(shapes), node: prng.pick(nodes) };
    case 'drop':
      return { kind, nodes: someNodes(prng, nodes, cap), probability: 0.1 + 0.3 * prng.next() };
    case 'delay':
      return { kind, nodes: someNodes(prng, nodes, cap), delayMs: prng.between(20, 200), jitterMs: prng.between(0, 50) };
    case 'duplicate':
      return { kind, nodes: someNodes(prng, nodes, cap), probability: 0.2 + 0.3 * prng.next() };
    case 'skew': {
      const magnitude = prng.between(200, 3_000);
      return { kind, nodes: someNodes(prng, nodes, cap), skewMs: prng.chance(0.5) ? magnitude : -magnitude };
    }
    default:
      return unreachable(kind, 'fault');
  }
}

/**
 * The fault periods of one run. Deterministic in `opts`; periods never overlap, every
 * period heals before `durationMs - tailMs`, and no period takes down a majority.
 */
export function planNemesis(opts: NemesisPlanOptions): NemesisPeriod[] {
  if (opts.nodes.length === 0) throw new Error('planNemesis needs at least one node');
  for (const f of opts.faults) {
    if (!(FAULT_KINDS as readonly string[]).includes(f)) throw new Error(`unknown fault "${f}"; known: ${FAULT_KINDS.join(', ')}`);
  }
  const shapes = opts.shapes ?? PARTITION_SHAPES;
  // Faults that take nodes down are impossible when no node may go down (1 or 2 nodes).
  const usable = opts.faults.filter((f) => maxDown(opts.nodes.length) > 0 || !['kill', 'kill-leader', 'pause'].includes(f));
  if (usable.length === 0) return [];
  const prng = new Prng(opts.seed);
  const baselineMs = opts.baselineMs ?? Math.max(1_000, Math.round(opts.durationMs * 0.15));
  const tailMs = opts.tailMs ?? Math.max(2_000, Math.round(opts.durationMs * 0.2));
  const [faultMin, faultMax] = opts.faultMs ?? [1_500, 4_000];
  const [quietMin, quietMax] = opts.quietMs ?? [1_000, 2_500];
  const lastHealMs = opts.durationMs - tailMs;
  const periods: NemesisPeriod[] = [];
  let at = baselineMs;
  while (at + faultMin <= lastHealMs) {
    const kind = prng.pick(usable);
    const fault = planFault(prng, kind, opts.nodes, shapes);
    const length = Math.min(prng.between(faultMin, faultMax), lastHealMs - at);
    periods.push({ id: periods.length, fault, startMs: at, healMs: at + length });
    at += length + prng.between(quietMin, quietMax);
  }
  return periods;
}

/** Parses `kill,pause,partition` (or `all`, or `none`) into fault kinds. */
export function parseFaultList(text: string): { ok: true; faults: FaultKind[] } | { ok: false; message: string } {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed === 'none') return { ok: true, faults: [] };
  if (trimmed === 'all') return { ok: true, faults: [...FAULT_KINDS] };
  const faults: FaultKind[] = [];
  for (const part of trimmed.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    if (!(FAULT_KINDS as readonly string[]).includes(part)) {
      return { ok: false, message: `unknown fault "${part}"; valid faults: ${FAULT_KINDS.join(', ')} (or "all", "none")` };
    }
    if (!faults.includes(part as FaultKind)) faults.push(part as FaultKind);
  }
  return { ok: true, faults };
}

/** One line for the timeline and the report. */
export function describeFault(fault: PlannedFault, resolvedNode?: string): string {
  switch (fault.kind) {
    case 'kill':
      return `kill -9 ${fault.nodes.join(', ')}`;
    case 'kill-leader':
      return `kill -9 the leader (${resolvedNode ?? fault.fallback})`;
    case 'pause':
      return `pause (SIGSTOP) ${fault.nodes.join(', ')}`;
    case 'partition':
      return `partition ${fault.shape}${fault.shape === 'isolate' || fault.shape === 'one-way' || fault.shape === 'isolate-leader' ? ` ${resolvedNode ?? fault.node}` : ''}`;
    case 'drop':
      return `drop ${(fault.probability * 100).toFixed(0)}% of messages to/from ${fault.nodes.join(', ')}`;
    case 'delay':
      return `delay messages to/from ${fault.nodes.join(', ')} by ${fault.delayMs}±${fault.jitterMs} ms`;
    case 'duplicate':
      return `duplicate ${(fault.probability * 100).toFixed(0)}% of messages to/from ${fault.nodes.join(', ')}`;
    case 'skew':
      return `clock skew ${fault.skewMs > 0 ? '+' : ''}${fault.skewMs} ms on ${fault.nodes.join(', ')}`;
    default:
      return unreachable(fault, 'fault');
  }
}
