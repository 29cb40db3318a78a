/**
 * Range placement in `faultline run`'s report: the range table the nodes ended with (the
 * newest any node reports), its splits and each range's bounds and owners, so a run shows
 * that and where its ranges split.
 */
import { readFile } from 'node:fs/promises';
import { RangeMap } from '../../algorithms/placement';
import { parseHistory } from '../../check/history';
import type { NodeRangesStatus } from '../../protocol/panel';

/** The newest range table among node statuses (each `status.ring.ranges`), or undefined under hashing. */
export function newestRanges(statuses: Iterable<Record<string, unknown> | undefined>): NodeRangesStatus | undefined {
  let newest: NodeRangesStatus | undefined;
  for (const s of statuses) {
    const ranges = (s?.ring as { ranges?: NodeRangesStatus } | undefined)?.ranges;
    if (ranges && typeof ranges.version === 'number' && (!newest || ranges.version > newest.version)) newest = ranges;
  }
  return newest;
}

/**
 * The distinct keys a run's history (history.jsonl) wrote to (a write, cas or append whose
 * outcome was ok or unknown: only those can be stored on a node), in key order.
 */
export async function writtenKeys(file: string): Promise<string[]> {
  const keys = new Set<string>();
  const pending = new Map<unknown, string>();
  for (const op of parseHistory(await readFile(file, 'utf8'))) {
    if (op.type === 'invoke') {
      if (op.f !== 'read' && typeof op.key === 'string') pending.set(op.process, op.key);
      continue;
    }
    const key = pending.get(op.process);
    pending.delete(op.process);
    if (key !== undefined && op.type !== 'fail') keys.add(key);
  }
  for (const key of pending.values()) keys.add(key);
  return [...keys].sort();
}

/**
 * The ranges as report lines: how many ranges each node holds and leads; with the run's
 * written `keys`, also how many of them each node holds as a replica and leads as
 * leaseholder under the final table (so a node storing nothing shows).
 */
export function rangeLines(ranges: NodeRangesStatus | undefined, limit = 12, keys?: readonly string[]): string[] {
  if (!ranges) return [];
  const show = (k: string | undefined): string => (k === undefined ? 'end' : k === '' ? 'start' : JSON.stringify(k));
  const list = ranges.ranges.map((r, i) => `[${show(r.start)}..${show(ranges.ranges[i + 1]?.start)}) ${r.owners.join(',')}`);
  return [
    `ranges (placement range): ${ranges.splits} split(s), ${ranges.ranges.length} range(s), table version ${ranges.version}`,
    ...list.slice(0, limit).map((l) => `  ${l}`),
    ...(list.length > limit ? [`  ... ${list.length - limit} more`] : []),
    `  ranges per node: as a replica ${perNode(rangesHeld(ranges, false))}; as leaseholder ${perNode(rangesHeld(ranges, true))}`,
    ...(keys ? keysPerNode(ranges, keys) : []),
  ];
}

function rangesHeld(ranges: NodeRangesStatus, leaseholderOnly: boolean): Map<string, number> {
  const count = new Map<string, number>([...new Set(ranges.ranges.flatMap((r) => r.owners))].sort().map((m) => [m, 0]));
  for (const r of ranges.ranges) for (const o of leaseholderOnly ? r.owners.slice(0, 1) : r.owners) count.set(o, (count.get(o) ?? 0) + 1);
  return count;
}

function perNode(m: Map<string, number>): string {
  return [...m].map(([n, k]) => `${n}=${k}`).join(' ');
}

function keysPerNode(ranges: NodeRangesStatus, keys: readonly string[]): string[] {
  const members = [...new Set(ranges.ranges.flatMap((r) => r.owners))].sort();
  const map = new RangeMap({ ranges: ranges.ranges, members, replicationFactor: ranges.ranges[0]?.owners.length ?? 1, version: ranges.version, splits: ranges.splits });
  const held = new Map(members.map((m) => [m, 0]));
  const led = new Map(members.map((m) => [m, 0]));
  for (const key of keys) {
    const owners = map.rangeOf(key).owners;
    for (const o of owners) held.set(o, (held.get(o) ?? 0) + 1);
    if (owners[0] !== undefined) led.set(owners[0], (led.get(owners[0]) ?? 0) + 1);
  }
  return [`  the ${keys.length} keys the run wrote, per node under this table: as a replica ${perNode(held)}; as leaseholder ${perNode(led)}`];
}
