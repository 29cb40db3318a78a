import type { NodeId } from '../common/types';
import type { Version, Versioned } from './types';

/** Negative, zero or positive like a sort comparator: counter first, node id breaks ties. */
export function compareVersions(a: Version, b: Version): number {
  if (a.counter !== b.counter) return a.counter - b.counter;
  return a.node < b.node ? -1 : a.node > b.node ? 1 : 0;
}

/** Orders "nothing stored" below every version. */
export function compareStored(a: Versioned | null | undefined, b: Versioned | null | undefined): number {
  if (!a) return b ? -1 : 0;
  if (!b) return 1;
  return compareVersions(a.version, b.version);
}

export function newerOf(a: Versioned | null | undefined, b: Versioned | null | undefined): Versioned | null {
  return compareStored(a, b) >= 0 ? (a ?? null) : (b ?? null);
}

/** A version above `above` issued by `node`: unique because no other node issues with its id. */
export function nextVersion(aboveCounter: number, node: NodeId): Version {
  return { counter: aboveCounter + 1, node };
}

export function formatVersion(v: Version): string {
  return `${v.counter}@${v.node}`;
}
