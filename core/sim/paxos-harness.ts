/**
 * What every Paxos-backed mechanism shares in the simulator: a SimWorld of PaxosReplicas
 * (each with a fresh service per incarnation, restarted from its durable records), the
 * nemesis, clients, and the observations checkPaxos judges (learned and applied values
 * across restarts, and every proposed command).
 */
import type { NodeId, ReplicatedService } from '../algorithms/common/types';
import { unreachable } from '../algorithms/common/unreachable';
import { PaxosReplica } from '../algorithms/paxos/replica';
import {
  DEFAULT_PAXOS_TIMING,
  type LogValue,
  type PaxosConfig,
  type PaxosEvent,
  type PaxosMsg,
  type PaxosRecord,
  type PaxosReply,
  type PaxosRequest,
} from '../algorithms/paxos/types';
import { canonicalJson } from '../check/canonical';
import type { PaxosObservations } from '../check/paxos';
import { Nemesis, type NemesisOptions, baselineNetwork } from './nemesis';
import { DEFAULT_PAXOS_CLIENT, PaxosClient, type PaxosClientOptions } from './paxos-client';
import { streamPrng, streamSeed } from './seeds';
import type { FaultKind } from './timeline';
import { SimWorld } from './world';

export type PaxosWorld<Cmd, Res> = SimWorld<PaxosMsg<Cmd>, PaxosRequest<Cmd>, PaxosRecord<Cmd>, PaxosReply<Res>, PaxosEvent<Cmd>>;

export interface PaxosHarnessOptions<Cmd, Res> {
  seed: number;
  nodeCount: number;
  faults: ReadonlySet<FaultKind>;
  /** A fresh service for a replica; called again on every restart. */
  makeService: (id: NodeId, incarnation: number) => ReplicatedService<Cmd, Res>;
  bugs?: PaxosConfig['bugs'];
  /** SimWorldOptions.cloneMessages (default true: copies as on a real node). */
  copies?: boolean;
  /** PaxosConfig.checkInvariants: false only for negative controls aimed at the checkers. */
  checkInvariants?: boolean;
  /**
   * PaxosConfig.snapshotEverySlots. Unset: derived from the seed, so a sweep covers both
   * replicas that snapshot and compact every few slots (and ship snapshots to replicas that
   * fall behind the floor) and replicas that never do.
   */
  snapshotEverySlots?: number;
  nemesis?: Partial<NemesisOptions>;
  client?: Partial<PaxosClientOptions>;
}

export function nodeNames(count: number): NodeId[] {
  if (!Number.isInteger(count) || count < 1 || count > 99) throw new Error(`node count must be an integer in 1..99, got ${count}`);
  return Array.from({ length: count }, (_, i) => `n${i + 1}`);
}

export class PaxosHarness<Cmd, Res> {
  readonly world: PaxosWorld<Cmd, Res>;
  readonly nemesis: Nemesis;
  private readonly replicas = new Map<NodeId, PaxosReplica<Cmd, Res>>();
  private readonly learned: PaxosObservations['learned'] = [];
  /**
   * One object per distinct observed value (by its JSON text): messages arrive as copies, so
   * the same value learned on five nodes is five objects; interned, it is one again and
   * observations() can drop repeats by identity. Equal JSON text means equal values, so no
   * violation is lost.
   */
  private readonly interned = new Map<string, LogValue<Cmd>>();
  /** Per node: the value applied at each slot (index slot - 1), as seen across restarts. */
  private readonly applied = new Map<NodeId, LogValue<Cmd>[]>();
  /** A node re-applying a slot with a different value after a restart: kept apart, as evidence. */
  private readonly divergent: Record<string, LogValue<Cmd>[]> = {};
  private readonly clients: PaxosClient<Cmd, Res>[] = [];
  private readonly leaderGenerated: LogValue<Cmd>[] = [];
  private readonly clientOpts: PaxosClientOptions;

  constructor(private readonly opts: PaxosHarnessOptions<Cmd, Res>) {
    const nodes = nodeNames(opts.nodeCount);
    this.clientOpts = { ...DEFAULT_PAXOS_CLIENT, ...opts.client };
    this.world = new SimWorld({
      seed: opts.seed,
      nodes,
      tickMs: 10,
      network: baselineNetwork(opts.faults),
      replyId: (r) => r.id,
      cloneMessages: opts.copies !== false,
      factory: (id, durable, incarnation) => {
        const config: PaxosConfig = {
          id,
          members: nodes,
          ...DEFAULT_PAXOS_TIMING,
          seed: streamSeed(opts.seed, `replica/${id}/${incarnation}`),
          snapshotEverySlots: opts.snapshotEverySlots ?? (opts.seed % 2 === 0 ? 8 + (opts.seed % 13) : 0),
          ...(opts.bugs ? { bugs: opts.bugs } : {}),
          ...(opts.checkInvariants === false ? { checkInvariants: false } : {}),
        };
        const replica = new PaxosReplica<Cmd, Res>(config, this.watchLeaderCommands(opts.makeService(id, incarnation)), durable);
        this.replicas.set(id, replica);
        return replica;
      },
      onEvent: (node, ev, incarnation) => this.observe(node, ev, incarnation),
    });
    if (opts.faults.has('skew')) {
      // Clocks that never agreed: every node starts at its own offset (up to 10 s apart).
      const offsets = streamPrng(opts.seed, 'clock-offsets');
      for (const id of nodes) this.world.clock(id).jump(0, Math.floor(offsets.next() * 10_000));
    }
    this.nemesis = new Nemesis(this.world, streamPrng(opts.seed, 'nemesis'), {
      faults: opts.faults,
      leader: () => this.leader(),
      ...opts.nemesis,
    });
  }

