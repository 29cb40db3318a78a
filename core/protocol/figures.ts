/**
 * The availability figures of a run (`faultline run`'s report and verdict.json, and the
 * panel's workload and verdict views): failure rate, mean time to detect, mean time to
 * recover, availability as a share of requests and of time, per fault window and for the
 * whole run. Computed by core/supervisor/workload/figures.ts; the definitions are there
 * and in docs/ARCHITECTURE.md ("Availability figures"). Types only: the renderer imports them.
 */

/** Requests by what their outcome says about availability (outcome.ts's OutcomeClass). */
export interface RequestFigures {
  /** Operations invoked (in the window). */
  readonly ops: number;
  readonly ok: number;
  /** Refused by design: conflict aborts, stale tokens, locks not granted... (not an outage). */
  readonly refused: number;
  /** No answer in time, or no node reachable (TIMEOUT, UNAVAILABLE, ...). */
  readonly unavailable: number;
  /** No completion, or an unknown outcome for another reason. */
  readonly unknown: number;
  /** (ok + refused) / ops: the cluster gave a definite answer; null without operations. */
  readonly availability: number | null;
  /** ok / ops; null without operations. */
  readonly okShare: number | null;
  /** The refusals by error code (e.g. ABORTED 120). */
  readonly refusedCodes: Readonly<Record<string, number>>;
}

/** Time buckets (bucketMs each) in which a request was in flight, and those in which one was answered. */
export interface TimeFigures {
  readonly bucketMs: number;
  /** Buckets with a request in flight or answered. */
  readonly active: number;
  /** Active buckets in which some request completed ok or refused. */
  readonly answered: number;
  /** answered / active; null when no bucket was active. */
  readonly availability: number | null;
}

export type DetectionKind = 'suspicion' | 'leader-change' | 'request-failed';

/** One fault window: from the fault's injection to its heal. */
export interface WindowFigures {
  readonly id: number;
  readonly kind: string;
  readonly text: string;
  readonly nodes: readonly string[];
  readonly startMs: number;
  /** Undefined: never healed before the run ended. */
  readonly healMs?: number;
  /** When repair began: the heal, or a self-heal restart of the crashed node(s) before it. */
  readonly repairMs?: number;
  /** Fault -> the first sign the cluster noticed; null when nothing noticed (masked). */
  readonly detectMs: number | null;
  readonly detectedBy: DetectionKind | null;
  /** Repair -> completion of the first ok operation invoked at or after it; null: never. */
  readonly recoverMs: number | null;
  /** The longest stretch without an ok completion from the fault until recovery. */
  readonly longestOutageMs: number;
  readonly requests: RequestFigures;
  readonly time: TimeFigures;
}

export interface SelfHealRestart {
  readonly node: string;
  /** When the restarted node was up again (ms since the run started). */
  readonly atMs: number;
  /** From its crash to that moment. */
  readonly downMs: number;
}

export interface AvailabilityFigures {
  readonly durationMs: number;
  /** Faults injected (windows that hit a node or link). */
  readonly faults: number;
  /** faults / hours of the run; null for a run too short to say (no time). */
  readonly faultsPerHour: number | null;
  /** Mean over the windows where a detection was seen. */
  readonly mttdMs: number | null;
  readonly detected: number;
  /** Mean over the windows that recovered. */
  readonly mttrMs: number | null;
  readonly recovered: number;
  readonly requests: RequestFigures;
  readonly time: TimeFigures;
  /** Outside every fault window. */
  readonly baseline: { readonly requests: RequestFigures; readonly time: TimeFigures };
  readonly windows: readonly WindowFigures[];
  readonly selfHealRestarts: readonly SelfHealRestart[];
}
