import type { NodeId } from '../common/types';
import { DetectorError, requirePositive, type FailureDetector } from './types';
import { IntervalWindow } from './window';

export interface PhiAccrualOptions {
  /** Suspect when phi exceeds this. 8 (Akka, Cassandra) means a mistake rate near 10^-8 under the model. */
  threshold?: number;
  /** How many recent inter-arrival times the estimate uses. */
  maxSampleSize?: number;
  /** Floor for the standard deviation, so perfectly regular heartbeats do not make a few ms of lateness fatal. */
  minStdDeviationMs?: number;
  /** Extra silence tolerated before phi starts to climb (added to the mean), for known pauses. */
  acceptableHeartbeatPauseMs?: number;
  /** Expected heartbeat interval, used to seed the estimate at the first heartbeat. */
  firstHeartbeatEstimateMs?: number;
}

export const PHI_DEFAULTS: Required<PhiAccrualOptions> = {
  threshold: 8,
  maxSampleSize: 200,
  minStdDeviationMs: 100,
  acceptableHeartbeatPauseMs: 0,
  firstHeartbeatEstimateMs: 1000,
};

/**
 * phi = -log10(P(a heartbeat arrives later than `elapsedMs`)), with inter-arrival times
 * modelled as normal(meanMs, stdDevMs) and the tail approximated by the logistic formula
 * Akka and Cassandra use: P = 1 / (1 + e^a), a = y(1.5976 + 0.070566 y^2), y = (t - mean) / sd.
 * Written as log10(1 + e^a) and evaluated as a stable softplus, so phi stays finite and
 * strictly increasing in `elapsedMs` where the naive form overflows to Infinity.
 */
export function phiOf(elapsedMs: number, meanMs: number, stdDevMs: number): number {
  const y = (elapsedMs - meanMs) / stdDevMs;
  const a = y * (1.5976 + 0.070566 * y * y);
  const softplus = a > 0 ? a + Math.log1p(Math.exp(-a)) : Math.log1p(Math.exp(a));
  return softplus / Math.LN10;
}

interface Arrivals {
  lastMs: number;
  intervals: IntervalWindow;
}

/**
 * The phi-accrual failure detector (Hayashibara, Defago, Yared, Katayama, SRDS 2004),
 * with Akka's refinements: a minimum standard deviation, an acceptable pause, and an
 * estimate seeded at the first heartbeat. Instead of a yes/no timeout it reports how
 * unlikely the current silence is given the node's own recent heartbeat history, so a
 * jittery node gets more slack than a regular one without tuning per node.
 */
export class PhiAccrualDetector implements FailureDetector {
  readonly threshold: number;
  readonly options: Readonly<Required<PhiAccrualOptions>>;
  private readonly nodes = new Map<NodeId, Arrivals>();

  constructor(opts: PhiAccrualOptions = {}) {
    const o = { ...PHI_DEFAULTS, ...opts };
    requirePositive('threshold', o.threshold);
    requirePositive('minStdDeviationMs', o.minStdDeviationMs);
    requirePositive('acceptableHeartbeatPauseMs', o.acceptableHeartbeatPauseMs, true);
    requirePositive('firstHeartbeatEstimateMs', o.firstHeartbeatEstimateMs);
    if (!Number.isInteger(o.maxSampleSize) || o.maxSampleSize < 2) {
      throw new DetectorError('BAD_OPTION', `maxSampleSize must be an integer >= 2, got ${o.maxSampleSize}`);
    }
    this.options = o;
    this.threshold = o.threshold;
  }

  heartbeat(node: NodeId, nowMs: number): void {
    const known = this.nodes.get(node);
    if (known === undefined) {
      // One sample says nothing about spread, so seed the window as Akka does: two
      // intervals around the expected one, giving mean = estimate and sd = estimate / 4.
      const intervals = new IntervalWindow(this.options.maxSampleSize);
      const estimate = this.options.firstHeartbeatEstimateMs;
      intervals.add(estimate - estimate / 4);
      intervals.add(estimate + estimate / 4);
      this.nodes.set(node, { lastMs: nowMs, intervals });
      return;
    }
    // A clock that stepped backwards (a skewed host clock) gives no usable interval:
    // restart the silence from now instead of recording a negative one.
    if (nowMs >= known.lastMs) known.intervals.add(nowMs - known.lastMs);
    known.lastMs = nowMs;
  }

  suspicion(node: NodeId, nowMs: number): number {
    const known = this.nodes.get(node);
    if (known === undefined) return 0;
    const elapsedMs = Math.max(0, nowMs - known.lastMs);
    const meanMs = known.intervals.meanMs + this.options.acceptableHeartbeatPauseMs;
    const stdDevMs = Math.max(known.intervals.stdDevMs, this.options.minStdDeviationMs);
    return phiOf(elapsedMs, meanMs, stdDevMs);
  }

  isSuspected(node: NodeId, nowMs: number): boolean {
    return this.suspicion(node, nowMs) > this.threshold;
  }

  forget(node: NodeId): void {
    this.nodes.delete(node);
  }

  /** What the estimate is based on, for the panel: undefined for a node never heard from. */
  stats(node: NodeId): { lastHeartbeatMs: number; samples: number; meanMs: number; stdDevMs: number } | undefined {
    const known = this.nodes.get(node);
    if (known === undefined) return undefined;
    const w = known.intervals;
    return { lastHeartbeatMs: known.lastMs, samples: w.count, meanMs: w.meanMs, stdDevMs: w.stdDevMs };
  }
}
