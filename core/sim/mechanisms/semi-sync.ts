/**
 * Semi-synchronous replication in the simulator: its judge and its failure scenario.
 *
 * The judge is "acknowledged write lost", not the register checker. Semi-sync reads take
 * the newest of N-1 replicas without writing back, so two overlapping reads can disagree
 * (not linearizable, and semi-sync never promised it); and under last-writer-wins a write
 * a fallen-back primary acknowledged alone on one side of a partition may carry a higher
 * version than a later synchronous write on the other side, which then never shows: a
 * value-based judge would blame the synchronous write for what the fallback did. So the
 * judge works on VERSIONS, which the replies carry (history `result.version`), and on the
 * real-time order of acknowledgements:
 *
 *   a write W is lost when a read that began after W was acknowledged returned a version
 *   below W's (or nothing at all), or the value of a write acknowledged before W began
 *   (which carried a higher version than W: W was silently overwritten by an older write).
 *
 * Each lost write is marked by how it was acknowledged: `alone` (the primary had fallen
 * back, no backup had it) or synchronously (a backup had it durably). Semi-sync promises
 * the second never happens while at most one of a key's replicas is away; the first is
 * the mode's known failure, which the `semi-sync-loss` scenario shows on every seed.
 */
import { compareVersions, formatVersion, type ReplEvent, type ReplReply, type Version } from '../../algorithms/replication';
import type { NodeId } from '../../algorithms/common/types';
import { HashRing } from '../../algorithms/ring';
import { canonicalJson } from '../../check/canonical';
import { invalidVerdict, validVerdict, type Verdict } from '../../check/verdict';
import { completedOps, type SimHistoryOp } from '../history';
import type { NemesisOptions, ScriptContext } from '../nemesis';
import type { OpEnd } from '../client-pool';

/** What a semi-sync run records in the history's `result` of an ok read or write. */
export interface AckResult {
  readonly version: Version | null;
  /** A write its primary acknowledged alone (fallback). */
  readonly alone?: true;
}

export function ackResult(reply: Extract<ReplReply, { ok: true }>): AckResult {
  return { version: reply.version ?? null, ...(reply.alone ? { alone: reply.alone } : {}) };
}

export interface LostWrite {
  readonly key: string;
  readonly write: { process: number | string; value: unknown; version: string; alone: boolean; okAtNs: number };
  readonly read: { process: number | string; value: unknown; version: string | null; invokedAtNs: number };
}

export interface LostWrites {
  /** Up to `limit` examples, synchronously acknowledged ones first. */
  readonly examples: LostWrite[];
  /** Reads that missed a write acknowledged synchronously before they began. */
  readonly syncLost: number;
  /** Reads that missed only writes acknowledged alone (fallback). */
  readonly aloneLost: number;
  /**
   * Reads that missed only synchronously acknowledged writes overwritten by an older write
   * that was acknowledged alone with a higher version (a primary in fallback on the other
   * side of a split): the fallback's doing, counted apart.
   */
  readonly syncOverwrittenByAlone: number;
  readonly readsChecked: number;
  readonly syncWrites: number;
  readonly aloneWrites: number;
}

interface Done {
  process: number | string;
  f: string;
  key: string;
  value: unknown;
  invokedAtNs: number;
  okAtNs: number;
  version: Version | null;
  alone: boolean;
}

function asAck(result: unknown): AckResult | undefined {
  if (typeof result !== 'object' || result === null || !('version' in result)) return undefined;
  return result as AckResult;
}

