/**
 * Snapshot transfer, one role of a replica: serving a snapshot in chunks to a peer that
 * asked for slots below the log's floor, and assembling one a peer serves. Only the
 * transfer lives here (what is sent, what is kept between chunks); the replica decides
 * when to serve and what installing a finished snapshot means.
 */
import type { PaxosMsg, PaxosSnapshotState } from './types';

/**
 * Characters of snapshot JSON per `snapshot` message. JSON-escaping a string at most
 * sextuples it (a lone surrogate becomes \udxxx), so a chunk stays far below the 1 MiB frame.
 */
export const SNAPSHOT_CHUNK_CHARS = 128 * 1024;
/**
 * A snapshot whose JSON is longer than this is not taken (the log is kept instead): its
 * durable record must stay below the log's 64 MiB record limit even at 3 UTF-8 bytes a char.
 */
export const MAX_SNAPSHOT_CHARS = 16 * 1024 * 1024;

type SnapshotMsg = Extract<PaxosMsg<never>, { type: 'snapshot' }>;

/** What the replica's log says right now, for serving a chunk. */
export interface LogPosition {
  readonly floor: number;
  readonly appliedUpTo: number;
  readonly chosenUpTo: number;
}

/** What a received chunk led to. */
export type ChunkOutcome =
  | { readonly kind: 'ignored' }
  /** The last chunk arrived but the whole did not parse: the next catch-up starts afresh. */
  | { readonly kind: 'corrupt' }
  | { readonly kind: 'fetch'; readonly upTo: number; readonly offset: number }
  | { readonly kind: 'complete'; readonly upTo: number; readonly state: PaxosSnapshotState };

export class SnapshotTransfer {
  /** The snapshot served to peers below the floor, as JSON text (valid while upTo >= floor). */
  private outgoing: { readonly upTo: number; readonly text: string } | undefined;
  /** A snapshot being received chunk by chunk. */
  private incoming: { readonly upTo: number; readonly totalChars: number; text: string } | undefined;

  /** A served snapshot below a new floor can no longer be followed by entries: let it go. */
  forgetServedBelow(floor: number): void {
    if (this.outgoing !== undefined && this.outgoing.upTo < floor) this.outgoing = undefined;
  }

  /** This replica installed a snapshot itself: what it served before is stale. */
  forgetServed(): void {
    this.outgoing = undefined;
  }

  /**
   * Chunk `offset` of a snapshot. The served snapshot is kept while it is at or above the
   * floor (everything after it is still in the log), so a transfer is not restarted by
   * every new apply; a fetch for another snapshot restarts from chunk 0 of the current one.
   * Undefined when the service cannot snapshot.
   */
  chunk(log: LogPosition, snapshot: () => PaxosSnapshotState | undefined, upTo: number | undefined, offset: number): SnapshotMsg | undefined {
    let served = this.outgoing;
    if (served === undefined || served.upTo < log.floor) {
      const state = snapshot();
      if (state === undefined) return undefined;
      served = { upTo: log.appliedUpTo, text: JSON.stringify(state) };
      this.outgoing = served;
    }
    const start = upTo === served.upTo && offset >= 0 && offset <= served.text.length ? offset : 0;
    return {
      type: 'snapshot',
      upTo: served.upTo,
      chosenUpTo: log.chosenUpTo,
      offset: start,
      totalChars: served.text.length,
      data: served.text.slice(start, start + SNAPSHOT_CHUNK_CHARS),
    };
  }

  /** Takes a chunk a peer served; `appliedUpTo` is this replica's (an older snapshot is useless). */
  receive(msg: SnapshotMsg, appliedUpTo: number): ChunkOutcome {
    if (msg.upTo <= appliedUpTo) {
      this.incoming = undefined;
      return { kind: 'ignored' };
    }
    let incoming = this.incoming;
    if (msg.offset === 0) {
      // A repeated first chunk of the transfer under way (heartbeats re-ask) changes nothing.
      if (incoming === undefined || incoming.upTo !== msg.upTo) {
        incoming = { upTo: msg.upTo, totalChars: msg.totalChars, text: msg.data };
        this.incoming = incoming;
      }
    } else if (incoming !== undefined && incoming.upTo === msg.upTo && incoming.text.length === msg.offset) {
      incoming.text += msg.data;
    } else {
      return { kind: 'ignored' }; // a stale or out-of-order chunk: the next catch-up restarts the transfer
    }
    if (incoming.text.length < incoming.totalChars) return { kind: 'fetch', upTo: incoming.upTo, offset: incoming.text.length };
    this.incoming = undefined;
    let state: PaxosSnapshotState;
    try {
      state = JSON.parse(incoming.text) as PaxosSnapshotState;
    } catch {
      return { kind: 'corrupt' };
    }
    if (typeof state !== 'object' || state === null || !('service' in state) || !Array.isArray(state.sessions)) return { kind: 'corrupt' };
    return { kind: 'complete', upTo: incoming.upTo, state };
  }
}
