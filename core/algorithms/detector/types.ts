import type { NodeId } from '../common/types';

/**
 * Turns heartbeat arrivals into a suspicion level per node. Time always comes in as
 * `nowMs` (the host's clock); a detector never reads a clock itself.
 *
 * Suspicion is a hint for routing and for the panel, never a safety input: a suspected
 * node may be alive (a slow network, a GC pause), and safety must not depend on it.
 *
 * A node never heard from has suspicion 0 and is not suspected: the detector cannot tell
 * "not started yet" from "dead", so the host decides when a node is expected. A host that
 * wants to suspect a node that never speaks calls heartbeat(node, nowMs) when it starts
 * expecting one, which starts the node's clock as if it had just spoken.
 */
export interface FailureDetector {
  /** Records a heartbeat from `node` received at `nowMs`. */
  heartbeat(node: NodeId, nowMs: number): void;
  /** How suspicious `node`'s silence is at `nowMs`; 0 for a node never heard from. Grows with silence. */
  suspicion(node: NodeId, nowMs: number): number;
  /** True when suspicion(node, nowMs) is above the detector's threshold. */
  isSuspected(node: NodeId, nowMs: number): boolean;
  /** Forgets a node (it left the membership); it counts as never heard from again. */
  forget?(node: NodeId): void;
}

export type DetectorErrorCode = 'BAD_OPTION';

export class DetectorError extends Error {
  constructor(
    readonly code: DetectorErrorCode,
    message: string,
  ) {
    super(`${code}: ${message}`);
    this.name = 'DetectorError';
  }
}

/** Returns `value`, or throws BAD_OPTION naming the option unless it is finite and > 0 (>= 0 with `orZero`). */
export function requirePositive(name: string, value: number, orZero = false): number {
  const ok = Number.isFinite(value) && (orZero ? value >= 0 : value > 0);
  if (!ok) throw new DetectorError('BAD_OPTION', `${name} must be a finite number ${orZero ? '>= 0' : '> 0'}, got ${value}`);
  return value;
}