/** Finds reads that returned a version below a write acknowledged before they began. */
export function findLostWrites(ops: readonly SimHistoryOp[], limit = 5): LostWrites {
  const writesByKey = new Map<string, Done[]>();
  const reads: Done[] = [];
  for (const op of completedOps(ops)) {
    const ack = asAck(op.result);
    if (!ack) continue;
    const d: Done = { process: op.process, f: op.f, key: op.key, value: op.value, invokedAtNs: op.invokedAtNs, okAtNs: op.okAtNs, version: ack.version, alone: ack.alone === true };
    if (op.f === 'read') reads.push(d);
    else if (op.f === 'write' && d.version) {
      const list = writesByKey.get(d.key) ?? [];
      list.push(d);
      writesByKey.set(d.key, list);
    }
  }
  const all = [...writesByKey.values()].flat();
  // Values are unique per write: the write whose value a read returned.
  const byValue = new Map(all.map((w) => [`${w.key}\u0000${canonicalJson(w.value)}`, w]));
  const found = { sync: [] as LostWrite[], alone: [] as LostWrite[] };
  let syncLost = 0;
  let aloneLost = 0;
  let syncOverwrittenByAlone = 0;
  for (const read of reads) {
    let missedSync: Done | undefined;
    let missedAlone: Done | undefined;
    let overwritten: Done | undefined;
    const returned = byValue.get(`${read.key}\u0000${canonicalJson(read.value)}`);
    for (const w of writesByKey.get(read.key) ?? []) {
      if (w.okAtNs >= read.invokedAtNs || !w.version) continue;
      const lowerVersion = !read.version || compareVersions(read.version, w.version) < 0;
      // Or the value of a write acknowledged before this one began (it carried a higher version).
      const olderValue = returned !== undefined && returned !== w && returned.okAtNs < w.invokedAtNs;
      if (!lowerVersion && !olderValue) continue;
      if (w.alone) missedAlone ??= w;
      else if (!lowerVersion && returned?.alone === true) overwritten ??= w;
      else missedSync ??= w;
    }
    const missed = missedSync ?? missedAlone ?? overwritten;
    if (!missed) continue;
    if (missedSync) syncLost++;
    else if (missedAlone) aloneLost++;
    else syncOverwrittenByAlone++;
    const list = missedSync ? found.sync : found.alone;
    if (list.length < limit) {
      list.push({
        key: read.key,
        write: { process: missed.process, value: missed.value, version: formatVersion(missed.version as Version), alone: missed.alone, okAtNs: missed.okAtNs },
        read: { process: read.process, value: read.value, version: read.version ? formatVersion(read.version) : null, invokedAtNs: read.invokedAtNs },
      });
    }
  }
  return {
    examples: [...found.sync, ...found.alone].slice(0, limit),
    syncLost,
    aloneLost,
    syncOverwrittenByAlone,
    readsChecked: reads.length,
    syncWrites: all.filter((w) => !w.alone).length,
    aloneWrites: all.filter((w) => w.alone).length,
  };
}

export const LOST_WRITE_MODEL = 'acknowledged write lost';

export function lostWritesVerdict(found: LostWrites): Verdict {
  const stats = {
    readsChecked: found.readsChecked,
    syncWrites: found.syncWrites,
    aloneWrites: found.aloneWrites,
    syncLost: found.syncLost,
    aloneLost: found.aloneLost,
    syncOverwrittenByAlone: found.syncOverwrittenByAlone,
  };
  const first = found.examples[0];
  if (!first) {
    return validVerdict(
      LOST_WRITE_MODEL,
      `No read missed an acknowledged write: ${found.readsChecked} reads each returned a version at least as new as every write acknowledged before they began (${found.syncWrites} writes acknowledged with a backup, ${found.aloneWrites} by a primary alone).`,
      stats,
    );
  }
  const how = first.write.alone
    ? 'acknowledged by its primary ALONE (semi-sync had fallen back: no backup had it)'
    : 'acknowledged SYNCHRONOUSLY (a backup had it durably)';
  return invalidVerdict(
    LOST_WRITE_MODEL,
    `${found.syncLost + found.aloneLost + found.syncOverwrittenByAlone} read(s) missed a write acknowledged before they began (${found.syncLost} of them a synchronously acknowledged write, ${found.aloneLost} only writes acknowledged alone, ${found.syncOverwrittenByAlone} a synchronous write overwritten by an older one acknowledged alone): ` +
      `on ${first.key}, write ${JSON.stringify(first.write.value)} (version ${first.write.version}) was ${how}, then a read returned ${JSON.stringify(first.read.value)} (version ${first.read.version ?? 'none'}).`,
    found.examples,
    stats,
  );
}

