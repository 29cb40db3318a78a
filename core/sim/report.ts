/**
 * What a simulation run is asked to do and what it reports. A report carries its seed and
 * the command that replays it; the same seed and options give the same history, byte for byte.
 */
import type { Verdict } from '../check/verdict';
import type { SimHistoryOp } from './history';
import { type FaultEvent, type FaultKind, formatTimeline } from './timeline';

export interface SimOptions {
  seed: number;
  /** Cluster size. Default 5 (3 for some mechanisms that say so). */
  nodes?: number;
  faults: readonly FaultKind[];
  /** Client operations in the run. */
  ops: number;
  /** Concurrent client processes. Default 4. */
  clients?: number;
  /** Safety net on virtual time (ms); operations still open then stay unfinished. */
  maxSimulatedMs?: number;
  /** A named fault schedule instead of the random nemesis mix (see each mechanism). */
  scenario?: string;
  /** Deliberate defects for negative controls: the checkers must catch them. */
  controls?: {
    paxosBugs?: { forgetPromiseOnRestart?: boolean; pickAnyAcceptedValue?: boolean };
    /** Locks: the resource accepts stale tokens (FencedResource {enforce:false}). */
    unfenced?: boolean;
    /** Register: reads are answered from any replica's local state (query-local). */
    staleReads?: boolean;
    /**
     * Turn the machines' invariant assertions off (Paxos), so a negative control shows the
     * CHECKERS catch the bug; with them on, an assertion stops the run at the faulty step.
     */
    assertionsOff?: boolean;
  };
  /**
   * Copy messages and records as a real node does (SimWorldOptions.cloneMessages; default
   * true). Benches may turn it off to measure the machines alone; tests never do.
   */
  copies?: boolean;
  /** Keep the full history in the report (tests, --history). Default true. */
  keepHistory?: boolean;
}

export type SimOutcome = 'pass' | 'violation' | 'unknown';

/** What a set of verdicts adds up to: any violation wins, then any undecided checker. */
export function outcomeOf(verdicts: readonly Verdict[]): SimOutcome {
  if (verdicts.some((v) => v.valid === false)) return 'violation';
  return verdicts.some((v) => v.valid === 'unknown') ? 'unknown' : 'pass';
}

export interface SimProgress {
  seed: number;
  opsDone: number;
  opsTotal: number;
  faults: number;
  simulatedMs: number;
}

export interface SimReport {
  mechanism: string;
  seed: number;
  verdicts: Verdict[];
  /** Client operations completed (ok + fail + info). */
  ops: number;
  opCounts: { ok: number; fail: number; info: number; unfinished: number };
  simulatedMs: number;
  wallMs: number;
  /** Simulator steps and messages, for benchmarks. */
  stats: { events: number; steps: number; delivered: number; /** Wall ms spent running the world (checks excluded), when the mechanism measures it. */ worldWallMs?: number };
  faults: FaultEvent[];
  /**
   * pass: every checker decided valid. violation: one found a violation (or an invariant
   * stopped the run). unknown: none violated, but one could not decide (its budget ran
   * out): not a pass, since nothing was shown to hold.
   */
  outcome: SimOutcome;
  /** outcome === 'pass'. */
  ok: boolean;
  /** The command line that replays this run. */
  replay: string;
  /** Deterministic facts a mechanism adds, one line each (e.g. range placement's splits and ranges); printed after the verdicts. */
  notes?: string[];
  history?: SimHistoryOp[];
}

/** A flag only one mechanism understands, e.g. replication's `--mode`. */
export interface SimFlag {
  readonly summary: string;
  /** Turns the flag's text into the value stored under the flag's camelCase name in SimOptions; throws with a clear message. */
  parse(text: string): unknown;
}

export interface SimMechanism {
  readonly name: string;
  /** One line for `faultline sim --help`. */
  readonly summary: string;
  /** Extra flags by name without dashes ("mode" for --mode); the CLI sets opts[camelCase(name)]. */
  readonly flags?: Readonly<Record<string, SimFlag>>;
  run(opts: SimOptions, onProgress?: (p: SimProgress) => void): SimReport;
}

export function replayCommand(mechanism: string, opts: SimOptions): string {
  const parts = ['faultline sim', `--mechanism ${mechanism}`, `--seed ${opts.seed}`];
  if (opts.nodes !== undefined) parts.push(`--nodes ${opts.nodes}`);
  parts.push(`--faults ${opts.faults.length ? opts.faults.join(',') : 'none'}`, `--ops ${opts.ops}`);
  if (opts.clients !== undefined) parts.push(`--clients ${opts.clients}`);
  if (opts.scenario !== undefined) parts.push(`--scenario ${opts.scenario}`);
  const c = opts.controls;
  if (c?.paxosBugs?.forgetPromiseOnRestart) parts.push('--bug forget-promise');
  if (c?.paxosBugs?.pickAnyAcceptedValue) parts.push('--bug pick-any-value');
  if (c?.unfenced) parts.push('--bug unfenced');
  if (c?.staleReads) parts.push('--bug stale-reads');
  if (c?.assertionsOff) parts.push('--no-assertions');
  return parts.join(' ');
}

/** A human-readable report: verdicts, numbers, the fault timeline, the seed and replay. */
export function formatReport(r: SimReport, timelineLimit = 40): string {
  const lines: string[] = [];
  lines.push(`${OUTCOME_WORD[r.outcome]} ${r.mechanism} seed=${r.seed}: ${r.ops} ops (${r.opCounts.ok} ok, ${r.opCounts.fail} fail, ${r.opCounts.info} info, ${r.opCounts.unfinished} unfinished), ${r.faults.length} timeline events, ${r.simulatedMs.toFixed(0)} ms simulated in ${r.wallMs.toFixed(0)} ms`);
  for (const v of r.verdicts) {
    const mark = v.valid === true ? 'ok     ' : v.valid === false ? 'VIOLATED' : 'unknown';
    lines.push(`  [${mark}] ${v.model}: ${v.summary}`);
    if (v.valid === false && v.evidence !== undefined) {
      lines.push(`    evidence: ${truncate(JSON.stringify(v.evidence), 1500)}`);
    }
  }
  for (const note of r.notes ?? []) lines.push(`  ${note}`);
  const stop = r.verdicts.find((v) => v.model === 'invariant' && v.valid === false);
  if (stop !== undefined) {
    const e = stop.evidence as { step: number; atMs: number; node: string | null };
    lines.push(`  stopped by an invariant at step ${e.step} (${e.atMs.toFixed(1)} ms virtual) on ${e.node ?? 'no node'}; replay to that step: ${r.replay}`);
  }
  if (!r.ok) {
    lines.push('  faults:');
    lines.push(formatTimeline(r.faults, timelineLimit));
    lines.push(`  reproduce with seed=${r.seed}: ${r.replay}`);
  }
  return lines.join('\n');
}

const OUTCOME_WORD: Record<SimOutcome, string> = { pass: 'PASS', violation: 'FAIL', unknown: 'UNKNOWN' };

function truncate(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n)}... (${s.length - n} more characters)`;
}
