/**
 * Where the topology draws things, as pure functions of the nodes and link states:
 * partitions are the connected components over links open in both directions, and each
 * partition gets its own region so a cut is visible at a glance (one component: one circle).
 */
import type { LinkState } from '../../../../core/protocol/panel';
import { byNodeOrder } from '../../components/partitions';

export { byNodeOrder, partitionGroups } from '../../components/partitions';

export interface Point {
  readonly x: number;
  readonly y: number;
}
export interface Box {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

/**
 * The drawing's size in CSS pixels (the SVG's viewBox follows its box, so text keeps its
 * projector size however the pane is shaped) and the room a node needs around its centre.
 */
export interface Geometry {
  readonly w: number;
  readonly h: number;
  /** Node radius. */
  readonly r: number;
  /** The label block under a node (id, role/health, metrics): its width and height. */
  readonly labelW: number;
  readonly labelH: number;
  /** Room above a node for the leader's crown and badges. */
  readonly crownH: number;
}

/** A node's radius for a pane of this size and this many nodes (big targets, never crowded). */
export function nodeRadius(w: number, h: number, nodes: number): number {
  return Math.max(14, Math.min(28, w / (2.4 * Math.max(nodes, 3)), h / 9));
}

/** Nodes on an ellipse filling the box, leaving room for labels under and crowns above. */
function ellipse(ids: readonly string[], box: Box, g: Geometry, out: Map<string, Point>): void {
  const top = box.y + g.r + g.crownH;
  const bottom = box.y + box.h - g.r - g.labelH;
  const cx = box.x + box.w / 2;
  const cy = (top + bottom) / 2;
  if (ids.length === 1) {
    out.set(ids[0] as string, { x: cx, y: cy });
    return;
  }
  const ry = Math.max(0, (bottom - top) / 2);
  const rx = Math.max(0, box.w / 2 - Math.max(g.r, g.labelW / 2) - 4);
  ids.forEach((id, i) => {
    const a = -Math.PI / 2 + (i * 2 * Math.PI) / ids.length;
    out.set(id, { x: cx + rx * Math.cos(a), y: cy + ry * Math.sin(a) });
  });
}

export interface Layout {
  readonly positions: Map<string, Point>;
  /** One box per partition when there is more than one, with its nodes. */
  readonly regions: readonly { readonly box: Box; readonly nodes: readonly string[] }[];
}

/** Positions for the nodes: one ellipse, or one region per partition side by side (widths by size). */
export function layoutTopology(groups: readonly (readonly string[])[], g: Geometry, view: Box = { x: 0, y: 0, w: g.w, h: g.h }): Layout {
  const positions = new Map<string, Point>();
  if (groups.length <= 1) {
    ellipse(groups[0] ?? [], view, g, positions);
    return { positions, regions: [] };
  }
  const total = groups.reduce((s, g) => s + g.length, 0);
  const gap = 24;
  const usable = view.w - gap * (groups.length - 1);
  const regions: { box: Box; nodes: readonly string[] }[] = [];
  let x = view.x;
  // Each region has a title line at its top.
  const titleH = g.labelH / 2.5;
  for (const nodes of groups) {
    const w = Math.max(g.labelW + 8, (usable * nodes.length) / total);
    const box = { x, y: view.y, w: Math.min(w, view.x + view.w - x), h: view.h };
    ellipse(nodes, { ...box, y: box.y + titleH, h: box.h - titleH }, g, positions);
    regions.push({ box, nodes });
    x += box.w + gap;
  }
  return { positions, regions };
}

/** Both directions of a pair's link faults, for drawing one line per pair. */
export interface PairState {
  readonly a: string;
  readonly b: string;
  readonly ab: LinkState | undefined;
  readonly ba: LinkState | undefined;
}

export function pairs(ids: readonly string[], links: readonly LinkState[]): PairState[] {
  const byKey = new Map(links.map((l) => [`${l.from}>${l.to}`, l]));
  const out: PairState[] = [];
  const sorted = [...ids].sort(byNodeOrder);
  for (let i = 0; i < sorted.length; i++) {
    for (let j = i + 1; j < sorted.length; j++) {
      const a = sorted[i] as string;
      const b = sorted[j] as string;
      out.push({ a, b, ab: byKey.get(`${a}>${b}`), ba: byKey.get(`${b}>${a}`) });
    }
  }
  return out;
}

export type LinkLook = 'ok' | 'cut' | 'cut-one-way' | 'lossy' | 'slow' | 'flaky';

/** How a pair is drawn: a cut wins over loss, loss over delay; duplicates/reorders are "flaky". */
export function linkLook(p: PairState): LinkLook {
  const both = [p.ab, p.ba];
  const cuts = both.filter((l) => l?.cut).length;
  if (cuts === 2) return 'cut';
  if (cuts === 1) return 'cut-one-way';
  if (both.some((l) => (l?.drop ?? 0) > 0)) return 'lossy';
  if (both.some((l) => (l?.delayMs ?? 0) > 0)) return 'slow';
  if (both.some((l) => (l?.duplicate ?? 0) > 0 || (l?.reorder ?? 0) > 0)) return 'flaky';
  return 'ok';
}

/** The directed links to cut so that nodes in different groups cannot talk (a custom partition). */
export function cutsBetween(groups: readonly (readonly string[])[]): { from: string; to: string }[] {
  const out: { from: string; to: string }[] = [];
  groups.forEach((g, i) =>
    groups.forEach((h, j) => {
      if (i !== j) for (const from of g) for (const to of h) out.push({ from, to });
    }),
  );
  return out;
}
