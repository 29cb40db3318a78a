/**
 * MultiGroupMachine: one node taking part in several replication groups at once (a
 * Paxos group per shard, as Spanner and CockroachDB run a Paxos/Raft group per range),
 * each group its own machine with its own durable records. It is a ComposedMachine whose
 * parts are the groups this node belongs to, keyed by group id, so messages, records and
 * replies are tagged `{part: group, body}` exactly as compose.ts tags parts, and a
 * restart rebuilds each group from its own records only.
 */
import { ComposedMachine, recordsByPart, type ComposedReady, type Tagged } from './compose';
import type { Input, Machine, NodeId } from './types';

// Groups are opaque to the host: it only routes by group id.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyMachine = Machine<any, any, any, any, any>;

export type GroupId = string;

export class MultiGroupMachine<M extends AnyMachine> implements Machine<Tagged, Tagged, Tagged, Tagged, Tagged> {
  private readonly composed: ComposedMachine;
  private readonly byGroup: ReadonlyMap<GroupId, M>;

  /**
   * `groups`: the ids of the groups this node is a member of; `build` makes one group's
   * machine from that group's durable records (empty on a first start).
   */
  constructor(
    readonly id: NodeId,
    groups: readonly GroupId[],
    build: (group: GroupId, records: readonly unknown[]) => M,
    durable: readonly Tagged[] = [],
  ) {
    const records = recordsByPart(durable);
    const byGroup = new Map<GroupId, M>();
    for (const g of groups) byGroup.set(g, build(g, records.get(g) ?? []));
    this.byGroup = byGroup;
    this.composed = new ComposedMachine(id, Object.fromEntries(byGroup));
  }

  /** True when this node is a member of `group`. */
  hosts(group: GroupId): boolean {
    return this.byGroup.has(group);
  }

  /** The machine of `group`, or undefined when this node is not one of its members. */
  group(group: GroupId): M | undefined {
    return this.byGroup.get(group);
  }

  /** Every group hosted here, in a stable order. */
  entries(): [GroupId, M][] {
    return [...this.byGroup];
  }

  step(input: Input<Tagged, Tagged>): ComposedReady {
    return this.composed.step(input);
  }
}
