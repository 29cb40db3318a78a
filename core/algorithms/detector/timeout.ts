import type { NodeId } from '../common/types';
import { requirePositive, type FailureDetector } from './types';

export interface TimeoutOptions {
  /** Suspect a node silent for longer than this. */
  timeoutMs: number;
}

/**
 * The classic fixed timeout, for comparison with phi accrual: one number for every node,
 * however regular or jittery its heartbeats are. Suspicion is silence / timeoutMs, so the
 * threshold is 1 and the panel can plot it next to phi.
 */
export class TimeoutDetector implements FailureDetector {
  readonly threshold = 1;
  readonly timeoutMs: number;
  private readonly lastMs = new Map<NodeId, number>();

  constructor(opts: TimeoutOptions) {
    this.timeoutMs = requirePositive('timeoutMs', opts.timeoutMs);
  }

  heartbeat(node: NodeId, nowMs: number): void {
    this.lastMs.set(node, nowMs);
  }

  suspicion(node: NodeId, nowMs: number): number {
    const last = this.lastMs.get(node);
    if (last === undefined) return 0;
    return Math.max(0, nowMs - last) / this.timeoutMs;
  }

  isSuspected(node: NodeId, nowMs: number): boolean {
    return this.suspicion(node, nowMs) > this.threshold;
  }

  forget(node: NodeId): void {
    this.lastMs.delete(node);
  }

  lastHeartbeatMs(node: NodeId): number | undefined {
    return this.lastMs.get(node);
  }
}
