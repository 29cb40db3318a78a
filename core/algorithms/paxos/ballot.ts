/** Small helpers over ballots (the order itself is compareBallots in types.ts). */
import type { NodeId } from '../common/types';
import { compareBallots, type Ballot } from './types';

export function ballotEquals(a: Ballot, b: Ballot): boolean {
  return a.round === b.round && a.node === b.node;
}

export function maxBallot(a: Ballot, b: Ballot): Ballot {
  return compareBallots(a, b) >= 0 ? a : b;
}

/**
 * The next ballot `node` may use: a round above every round it has seen, so it is unique
 * (the node id breaks ties) and exceeds every ballot this node promised or used before.
 */
export function nextBallot(node: NodeId, highestRoundSeen: number): Ballot {
  return { round: highestRoundSeen + 1, node };
}

export function formatBallot(b: Ballot): string {
  return `(${b.round},${b.node})`;
}
