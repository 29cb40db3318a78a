/**
 * The consistent-hash ring as SVG geometry (pure). A key belongs to the first virtual node
 * at or after its position (clockwise, wrapping), so the arc ending at a virtual node is
 * that node's: arc i runs from virtual node i-1 to virtual node i. Neighbouring arcs of
 * one owner merge into one path. Position 0 is at the top; positions grow clockwise.
 */
export const RING_SIZE = 2 ** 32;

export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface RingArc {
  readonly node: string;
  /** Ring positions, start exclusive, end inclusive; end may be below start when it wraps. */
  readonly from: number;
  readonly to: number;
  /** The SVG path of the arc on a circle of radius r around (cx, cy). */
  readonly d: string;
}

export function angleOf(position: number): number {
  return (position / RING_SIZE) * 2 * Math.PI - Math.PI / 2;
}

export function pointAt(position: number, cx: number, cy: number, r: number): Point {
  const a = angleOf(position);
  return { x: cx + r * Math.cos(a), y: cy + r * Math.sin(a) };
}

/** Clockwise length of the arc from `from` to `to` in ring positions (a full turn when equal). */
export function span(from: number, to: number): number {
  const d = (to - from + RING_SIZE) % RING_SIZE;
  return d === 0 ? RING_SIZE : d;
}

function arcPath(from: number, to: number, cx: number, cy: number, r: number): string {
  const length = span(from, to);
  if (length >= RING_SIZE) {
    // A whole circle: two half arcs (an SVG arc cannot start and end at one point).
    const a = pointAt(from, cx, cy, r);
    const b = pointAt(from + RING_SIZE / 2, cx, cy, r);
    return `M ${a.x.toFixed(2)} ${a.y.toFixed(2)} A ${r} ${r} 0 1 1 ${b.x.toFixed(2)} ${b.y.toFixed(2)} A ${r} ${r} 0 1 1 ${a.x.toFixed(2)} ${a.y.toFixed(2)}`;
  }
  const a = pointAt(from, cx, cy, r);
  const b = pointAt(to, cx, cy, r);
  const large = length > RING_SIZE / 2 ? 1 : 0;
  return `M ${a.x.toFixed(2)} ${a.y.toFixed(2)} A ${r} ${r} 0 ${large} 1 ${b.x.toFixed(2)} ${b.y.toFixed(2)}`;
}

/** Arcs owned by each node, from the virtual nodes sorted by position. */
export function ringArcs(vnodes: readonly { readonly position: number; readonly node: string }[], cx: number, cy: number, r: number): RingArc[] {
  const sorted = [...vnodes].sort((a, b) => a.position - b.position);
  if (sorted.length === 0) return [];
  // Runs of consecutive virtual nodes with one owner, as [start vnode index, end vnode index].
  const runs: { node: string; first: number; last: number }[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const v = sorted[i]!;
    const prev = runs[runs.length - 1];
    if (prev && prev.node === v.node) prev.last = i;
    else runs.push({ node: v.node, first: i, last: i });
  }
  // The first and last runs meet across position 0 when they share an owner.
  if (runs.length > 1 && runs[0]!.node === runs[runs.length - 1]!.node) {
    const tail = runs.pop()!;
    runs[0] = { node: tail.node, first: tail.first, last: runs[0]!.last };
  }
  return runs.map((run) => {
    const from = sorted[(run.first - 1 + sorted.length) % sorted.length]!.position;
    const to = sorted[run.last]!.position;
    return { node: run.node, from, to, d: runs.length === 1 ? arcPath(to, to, cx, cy, r) : arcPath(from, to, cx, cy, r) };
  });
}

/** The owner of a ring position: the first virtual node at or after it, wrapping. */
export function ownerAt(vnodes: readonly { readonly position: number; readonly node: string }[], position: number): string | undefined {
  const sorted = [...vnodes].sort((a, b) => a.position - b.position);
  return (sorted.find((v) => v.position >= position) ?? sorted[0])?.node;
}
