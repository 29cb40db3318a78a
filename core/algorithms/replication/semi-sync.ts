/**
 * The primary's side of semi-synchronous replication (MySQL's rpl_semi_sync_source, the
 * AFTER_SYNC flavour): a write the primary stored is acknowledged to its coordinator only
 * once one backup has stored it durably (its `stored` record precedes its copy-ack). If no
 * backup answers within `timeoutMs`, the primary switches OFF: it acknowledges that write
 * and every later one alone and copies in the background, remembering which keys it is
 * ahead on. Once a backup holds every such write (it caught up), it switches back ON.
 *
 * Why reads ask N-1 replicas: while ON, an acknowledged write is durable on W = 2 of the
 * key's N home replicas, and a read that takes the newest of N-1 answers meets one of them
 * (2 + N-1 > N), so one node may die (or be cut off) without a read missing a synchronously
 * acknowledged write. While OFF, W = 1: the primary alone holds what it acknowledged, and
 * if it dies before its background copies land, those writes are lost to readers.
 *
 * The primary state is volatile on purpose: a restarted node starts ON with nothing
 * pending, and copies it had not sent are gone (MySQL loses them the same way).
 */
import { invariant } from '../common/invariant';
import type { NodeId } from '../common/types';
import type { ReplEvent, ReplMsg, ReplRecord, ReplReply, Version, Versioned } from './types';
import type { Ready } from '../common/types';
import { compareVersions } from './version';

type ReplReady = Ready<ReplMsg, ReplRecord, ReplReply, ReplEvent>;

/** What the semi-sync primary needs from the replica it runs in. */
export interface SemiSyncHost {
  /** The key's home replicas other than this node. */
  backupsOf(key: string): NodeId[];
  /** What this node stores for `key` as a home replica. */
  stored(key: string): Versioned | null;
  /**
   * Issues a version above `above` (and above anything issued for the key) for the write
   * `rid`, and stores it locally; both records go into `r` before any message.
   */
  reissue(rid: string, key: string, value: unknown, above: Version, r: ReplReady): Version;
  /** Sends (or delivers locally) the put-ack of `rid` to its coordinator. */
  ackPut(coordinator: NodeId, rid: string, key: string, version: Version, alone: boolean, r: ReplReady): void;
}

/** A write the primary stored and holds the ack of until a backup has it. */
interface Waiting {
  readonly key: string;
  readonly value: unknown;
  version: Version;
  coordinator: NodeId;
  readonly sinceMs: number;
}

/** Acks already given, re-sent to retried puts (bounded: retries come within an op timeout). */
const REMEMBERED_ACKS = 4096;

export class SemiSyncPrimary {
  private readonly waiting = new Map<string, Waiting>();
  private readonly acked = new Map<string, { key: string; version: Version; alone: boolean }>();
  /** OFF only: key -> the newest version acknowledged alone that no backup has confirmed. */
  private readonly ahead = new Map<string, Version>();
  private off = false;

  constructor(
    private readonly host: SemiSyncHost,
    private readonly timeoutMs: number,
  ) {
    invariant(timeoutMs > 0, () => `semiSyncTimeoutMs must be positive, got ${timeoutMs}`);
  }

  /** True while the primary acknowledges alone (fallback to async). */
  get fallback(): boolean {
    return this.off;
  }

  /** Writes stored here whose ack waits for a backup. */
  get waitingCount(): number {
    return this.waiting.size;
  }

  /** Keys on which this node acknowledged a write that no backup confirmed yet. */
  aheadKeys(): string[] {
    return [...this.ahead.keys()];
  }

  /**
   * The primary stored `key`@`version` for the put `rid` from `coordinator` (or this is a
   * retry of that put). Acknowledges now when OFF, else once a backup confirms.
   */
  onStored(rid: string, coordinator: NodeId, key: string, value: unknown, version: Version, nowMs: number, r: ReplReady): void {
    const given = this.acked.get(rid);
    if (given) return this.host.ackPut(coordinator, rid, given.key, given.version, given.alone, r);
    const w = this.waiting.get(rid);
    if (w) {
      w.coordinator = coordinator; // the copies are re-sent by retry()
      return;
    }
    const backups = this.host.backupsOf(key);
    if (this.off || backups.length === 0) return this.ackAlone(rid, coordinator, key, { version, value }, r);
    this.waiting.set(rid, { key, value, version, coordinator, sinceMs: nowMs });
    this.sendCopies(key, { version, value }, backups, r);
  }

