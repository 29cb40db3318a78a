/**
 * The replicated state behind the log: the service plus the client session table, applied
 * together in log order so that every replica agrees on which (client, seq) were applied.
 * A snapshot is exactly this object's state at `appliedUpTo` (snapshot/restore below).
 */
import type { ReplicatedService } from '../common/types';
import { unreachable } from '../common/unreachable';
import { SessionTable, type SessionLookup } from './sessions';
import type { LogValue, PaxosSnapshotState } from './types';

export type ApplyOutcome<Res> =
  /** Applied now, or applied before (a duplicate): `slot` is where it took effect. */
  | { readonly kind: 'result'; readonly result: Res; readonly slot: number }
  /** A duplicate too old to have its result cached: not applied again. */
  | { readonly kind: 'expired' }
  | { readonly kind: 'noop' };

export class SessionedStateMachine<Cmd, Res> {
  private readonly sessions = new SessionTable<Res>();

  constructor(private readonly service: ReplicatedService<Cmd, Res>) {}

  /** Applies one chosen value at `slot` (the caller guarantees log order). */
  apply(slot: number, value: LogValue<Cmd>, nowMs: number): ApplyOutcome<Res> {
    if (value.kind === 'noop') return { kind: 'noop' };
    const { client, seq, op } = value.command;
    const session = client !== undefined && seq !== undefined ? { client, seq } : undefined;
    if (session !== undefined) {
      const seen = this.sessions.lookup(session.client, session.seq);
      switch (seen.kind) {
        case 'applied':
          return { kind: 'result', result: seen.hit.result, slot: seen.hit.slot };
        case 'expired':
          return { kind: 'expired' };
        case 'new':
          break;
        default:
          return unreachable(seen, 'session lookup');
      }
    }
    const result = this.service.apply(op, slot);
    if (session !== undefined) this.sessions.record(session.client, session.seq, result, slot);
    this.service.afterApply?.(op, result, slot, nowMs);
    return { kind: 'result', result, slot };
  }

  /** Whether (client, seq) was applied already, as of the applied prefix. */
  lookup(client: string, seq: number): SessionLookup<Res> {
    return this.sessions.lookup(client, seq);
  }

  /** The replicated state as JSON; undefined when the service cannot snapshot. */
  snapshot(): PaxosSnapshotState | undefined {
    if (this.service.restoreSnapshot === undefined) return undefined;
    const service = this.service.snapshotState?.();
    if (service === undefined) return undefined;
    return { service, sessions: this.sessions.exportState() };
  }

  /** Replaces the service's state and the session table with a snapshot's. */
  restore(state: PaxosSnapshotState): void {
    if (this.service.restoreSnapshot === undefined) {
      throw new Error('cannot restore a Paxos snapshot: the service has no restoreSnapshot');
    }
    this.service.restoreSnapshot(state.service);
    this.sessions.importState(state.sessions);
  }
}
