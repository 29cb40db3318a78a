import type { NodeId } from './types';

/** The smallest number of voters that is more than half of `clusterSize`. */
export function majority(clusterSize: number): number {
  if (!Number.isInteger(clusterSize) || clusterSize < 1) {
    throw new Error(`cluster size must be a positive integer, got ${clusterSize}`);
  }
  return Math.floor(clusterSize / 2) + 1;
}

/**
 * Counts distinct voters towards a threshold. Duplicate votes (a duplicated message, a
 * retransmission) count once, and votes from outside the electorate are ignored: both are
 * ways a real network makes naive counters reach a quorum that does not exist.
 */
export class QuorumTracker {
  private readonly yes = new Set<NodeId>();
  private readonly no = new Set<NodeId>();
  readonly needed: number;

  constructor(
    private readonly electorate: ReadonlySet<NodeId>,
    needed: number = majority(electorate.size),
  ) {
    this.needed = needed;
  }

  /** Records a vote; returns true when this vote is the one that reaches the threshold. */
  vote(voter: NodeId, granted = true): boolean {
    if (!this.electorate.has(voter) || this.yes.has(voter) || this.no.has(voter)) return false;
    (granted ? this.yes : this.no).add(voter);
    return granted && this.yes.size === this.needed;
  }

  get reached(): boolean {
    return this.yes.size >= this.needed;
  }

  /** True once so many voted no that the threshold can no longer be reached. */
  get impossible(): boolean {
    return this.electorate.size - this.no.size < this.needed;
  }

  get granted(): ReadonlySet<NodeId> {
    return this.yes;
  }
}
