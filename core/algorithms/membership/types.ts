/**
 * Cluster membership as a replicated service: which nodes are in the ring, with what
 * weight, at which epoch. Changes go through the Paxos log, so every node that applied the
 * same prefix rebuilds the same ring (see ./ring-view.ts).
 */
import type { NodeId } from '../common/types';

export interface Member {
  readonly id: NodeId;
  readonly weight: number;
  /** Log index of the join that added the node (0 for the initial members). */
  readonly joinedAt: number;
}

export interface MembershipView {
  /** Starts at 0; +1 for every command that changed the member list. */
  readonly epoch: number;
  /** Sorted by id (plain string comparison), like HashRing.nodes(). */
  readonly members: readonly Member[];
  /** Log index of the last change (0: the initial configuration). */
  readonly changedAt: number;
}

export type MembershipCommand =
  /**
   * Add `node`, or change its weight if already a member. With `expectedEpoch`, the command
   * acts only at that epoch (an operator's change based on a view that is out of date is
   * refused instead of silently overriding a concurrent one).
   */
  | { readonly type: 'join'; readonly node: NodeId; readonly weight?: number; readonly expectedEpoch?: number }
  | { readonly type: 'leave'; readonly node: NodeId; readonly expectedEpoch?: number }
  /** Read-only. Through the log it is a linearizable read of the membership. */
  | { readonly type: 'view' };

export type MembershipErrorCode =
  | 'INVALID_ARGUMENT'
  /** expectedEpoch was given and is not the current epoch. */
  | 'EPOCH_MISMATCH'
  /** A join beyond the bound on members. */
  | 'TOO_MANY_MEMBERS'
  /** The last member cannot leave: an empty ring owns no key. */
  | 'LAST_MEMBER';

export type MembershipResult =
  | { readonly ok: true; readonly kind: 'joined' | 'reweighted' | 'left'; readonly node: NodeId; readonly view: MembershipView }
  /** Nothing to do (join with the same weight, leave of a non-member): safe to retry. */
  | { readonly ok: true; readonly kind: 'unchanged'; readonly node: NodeId; readonly view: MembershipView }
  | { readonly ok: true; readonly kind: 'view'; readonly view: MembershipView }
  | { readonly ok: false; readonly code: MembershipErrorCode; readonly message: string };

export interface MembershipOptions {
  /** The configuration every replica starts from (epoch 0). Must be the same on all replicas. */
  readonly initial?: readonly { readonly id: NodeId; readonly weight?: number }[];
  /** Default 64. */
  readonly maxMembers?: number;
  /** Largest accepted weight. Default 100. */
  readonly maxWeight?: number;
}
