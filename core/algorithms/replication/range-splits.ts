/**
 * Range placement inside a replica (`placement: 'range'`): which range table the node
 * places keys with, and when it asks for a split.
 *
 * The split rule, deterministic and the same everywhere: a range's leaseholder (its first
 * owner) counts the keys it stores in that range; past `splitKeys` it asks every member
 * for a split at the median key (`split-wanted`), again every `askEveryMs` until a table
 * with that split arrives. The node never splits on its own: the table changes only when
 * the configuration sequence (the Paxos log in the real cluster, the simulator's one
 * sequence in `faultline sim`) hands every node the same new table, so nodes never
 * disagree about ranges. A split keeps the replica set (placement/range-map.ts), so a node
 * that has not heard of a split yet still asks the right replicas.
 */
import { Deadline } from '../common/deadline';
import type { NodeId, Ready } from '../common/types';
import { RangeMap, rangeIndex, splitPointFor, type RangeTable } from '../placement/range-map';
import type { ReplEvent, ReplMsg, ReplRecord, ReplReply } from './types';

type ReplReady = Ready<ReplMsg, ReplRecord, ReplReply, ReplEvent>;

export const RANGE_DEFAULTS = {
  /** A range whose leaseholder stores more keys than this asks for a split. */
  splitKeys: 64,
  /** How often a leaseholder counts its ranges' keys. */
  checkEveryMs: 200,
  /** How often it repeats an unanswered split request. */
  askEveryMs: 1000,
} as const;

export class RangeSplits {
  private readonly checkTimer = new Deadline();
  /** Split point -> when it was last asked for. */
  private readonly asked = new Map<string, number>();

  constructor(
    private readonly id: NodeId,
    private readonly splitKeys: number,
  ) {
    if (!Number.isInteger(splitKeys) || splitKeys < 1) throw new Error(`splitKeys must be a positive integer, got ${splitKeys}`);
  }

  /** On a tick: asks for the splits this node's ranges need (as their leaseholder). */
  onTick(nowMs: number, map: RangeMap, storedKeys: readonly string[], members: readonly NodeId[], r: ReplReady): void {
    if (this.checkTimer.armed && !this.checkTimer.fire(nowMs)) return;
    this.checkTimer.set(nowMs, RANGE_DEFAULTS.checkEveryMs);
    const table = map.table;
    const byRange = new Map<number, string[]>();
    for (const key of storedKeys) {
      const i = rangeIndex(table, key);
      if (table.ranges[i]?.owners[0] !== this.id) continue;
      let keys = byRange.get(i);
      if (!keys) byRange.set(i, (keys = []));
      keys.push(key);
    }
    for (const [i, keys] of byRange) {
      const start = table.ranges[i]?.start ?? '';
      const at = splitPointFor(start, keys, this.splitKeys);
      if (at === undefined) continue;
      const last = this.asked.get(at);
      if (last !== undefined && nowMs - last < RANGE_DEFAULTS.askEveryMs) continue;
      this.asked.set(at, nowMs);
      r.events.push({ type: 'split-wanted', at, range: start, keys: keys.length, from: this.id });
      for (const m of members) if (m !== this.id) r.send.push({ to: m, msg: { type: 'split-wanted', at, range: start, keys: keys.length } });
    }
  }

  /** A new table arrived: forget requests it answered. */
  applied(table: RangeTable): void {
    for (const at of this.asked.keys()) if (table.ranges[rangeIndex(table, at)]?.start === at) this.asked.delete(at);
  }
}