/**
 * How many writes of the key the primary acknowledges alone before it dies. More than one:
 * the backups' next writes get versions above what they hold, so the lost writes stay
 * visibly missing (a read returns a lower version) only until the backups have taken as
 * many writes as the primary acknowledged alone; a few give the readers time to notice.
 */
const ALONE_WRITES = 2;

/** The scenario's own read of the struck key: a client read the mechanism records (process OBSERVER_PROCESS). */
export type ObserverRead = (key: string, coordinator: NodeId, done: (end: OpEnd) => void) => void;

/** How long the scenario waits before it reads the struck key again after a failed read (virtual ms). */
const OBSERVER_RETRY_MS = 20;

/** How many times the scenario waits MAX_AWAY_MS for a first write acknowledged alone. */
const MAX_WAITS = 3;

/** The longest the scenario keeps a key's backups away waiting for its primary to acknowledge alone (virtual ms). */
const MAX_AWAY_MS = 3000;

/**
 * `semi-sync-loss`: again and again, take one key's two backups down: the primary's copies
 * are lost and no ack comes, so after the semi-sync timeout it falls back and acknowledges
 * writes alone. (Down, the backups take no writes as stand-in primaries, and no read of
 * the key gets the N-1 answers it needs, so none copies the primary's writes to them by
 * read repair.) Once the primary has stored and acknowledged a few writes of that key
 * alone (it had switched OFF), it crashes, and the backups come back
 * right after, too late for the copies it had not got through: they serve the
 * key without that write. From the crash the clients' writes of that key are held (turned
 * into reads), and the scenario reads the key itself through a returning backup: the read
 * misses an acknowledged write. Then clients may write the key again. The primary comes
 * back after a while (its own disk still has the write) and the next round picks a key.
 * (Without the hold and the read, seed 1024 showed nothing in 4 rounds and 18 writes
 * acknowledged alone: every client read of the struck key while its primary was down
 * failed, and what followed hid the loss: four writes through a backup standing in as
 * primary, counting versions on from its older copy, overtook the lost ones; or the old
 * primary came back with them on disk and wrote above them.) (Backups that were only paused would, once resumed, first run the client requests
 * queued while they stood still, and a write among them could supersede the lost one
 * before any read noticed; down, they lose those requests as a crashed process does.)
 *
 * It watches the nodes' events (semi-sync-off/on, stored) to strike at the right step, so
 * the mechanism passes them on through `observe`; the mechanism asks `holds` before a
 * client writes and gives it a reader (`attachReader`) that records its reads as process -1.
 */
export class SemiSyncLoss {
  /** The round in progress until its primary is struck. */
  private armed:
    | { primary: NodeId; key: string; backups: NodeId[]; round: number; off: boolean; alone: number }
    | undefined;
  private rounds = 0;
  private world: ScriptContext['world'] | undefined;
  private strikeNow: ((why: string) => void) | undefined;
  /** The struck key, from the primary's crash until a read has come back from its returning backups. */
  private held: string | undefined;
  private reader: ObserverRead | undefined;

  constructor(private readonly keys: readonly string[]) {}

  /** How the scenario reads a key itself, through a coordinator it picks (the mechanism records it in the history). */
  attachReader(read: ObserverRead): void {
    this.reader = read;
  }

  /**
   * Whether clients must not write `key` now. From the strike until a read has seen the
   * returning backups, the clients' writes of the struck key are turned into reads: a write
   * through a backup standing in as primary would take a version above the lost ones (it
   * counts on from the backup's older copy: a few such writes overtake them) before any
   * read looked, and the loss would never show (seed 1024: four writes, no read).
   */
  holds(key: string): boolean {
    return this.held === key;
  }

  /** A scenario like those of core/sim/scenarios (not imported: the demonstrations registry imports this file). */
  scenario(): { readonly summary: string; readonly nemesis: Partial<NemesisOptions> } {
    return {
      summary:
        "semi-sync: a key's backups go down until its primary falls back and acknowledges writes alone; then the primary crashes as the backups come back, and they serve the key without those writes (an acknowledged write is lost on every seed)",
      nemesis: { faults: new Set(), script: (ctx) => this.run(ctx) },
    };
  }

