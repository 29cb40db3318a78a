/**
 * Range placement in `faultline run`'s report: the range table the nodes ended with (the
 * newest any node reports), its splits and each range's bounds and owners, so a run shows
 * that and where its ranges split.
 */
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

export function rangeLines(ranges: NodeRangesStatus | undefined, limit = 12): string[] {
  if (!ranges) return [];
  const show = (k: string | undefined): string => (k === undefined ? 'end' : k === '' ? 'start' : JSON.stringify(k));
  const list = ranges.ranges.map((r, i) => `[${show(r.start)}..${show(ranges.ranges[i + 1]?.start)}) ${r.owners.join(',')}`);
  return [
    `ranges (placement range): ${ranges.splits} split(s), ${ranges.ranges.length} range(s), table version ${ranges.version}`,
    ...list.slice(0, limit).map((l) => `  ${l}`),
    ...(list.length > limit ? [`  ... ${list.length - limit} more`] : []),
  ];
}
