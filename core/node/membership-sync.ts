/**
 * The glue between the replicated membership (a service on the Paxos log) and the ring
 * replicas: after every step, if the applied member list differs from the one the `repl`
 * part places keys with, the new list goes to `repl` as a membership request in the same
 * Ready. It compares state rather than watching `applied` events, so it also covers what
 * events miss: a restart that replays the log silently, and a snapshot installed from a peer.
 */
import { ComposedMachine, type ComposedReady, type Input, type NodeId, type Tagged } from '../algorithms/common';
import type { MembershipService } from '../algorithms/membership';
import { normalRingWeights, sameRingWeights, type ReplicationNode } from '../algorithms/replication';
import type { PaxosReplica } from '../algorithms/paxos';
import type { RangePlacementService } from '../algorithms/placement';

/** Request ids of these internal requests; no client waits for them, so their replies are dropped. */
export const MEMBERSHIP_SYNC_PREFIX = 'membership-sync:';

export class MembershipSyncedMachine extends ComposedMachine {
  /** The membership epoch last compared with the ring (-1: not yet, e.g. before the replay of a restart). */
  private syncedEpoch = -1;
  /** Range placement: the table on the log, and its version last compared with the replicas'. */
  private ranges: RangePlacementService | undefined;
  private syncedRanges = -1;

  constructor(
    id: NodeId,
    parts: ConstructorParameters<typeof ComposedMachine>[1],
    private readonly membership: MembershipService,
    private readonly repl: ReplicationNode,
    private readonly paxos: PaxosReplica<unknown, unknown>,
  ) {
    super(id, parts);
  }

  /**
   * Range placement: the replicas also follow the range table on the log (a split changes
   * it without changing the members), and every split a leaseholder asks for (`split-wanted`,
   * its own or a peer's) is handed to the table's service, whose leader proposes it.
   */
  followRanges(placement: RangePlacementService): void {
    this.ranges = placement;
  }

  override step(input: Input<Tagged, Tagged>): ComposedReady {
    const out = super.step(input);
    if (this.ranges) {
      for (const ev of out.events) {
        const body = ev.body as { type?: unknown; at?: unknown };
        if (ev.part === 'repl' && body.type === 'split-wanted' && typeof body.at === 'string') this.ranges.want(body.at);
      }
    }
    const epoch = this.membership.currentEpoch;
    const rangesVersion = this.ranges?.table.version ?? -1;
    if (epoch === this.syncedEpoch && rangesVersion === this.syncedRanges) return out;
    this.syncedEpoch = epoch;
    this.syncedRanges = rangesVersion;
    const ranges = this.ranges?.table;
    const rangesDiffer = ranges !== undefined && this.repl.rangeTable()?.version !== ranges.version;
    const view = this.membership.view().members;
    const members = view.map((m) => m.id);
    // A reweight changes no member but moves keys all the same: weights are compared too.
    const weights = normalRingWeights(members, Object.fromEntries(view.map((m) => [m.id, m.weight])));
    if (typeof weights === 'string') throw new Error(`membership view: ${weights}`);
    if (sameSet(members, this.repl.members()) && sameRingWeights(weights, this.repl.weights()) && !rangesDiffer) return out;
    const id = `${MEMBERSHIP_SYNC_PREFIX}${epoch}${ranges ? `.${ranges.version}` : ''}`;
    // The cause before its effect: the chosen membership command (and the log before it)
    // is made durable in this batch, ahead of the ring change it causes, so a restart can
    // never find the new ring without the command that made it.
    for (const body of this.paxos.takeDeferredChosen()) out.persist.push({ part: 'paxos', body });
    const sync = super.step({ kind: 'request', request: { part: 'repl', body: { kind: 'membership', id, members, ...(Object.keys(weights).length > 0 ? { weights } : {}), ...(ranges ? { ranges } : {}) } }, nowMs: input.nowMs });
    out.persist.push(...sync.persist);
    out.send.push(...sync.send);
    out.events.push(...sync.events);
    for (const r of sync.replies) if ((r.body as { id?: unknown }).id !== id) out.replies.push(r);
    return out;
  }
}

function sameSet(a: readonly NodeId[], b: readonly NodeId[]): boolean {
  if (a.length !== b.length) return false;
  const s = new Set(b);
  return a.every((x) => s.has(x));
}