  /** A node's replication event (the mechanism's world onEvent). */
  observe(node: NodeId, event: ReplEvent): void {
    const a = this.armed;
    if (!a || node !== a.primary) return;
    if (event.type === 'semi-sync-on') a.off = false;
    if (event.type === 'semi-sync-off') a.off = true;
    // A write stored while OFF is acknowledged in the same step, before any read could see
    // it. (Not the writes released by the switch itself: they waited, visible to reads,
    // and a read that saw one may still finish once the backups are back and repair them.)
    const storedAlone = event.type === 'stored' && a.off && event.hintFor === undefined && event.key === a.key;
    if (storedAlone && ++a.alone === ALONE_WRITES) this.world?.after(0, () => this.strikeNow?.(`right after acknowledging ${ALONE_WRITES} writes of ${a.key} alone`));
  }

  private run(ctx: ScriptContext): void {
    const w = ctx.world;
    this.world = w;
    const ring = new HashRing();
    for (const n of w.nodeIds) ring.add(n);
    const strike = (round: number, why: string): void => {
      const a = this.armed;
      if (!a || a.round !== round) return;
      this.armed = undefined;
      w.crash(a.primary);
      this.held = a.key;
      w.timeline.record(w.now, 'crash', `semi-sync-loss: primary ${a.primary} crashed ${why}`);
      // The backups come back once the copies it had in flight are surely gone (a message to
      // a node that is down is lost; one arriving after its restart would land), and so are
      // the acknowledgements (the read below begins after every write acknowledged alone).
      const inFlightMs = w.network.config.maxDelayMs + w.network.config.longDelayMs;
      w.after(inFlightMs, () => {
        for (const b of a.backups) if (w.status(b) === 'down') w.restart(b);
        w.timeline.record(w.now, 'restart', `semi-sync-loss: ${a.key}'s backups ${a.backups.join(',')} back; a read of ${a.key} through ${a.backups[0]} before any write`);
        lookAt(a.key, a.backups[0] as NodeId);
      });
      w.after(800 + ctx.prng.next() * 400, () => {
        // The old primary returns with the lost writes on its disk: no longer a loss to look for.
        if (this.held === a.key) this.held = undefined;
        w.restart(a.primary);
        w.after(200 + ctx.prng.next() * 200, round_);
      });
    };
    // Reads `key` through `coordinator` (a returning backup: the old primary is down, so
    // the read's N-1 answers come from the backups) until one succeeds, then lets clients
    // write the key again. Semi-sync reads write nothing back: the read changes nothing.
    const lookAt = (key: string, coordinator: NodeId): void => {
      if (this.held !== key || !this.reader) return;
      this.reader(key, coordinator, (end) => {
        if (end === 'ok') {
          if (this.held === key) this.held = undefined;
        } else w.after(OBSERVER_RETRY_MS, () => lookAt(key, coordinator));
      });
    };
    const round_ = (): void => {
      if (ctx.stopped()) return;
      const key = ctx.prng.pick([...this.keys]);
      const [primary, ...backups] = ring.preferenceList(key, 3) as [NodeId, ...NodeId[]];
      for (const b of backups) w.crash(b);
      w.timeline.record(w.now, 'crash', `semi-sync-loss: ${key}'s backups ${backups.join(',')} down; its primary ${primary} gets no ack`);
      const round = ++this.rounds;
      this.armed = { primary, key, backups, round, off: false, alone: 0 };
      this.strikeNow = (why) => strike(round, why);
      // Few clients may reach the primary while its backups are down: wait on until it
      // acknowledged a write alone (a primary that never falls back is struck all the same).
      let waits = 0;
      const deadline = (): void => {
        if (this.armed?.round !== round) return;
        if (this.armed.alone === 0 && ++waits < MAX_WAITS && !ctx.stopped()) return void w.after(MAX_AWAY_MS, deadline);
        strike(round, `after acknowledging ${this.armed.alone} write(s) of ${key} alone`);
      };
      w.after(MAX_AWAY_MS, deadline);
    };
    w.after(100 + ctx.prng.next() * 200, round_);
  }
}