  /** A backup durably holds `held` for `key` (the same version it was sent, or newer). */
  onBackupAck(from: NodeId, key: string, held: Version, r: ReplReady): void {
    for (const [rid, w] of [...this.waiting]) {
      if (w.key !== key) continue;
      const c = compareVersions(held, w.version);
      if (c === 0) {
        this.waiting.delete(rid);
        this.ack(rid, w.coordinator, key, w.version, false, r);
      } else if (c > 0) {
        // The backup holds a newer version (another primary wrote while this one was away,
        // or this primary was behind): ours would be overwritten there, so write above it.
        w.version = this.host.reissue(rid, key, w.value, held, r);
        this.sendCopies(key, { version: w.version, value: w.value }, this.host.backupsOf(key), r);
      }
    }
    const ahead = this.ahead.get(key);
    if (ahead && compareVersions(held, ahead) >= 0) this.ahead.delete(key);
    if (this.off && this.ahead.size === 0) {
      this.off = false;
      r.events.push({ type: 'semi-sync-on', caughtUp: from });
    }
  }

  /** Falls back once the oldest waiting write has waited `timeoutMs` for a backup. */
  onTick(nowMs: number, r: ReplReady): void {
    let expired: [string, Waiting] | undefined;
    for (const entry of this.waiting) if (nowMs - entry[1].sinceMs >= this.timeoutMs) (expired ??= entry);
    if (!expired) return;
    const [, first] = expired;
    this.off = true;
    r.events.push({ type: 'semi-sync-off', key: first.key, version: first.version, waitedMs: nowMs - first.sinceMs });
    // Switched OFF for every write, as MySQL does: none of the waiting ones waits any longer.
    for (const [rid, w] of [...this.waiting]) {
      this.waiting.delete(rid);
      this.ackAlone(rid, w.coordinator, w.key, { version: w.version, value: w.value }, r);
    }
  }

  /** Re-sends what backups have not confirmed: waiting writes, and the keys it is ahead on. */
  retry(r: ReplReady): void {
    for (const w of this.waiting.values()) this.sendCopies(w.key, { version: w.version, value: w.value }, this.host.backupsOf(w.key), r);
    for (const key of this.ahead.keys()) {
      const stored = this.host.stored(key);
      if (stored) this.sendCopies(key, stored, this.host.backupsOf(key), r);
    }
  }

  private ackAlone(rid: string, coordinator: NodeId, key: string, write: Versioned, r: ReplReady): void {
    const version = write.version;
    // Alone only when switched OFF, or when the key has no backup at all (N = 1).
    invariant(this.off || this.host.backupsOf(key).length === 0, () => `semi-sync primary acknowledged ${key} alone while ON`);
    const before = this.ahead.get(key);
    if (!before || compareVersions(version, before) > 0) this.ahead.set(key, version);
    if (!this.off) {
      // No backup at all (N = 1): nothing to wait for and nothing to catch up.
      this.ahead.delete(key);
    } else {
      // The background copy (MySQL's binlog keeps streaming while OFF).
      this.sendCopies(key, write, this.host.backupsOf(key), r);
    }
    this.ack(rid, coordinator, key, version, true, r);
  }

  private ack(rid: string, coordinator: NodeId, key: string, version: Version, alone: boolean, r: ReplReady): void {
    // The primary acknowledges only a version its own replica holds (its record is durable first).
    const held = this.host.stored(key);
    invariant(held !== null && compareVersions(held.version, version) >= 0, () => `semi-sync primary acknowledged ${key} at ${JSON.stringify(version)} holding ${JSON.stringify(held?.version)}`);
    this.acked.set(rid, { key, version, alone });
    if (this.acked.size > REMEMBERED_ACKS) {
      const oldest = this.acked.keys().next().value;
      if (oldest !== undefined) this.acked.delete(oldest);
    }
    this.host.ackPut(coordinator, rid, key, version, alone, r);
  }

  private sendCopies(key: string, stored: Versioned, backups: readonly NodeId[], r: ReplReady): void {
    for (const to of backups) r.send.push({ to, msg: { type: 'copy', reason: 'semi-sync', key, stored } });
  }
}
