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

/** The distinct keys a run's history (history.jsonl) touched, in key order. */
export async function historyKeys(file: string): Promise<string[]> {
  const keys = new Set<string>();
  for (const op of parseHistory(await readFile(file, 'utf8'))) if (typeof op.key === 'string') keys.add(op.key);
  return [...keys].sort();
}

/**
 * The ranges as report lines; with the run's `keys`, also how many of them each node holds
 * as a replica and leads as leaseholder under the final table (so a node holding nothing shows).
 */
export function rangeLines(ranges: NodeRangesStatus | undefined, limit = 12, keys?: readonly string[]): string[] {
  if (!ranges) return [];
  const show = (k: string | undefined): string => (k === undefined ? 'end' : k === '' ? 'start' : JSON.stringify(k));
  const list = ranges.ranges.map((r, i) => `[${show(r.start)}..${show(ranges.ranges[i + 1]?.start)}) ${r.owners.join(',')}`);
  return [
    `ranges (placement range): ${ranges.splits} split(s), ${ranges.ranges.length} range(s), table version ${ranges.version}`,
    ...list.slice(0, limit).map((l) => `  ${l}`),
    ...(list.length > limit ? [`  ... ${list.length - limit} more`] : []),
    ...(keys ? keysPerNode(ranges, keys) : []),
  ];
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
  const show = (m: Map<string, number>): string => [...m].map(([n, k]) => `${n}=${k}`).join(' ');
  return [`  the run's ${keys.length} keys per node under this table: as a replica ${show(held)}; as leaseholder ${show(led)}`];
}
