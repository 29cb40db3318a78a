/**
 * The client session table: part of the REPLICATED state, updated only while applying the
 * log in order, so every replica agrees on which (client, seq) pairs were applied. A client
 * retrying a command after a timeout or a leader change gets the cached result instead of
 * a second application (at-most-once).
 *
 * Each client keeps the results of its last `windowPerClient` applied seqs (so a client may
 * pipeline that many commands). Older seqs fall below the client's `floor`: they are never
 * applied again, but their result is gone (SESSION_EXPIRED).
 *
 * A snapshot carries this table together with the service state (exportState/importState).
 */
import type { SessionSnapshotEntry } from './types';

export interface SessionHit<Res> {
  readonly result: Res;
  readonly slot: number;
}

export type SessionLookup<Res> =
  | { readonly kind: 'new' }
  | { readonly kind: 'applied'; readonly hit: SessionHit<Res> }
  | { readonly kind: 'expired' };

interface ClientSession<Res> {
  /** Every seq below this is treated as applied long ago. */
  floor: number;
  /** Insertion order = apply order, so the first key is the oldest to evict. */
  readonly recent: Map<number, SessionHit<Res>>;
}

export const DEFAULT_SESSION_WINDOW = 64;

export class SessionTable<Res> {
  private readonly clients = new Map<string, ClientSession<Res>>();

  constructor(private readonly windowPerClient = DEFAULT_SESSION_WINDOW) {}

  lookup(client: string, seq: number): SessionLookup<Res> {
    const session = this.clients.get(client);
    if (session === undefined) return { kind: 'new' };
    const hit = session.recent.get(seq);
    if (hit !== undefined) return { kind: 'applied', hit };
    return seq < session.floor ? { kind: 'expired' } : { kind: 'new' };
  }

  record(client: string, seq: number, result: Res, slot: number): void {
    let session = this.clients.get(client);
    if (session === undefined) {
      session = { floor: 0, recent: new Map() };
      this.clients.set(client, session);
    }
    session.recent.set(seq, { result, slot });
    if (session.recent.size > this.windowPerClient) {
      const oldest = session.recent.keys().next().value as number;
      session.recent.delete(oldest);
      session.floor = Math.max(session.floor, oldest + 1);
    }
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /** The table as JSON, in insertion order (so eviction order survives a restore). */
  exportState(): SessionSnapshotEntry[] {
    return [...this.clients].map(([client, s]) => ({
      client,
      floor: s.floor,
      recent: [...s.recent].map(([seq, hit]) => ({ seq, slot: hit.slot, result: hit.result })),
    }));
  }

  /** Replaces the whole table with one exportState() gave. */
  importState(entries: readonly SessionSnapshotEntry[]): void {
    if (!Array.isArray(entries as unknown)) throw new Error(`session snapshot must be an array, got ${JSON.stringify(entries)?.slice(0, 200)}`);
    this.clients.clear();
    for (const e of entries) {
      this.clients.set(e.client, {
        floor: e.floor,
        recent: new Map(e.recent.map((r) => [r.seq, { result: r.result as Res, slot: r.slot }])),
      });
    }
  }
}
