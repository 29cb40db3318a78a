/**
 * A tiny synchronous cluster of ReplicationNodes for scripted tests, in the style of etcd's
 * raft tests: the test decides which messages arrive, who is down, who is suspected, and
 * when time passes. Used by the replication unit tests of every mode.
 */
import type { NodeId, Ready } from '../../core/algorithms/common/types';
import type { FailureDetector } from '../../core/algorithms/detector';
import {
  ReplicationNode,
  restoreReplicationNode,
  type ReplEvent,
  type ReplicationConfig,
  type ReplicationMode,
  type ReplMsg,
  type ReplRecord,
  type ReplReply,
  type ReplRequest,
} from '../../core/algorithms/replication';
import { HashRing } from '../../core/algorithms/ring';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type R = Ready<ReplMsg, ReplRecord, ReplReply, ReplEvent>;

/** Suspicion the test sets by hand, shared by every node of the cluster. */
export class ScriptedDetector implements FailureDetector {
  constructor(private readonly suspects: Set<NodeId>) {}
  heartbeat(): void {}
  suspicion(node: NodeId): number {
    return this.suspects.has(node) ? 1 : 0;
  }
  isSuspected(node: NodeId): boolean {
    return this.suspects.has(node);
  }
}

export interface Wire {
  from: NodeId;
  to: NodeId;
  msg: ReplMsg;
}

export class ReplCluster {
  readonly nodes = new Map<NodeId, ReplicationNode>();
  readonly disks = new Map<NodeId, ReplRecord[]>();
  readonly down = new Set<NodeId>();
  readonly suspects = new Set<NodeId>();
  readonly replies = new Map<string, ReplReply>();
  readonly events: { node: NodeId; event: ReplEvent }[] = [];
  readonly readies: { node: NodeId; ready: R }[] = [];
  wire: Wire[] = [];
  nowMs = 0;
  private seq = 0;

  constructor(
    readonly ids: NodeId[],
    readonly extra: Partial<ReplicationConfig> = {},
    readonly mode: ReplicationMode = 'quorum',
  ) {
    for (const id of ids) {
      this.disks.set(id, []);
      this.nodes.set(id, new ReplicationNode(this.config(id)));
    }
  }

  config(id: NodeId): ReplicationConfig {
    return { id, members: this.ids, mode: this.mode, makeDetector: () => new ScriptedDetector(this.suspects), ...this.extra };
  }

  node(id: NodeId): ReplicationNode {
    const n = this.nodes.get(id);
    if (!n) throw new Error(`no node ${id}`);
    return n;
  }

  private take(id: NodeId, ready: R): R {
    this.readies.push({ node: id, ready });
    this.disks.get(id)?.push(...ready.persist);
    for (const e of ready.send) this.wire.push({ from: id, to: e.to, msg: e.msg });
    for (const rep of ready.replies) this.replies.set(rep.id, rep);
    for (const event of ready.events) this.events.push({ node: id, event });
    return ready;
  }

  request(at: NodeId, req: DistributiveOmit<ReplRequest, 'id'> & { id?: string }): string {
    const id = req.id ?? `req-${++this.seq}`;
    this.take(at, this.node(at).step({ kind: 'request', request: { ...req, id } as ReplRequest, nowMs: this.nowMs }));
    return id;
  }

  write(at: NodeId, key: string, value: unknown): string {
    return this.request(at, { kind: 'write', key, value });
  }

  read(at: NodeId, key: string): string {
    return this.request(at, { kind: 'read', key });
  }

  /** Delivers messages until none are left; `drop` decides which are lost. Down nodes get nothing. */
  deliver(drop: (w: Wire) => boolean = () => false): void {
    for (let guard = 0; this.wire.length > 0; guard++) {
      if (guard > 100_000) throw new Error('messages never settle');
      const w = this.wire.shift() as Wire;
      if (this.down.has(w.to) || this.down.has(w.from) || drop(w)) continue;
      this.take(w.to, this.node(w.to).step({ kind: 'message', from: w.from, msg: w.msg, nowMs: this.nowMs }));
    }
  }

  /** Lets `ms` pass on every live node, then delivers what the ticks sent. */
  tick(ms: number, drop?: (w: Wire) => boolean): void {
    this.nowMs += ms;
    for (const id of this.ids) if (!this.down.has(id)) this.take(id, this.node(id).step({ kind: 'tick', nowMs: this.nowMs }));
    this.deliver(drop);
  }

  crash(id: NodeId): void {
    this.down.add(id);
  }

  restart(id: NodeId): void {
    this.down.delete(id);
    this.nodes.set(id, restoreReplicationNode(this.config(id), this.disks.get(id) ?? []));
  }

  reply(id: string): ReplReply {
    const r = this.replies.get(id);
    if (!r) throw new Error(`no reply for ${id}`);
    return r;
  }

  sentOf(type: ReplMsg['type']): Wire[] {
    return this.readies.flatMap(({ node, ready }) =>
      ready.send.filter((e) => e.msg.type === type).map((e) => ({ from: node, to: e.to, msg: e.msg })),
    );
  }
}

export const N3 = ['n1', 'n2', 'n3'];

export function ringOf(members: NodeId[]): HashRing {
  const ring = new HashRing();
  for (const m of members) ring.add(m);
  return ring;
}

/** A key whose preference list of length `n` among `members` matches `want`. */
export function keyWhere(members: NodeId[], n: number, want: (pref: NodeId[]) => boolean): string {
  const ring = new HashRing();
  for (const m of members) ring.add(m);
  for (let i = 0; i < 10_000; i++) {
    const key = `k${i}`;
    if (want(ring.preferenceList(key, n))) return key;
  }
  throw new Error('no such key');
}