  /** A new client with its own random stream. */
  client(name: string): PaxosClient<Cmd, Res> {
    const c = new PaxosClient<Cmd, Res>(this.world, name, streamPrng(this.opts.seed, `client/${name}`), this.clientOpts);
    this.clients.push(c);
    return c;
  }

  /** The up node that believes it leads with the highest ballot, if any. */
  leader(): NodeId | undefined {
    let best: { id: NodeId; round: number; node: string } | undefined;
    for (const id of this.world.nodeIds) {
      if (this.world.status(id) !== 'up') continue;
      const s = this.replicas.get(id)?.status();
      if (s === undefined || s.role !== 'leader') continue;
      if (best === undefined || s.ballot.round > best.round || (s.ballot.round === best.round && s.ballot.node > best.node)) {
        best = { id, round: s.ballot.round, node: s.ballot.node };
      }
    }
    return best?.id;
  }

  /**
   * The observations for checkPaxos, without redundant copies: observed values are interned
   * (see `interned`), so a value learned on five nodes is one object. Keeping one
   * learned entry per (slot, object) and only the applied sequences that are not
   * object-for-object prefixes of the longest one loses no violation (identical objects
   * have identical canonical JSON) and saves the checker most of its canonicalization.
   */
  observations(): PaxosObservations {
    const learned: PaxosObservations['learned'] = [];
    const seenBySlot = new Map<number, unknown[]>();
    for (const l of this.learned) {
      const seen = seenBySlot.get(l.slot);
      if (seen === undefined) seenBySlot.set(l.slot, [l.value]);
      else if (seen.includes(l.value)) continue;
      else seen.push(l.value);
      learned.push(l);
    }
    const sequences = new Map<string, unknown[]>(Object.entries(this.divergent));
    for (const [node, values] of this.applied) {
      // Only the dense prefix: a hole means this node never observed that slot applied.
      const seq: unknown[] = [];
      for (let i = 0; i < values.length && values[i] !== undefined; i++) seq.push(values[i]);
      sequences.set(node, seq);
    }
    let longest: unknown[] = [];
    for (const seq of sequences.values()) if (seq.length > longest.length) longest = seq;
    const applied: Record<NodeId, unknown[]> = {};
    for (const [node, seq] of sequences) {
      const samePrefix = seq !== longest && seq.every((v, i) => v === longest[i]);
      if (!samePrefix) applied[node] = seq;
    }
    const proposed: unknown[] = [...this.leaderGenerated];
    for (const c of this.clients) for (const command of c.proposed) proposed.push({ kind: 'cmd', command });
    return { learned, proposed, applied };
  }

  /**
   * Commands a service's leaderTick generates (lease expiry) are proposals too: without
   * them the validity check would call every learned expire "never proposed".
   */
  private watchLeaderCommands(service: ReplicatedService<Cmd, Res>): ReplicatedService<Cmd, Res> {
    const inner = service.leaderTick;
    if (inner === undefined) return service;
    const generated = this.leaderGenerated;
    // A delegating object (not a subclass or prototype trick): the service keeps its own `this`.
    const wrapped: ReplicatedService<Cmd, Res> = {
      apply: (command, index) => service.apply(command, index),
      leaderTick: (nowMs) => {
        const cmds = inner.call(service, nowMs);
        for (const op of cmds) generated.push({ kind: 'cmd', command: { op } });
        return cmds;
      },
    };
    if (service.onLeadership) wrapped.onLeadership = (nowMs) => service.onLeadership?.(nowMs);
    if (service.afterApply) wrapped.afterApply = (c, r, i, nowMs) => service.afterApply?.(c, r, i, nowMs);
    if (service.queryLocal) wrapped.queryLocal = (c) => (service.queryLocal as (c: Cmd) => Res).call(service, c);
    if (service.snapshotState) wrapped.snapshotState = () => service.snapshotState?.();
    if (service.restoreSnapshot) wrapped.restoreSnapshot = (state) => service.restoreSnapshot?.(state);
    return wrapped;
  }

  private intern(value: LogValue<Cmd>): LogValue<Cmd> {
    const text = JSON.stringify(value);
    const known = this.interned.get(text);
    if (known !== undefined) return known;
    this.interned.set(text, value);
    return value;
  }

  private observe(node: NodeId, ev: PaxosEvent<Cmd>, incarnation: number): void {
    switch (ev.kind) {
      case 'learned':
        this.learned.push({ node, slot: ev.slot, value: this.intern(ev.value) });
        return;
      case 'applied': {
        const value = this.intern(ev.value);
        let values = this.applied.get(node);
        if (values === undefined) {
          values = [];
          this.applied.set(node, values);
        }
        const i = ev.slot - 1;
        const before = values[i];
        if (before === undefined) values[i] = value;
        else if (before !== value && canonicalJson(before) !== canonicalJson(value)) {
          const copy = values.slice(0, ev.slot);
          copy[i] = value;
          this.divergent[`${node}@${incarnation}`] = copy;
        }
        return;
      }
      case 'role':
        return;
      default:
        return unreachable(ev, 'paxos event');
    }
  }
}
