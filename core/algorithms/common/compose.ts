/**
 * Composition: one node runs several protocols (Paxos, replication, 2PC) as one Machine,
 * and one Paxos log serves several deterministic services (locks, key-value, membership,
 * transaction decisions). Hosts then deal with exactly one machine and one log per node.
 */
import type { Input, Machine, NodeId, Ready, ReplicatedService } from './types';
import { unreachable } from './unreachable';

/** A value that belongs to one named part of a composite. */
export interface Tagged<T = unknown> {
  readonly part: string;
  readonly body: T;
}

// Parts are heterogeneous; the composite only routes, so it sees them as opaque.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyMachine = Machine<any, any, any, any, any>;

export type ComposedReady = Ready<Tagged, Tagged, Tagged, Tagged>;

/** The event a composite emits when asked to route to a part it does not host. */
export interface UnknownPartEvent {
  readonly kind: 'unknown-part';
  readonly part: string;
  readonly input: 'message' | 'request';
}

export class ComposedMachine implements Machine<Tagged, Tagged, Tagged, Tagged, Tagged> {
  private readonly parts: ReadonlyMap<string, AnyMachine>;

  constructor(
    readonly id: NodeId,
    parts: Readonly<Record<string, AnyMachine>>,
  ) {
    this.parts = new Map(Object.entries(parts));
  }

  /** The part called `name`, for status views (the caller knows its type). */
  part<M extends AnyMachine>(name: string): M {
    const p = this.parts.get(name);
    if (!p) throw new Error(`no part "${name}" on ${this.id}; parts: ${[...this.parts.keys()].join(', ')}`);
    return p as M;
  }

  /** The parts' names, in the order they step on a tick. */
  partNames(): string[] {
    return [...this.parts.keys()];
  }

  step(input: Input<Tagged, Tagged>): ComposedReady {
    const out: ComposedReady = { persist: [], send: [], replies: [], events: [] };
    switch (input.kind) {
      case 'tick':
        for (const [name, m] of this.parts) wrapInto(out, name, m.step(input));
        return out;
      case 'message':
      case 'request': {
        const tagged = input.kind === 'message' ? input.msg : input.request;
        const m = this.parts.get(tagged.part);
        if (!m) {
          // Bad input changes nothing; it is reported, not thrown, so one stray frame
          // cannot take a node down.
          const ev: UnknownPartEvent = { kind: 'unknown-part', part: tagged.part, input: input.kind };
          out.events.push({ part: '', body: ev });
          return out;
        }
        const inner: Input<unknown, unknown> =
          input.kind === 'message'
            ? { kind: 'message', from: input.from, msg: tagged.body, nowMs: input.nowMs }
            : { kind: 'request', request: tagged.body, nowMs: input.nowMs };
        wrapInto(out, tagged.part, m.step(inner));
        return out;
      }
      default:
        return unreachable(input, 'input');
    }
  }
}

function wrapInto(out: ComposedReady, part: string, r: Ready<unknown, unknown, unknown, unknown>): void {
  for (const rec of r.persist) out.persist.push({ part, body: rec });
  for (const e of r.send) out.send.push({ to: e.to, msg: { part, body: e.msg } });
  for (const rep of r.replies) out.replies.push({ part, body: rep });
  for (const ev of r.events) out.events.push({ part, body: ev });
}

/** Splits a composite's durable records back into each part's own, in order. */
export function recordsByPart(records: readonly Tagged[]): Map<string, unknown[]> {
  const byPart = new Map<string, unknown[]>();
  for (const r of records) {
    let list = byPart.get(r.part);
    if (!list) byPart.set(r.part, (list = []));
    list.push(r.body);
  }
  return byPart;
}

/** A command for one of the services behind a ServiceMux. */
export interface ServiceCommand {
  readonly service: string;
  readonly cmd: unknown;
}

export interface UnknownServiceResult {
  readonly ok: false;
  readonly code: 'UNKNOWN_SERVICE';
  readonly message: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyService = ReplicatedService<any, any>;

/**
 * Several deterministic services behind one Paxos log. Log indices are shared, so a
 * service that uses the index (fencing tokens) still gets a strictly increasing number.
 */
export class ServiceMux implements ReplicatedService<ServiceCommand, unknown> {
  private readonly services: ReadonlyMap<string, AnyService>;

  constructor(services: Readonly<Record<string, AnyService>>) {
    this.services = new Map(Object.entries(services));
  }

  service<S extends AnyService>(name: string): S {
    const s = this.services.get(name);
    if (!s) throw new Error(`no service "${name}"; services: ${[...this.services.keys()].join(', ')}`);
    return s as S;
  }

  private unknown(c: ServiceCommand): UnknownServiceResult {
    return {
      ok: false,
      code: 'UNKNOWN_SERVICE',
      message: `no service "${c.service}" (known: ${[...this.services.keys()].join(', ')})`,
    };
  }

  apply(c: ServiceCommand, index: number): unknown {
    const s = this.services.get(c.service);
    // Deterministic on every replica: the same unknown name gets the same refusal.
    return s ? s.apply(c.cmd, index) : this.unknown(c);
  }

  leaderTick(nowMs: number): ServiceCommand[] {
    const out: ServiceCommand[] = [];
    for (const [service, s] of this.services) {
      for (const cmd of s.leaderTick?.(nowMs) ?? []) out.push({ service, cmd });
    }
    return out;
  }

  onLeadership(nowMs: number): void {
    for (const s of this.services.values()) s.onLeadership?.(nowMs);
  }

  afterApply(c: ServiceCommand, result: unknown, index: number, nowMs: number): void {
    this.services.get(c.service)?.afterApply?.(c.cmd, result, index, nowMs);
  }

  /** One entry per service; undefined when any service cannot snapshot (so none is taken). */
  snapshotState(): Record<string, unknown> | undefined {
    const out: Record<string, unknown> = {};
    for (const [name, s] of this.services) {
      const state = s.restoreSnapshot === undefined ? undefined : s.snapshotState?.();
      if (state === undefined) return undefined;
      out[name] = state;
    }
    return out;
  }

  restoreSnapshot(state: unknown): void {
    if (typeof state !== 'object' || state === null) {
      throw new Error(`service mux snapshot must be an object keyed by service, got ${JSON.stringify(state)}`);
    }
    const byName = state as Record<string, unknown>;
    for (const [name, s] of this.services) {
      if (!(name in byName)) throw new Error(`service mux snapshot has no state for service "${name}" (has: ${Object.keys(byName).join(', ')})`);
      s.restoreSnapshot?.(byName[name]);
    }
  }

  queryLocal(c: ServiceCommand): unknown {
    const s = this.services.get(c.service);
    if (!s) return this.unknown(c);
    if (!s.queryLocal) return { ok: false, code: 'UNSUPPORTED', message: `service "${c.service}" has no local queries` };
    return s.queryLocal(c.cmd);
  }
}
