/**
 * The range table as a service on the Paxos log (the real cluster's `--placement range`):
 * splits and reassignments are applied at log positions, so every node that applied the
 * same prefix holds the same table, also after a restart replay or a snapshot from a peer.
 *
 * Who decides a split: a range's leaseholder counts the keys it stores in the range and,
 * past the threshold, asks every node for a split at the median key (a `split-wanted`
 * message of the repl part). Whichever node is the Paxos leader proposes it from
 * `leaderTick`; the log orders it. A split proposed twice applies once (the second finds
 * the point already a boundary). Membership changes reach the table through
 * `followMembership`, inside the same apply as the join or leave itself.
 */
import type { NodeId, ReplicatedService } from '../common/types';
import type { MembershipCommand, MembershipResult, MembershipService } from '../membership';
import { initialRangeTable, reassignRanges, splitRange, type RangeTable } from './range-map';

export const PLACEMENT_SERVICE = 'placement';

export type PlacementCommand = { readonly type: 'split'; readonly at: string } | { readonly type: 'view' };

export type PlacementResult =
  | { readonly ok: true; readonly kind: 'split' | 'unchanged' | 'view'; readonly table: RangeTable }
  | { readonly ok: false; readonly code: 'INVALID_ARGUMENT'; readonly message: string };

/** Wanted splits a leader proposes per tick (they are cheap; this bounds a burst). */
const PROPOSALS_PER_TICK = 4;

export class RangePlacementService implements ReplicatedService<PlacementCommand, PlacementResult> {
  private state: RangeTable;
  /** Split points asked for and not yet applied (volatile: askers repeat until applied). */
  private readonly wanted = new Set<string>();

  constructor(members: readonly NodeId[], replicationFactor: number) {
    this.state = initialRangeTable(members, replicationFactor);
  }

  get table(): RangeTable {
    return this.state;
  }

  /** A node asked for a split at `at`; the leader proposes it on its next tick. */
  want(at: string): void {
    if (typeof at === 'string' && at !== '' && this.wanted.size < 256) this.wanted.add(at);
  }

  apply(command: PlacementCommand, _index: number): PlacementResult {
    if (command?.type === 'view') return { ok: true, kind: 'view', table: this.state };
    if (command?.type !== 'split' || typeof command.at !== 'string' || command.at === '' || command.at.length > 256) {
      return { ok: false, code: 'INVALID_ARGUMENT', message: `a placement command is {type:"split", at: a key of 1..256 characters} or {type:"view"}, got ${JSON.stringify(command)}` };
    }
    this.wanted.delete(command.at);
    const next = splitRange(this.state, command.at);
    const kind = next === this.state ? 'unchanged' : 'split';
    this.state = next;
    return { ok: true, kind, table: next };
  }

  leaderTick(): PlacementCommand[] {
    const out: PlacementCommand[] = [];
    for (const at of this.wanted) {
      this.wanted.delete(at);
      out.push({ type: 'split', at });
      if (out.length >= PROPOSALS_PER_TICK) break;
    }
    return out;
  }

  queryLocal(): PlacementResult {
    return { ok: true, kind: 'view', table: this.state };
  }

  snapshotState(): RangeTable {
    return this.state;
  }

  restoreSnapshot(state: unknown): void {
    const t = state as Partial<RangeTable> | null;
    if (typeof t !== 'object' || t === null || !Array.isArray(t.ranges) || !Array.isArray(t.members) || typeof t.version !== 'number') {
      throw new Error(`placement snapshot must be a range table, got ${JSON.stringify(state)}`);
    }
    this.state = t as RangeTable;
  }

  /**
   * `membership` as the ServiceMux should run it: the same service, and after a join or a
   * leave, the table reassigns whole ranges to the new member list in the same apply.
   */
  followMembership(membership: MembershipService): ReplicatedService<MembershipCommand, MembershipResult> {
    return {
      apply: (command, index) => {
        const result = membership.apply(command, index);
        if (result.ok && (result.kind === 'joined' || result.kind === 'left')) {
          this.state = reassignRanges(this.state, result.view.members.map((m) => m.id));
        }
        return result;
      },
      queryLocal: (command) => membership.queryLocal(command),
      snapshotState: () => membership.snapshotState(),
      restoreSnapshot: (state) => membership.restoreSnapshot(state),
    };
  }
}
