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
  /** The root font size in px (labels are sized in it). */
  readonly em: number;
  /** How many label lines each node has (with or without the metrics). */
  readonly lines: LabelLines;
}

/** How a node's CPU / memory / rate lines are shown: under every node, or only under the hovered or selected one. */
export type MetricsMode = 'always' | 'focus';

/** Where a node's label sits: under it, or beside it on the side away from the cluster's centre. */
export type LabelSide = 'below' | 'left' | 'right';

/** Label lines: id + role, health, then (with metrics) CPU · memory and the request rate. */
export type LabelLines = 2 | 4;

/** Line advances (em) of the label's lines; the first is the id at 1.2rem. */
const LINE_ADVANCE = [1.25, 1.1, 1.0, 0.95] as const;
const DESCENT_EM = 0.35;

/**
 * Baselines of a node's label lines below its centre when the label is under the node: id +
 * role, health, then the metrics in two short lines (CPU · memory, then the request rate),
 * so a label stays narrow.
 */
export function labelBaselines(r: number, em: number): readonly [number, number, number, number] {
  const l1 = r * 1.2 + LINE_ADVANCE[0] * em;
  const l2 = l1 + LINE_ADVANCE[1] * em;
  const l3 = l2 + LINE_ADVANCE[2] * em;
  return [l1, l2, l3, l3 + LINE_ADVANCE[3] * em];
}

/** How far a label block of `lines` lines reaches below the node's centre (with the last line's descent). */
export function labelDepth(r: number, em: number, lines: LabelLines): number {
  const b = labelBaselines(r, em);
  return (lines === 4 ? b[3] : b[1]) + DESCENT_EM * em;
}

/** The label's text block height. */
function blockHeight(em: number, lines: LabelLines): number {
  return LINE_ADVANCE.slice(0, lines).reduce((s, a) => s + a, 0) * em + DESCENT_EM * em;
}

/** Where a label's text goes, relative to the node's centre: its x, anchor and the lines' baselines. */
export function labelPlacement(side: LabelSide, r: number, em: number, lines: LabelLines): { x: number; anchor: 'middle' | 'start' | 'end'; baselines: readonly number[] } {
  const below = labelBaselines(r, em);
  if (side === 'below') return { x: 0, anchor: 'middle', baselines: below };
  const shift = -r * 1.2 - blockHeight(em, lines) / 2;
  const baselines = below.map((b) => b + shift);
  return side === 'right' ? { x: r + 9, anchor: 'start', baselines } : { x: -r - 9, anchor: 'end', baselines };
}

/** The box a label covers, relative to the node's centre. */
export function labelRect(side: LabelSide, r: number, em: number, labelW: number, lines: LabelLines): { x0: number; y0: number; x1: number; y1: number } {
  if (side === 'below') return { x0: -labelW / 2, y0: r * 1.05, x1: labelW / 2, y1: labelDepth(r, em, lines) };
  const h = blockHeight(em, lines);
  return side === 'right' ? { x0: r + 6, y0: -h / 2, x1: r + 9 + labelW, y1: h / 2 } : { x0: -r - 9 - labelW, y0: -h / 2, x1: -r - 6, y1: h / 2 };
}

/** The label block's width: the widest of "n4 candidate", "? restarting", "CPU 12 % · 123 MB" at their sizes. */
export const LABEL_WIDTH_EM = 8;

/** A region's title: one line when the region is wide enough for "3 nodes · majority side", else two. */
export function regionTitleLines(w: number, em: number): 1 | 2 {
  return w >= 15 * em ? 1 : 2;
}

function regionTitleH(w: number, em: number): number {
  return regionTitleLines(w, em) * 1.25 * em + 0.6 * em;
}

/** The geometry for a pane: node radius, label block (with or without the metrics lines) and crown room. */
export function topologyGeometry(w: number, h: number, em: number, nodes: number, metrics: MetricsMode): Geometry {
  const r = nodeRadius(w, h, nodes);
  // The region's dashed border (stroke 4, inset 3) sits under the label: keep clear of it.
  const lines: LabelLines = metrics === 'always' ? 4 : 2;
  const labelH = labelDepth(r, em, lines) - r + 8;
  return { w, h, r, em, lines, labelW: LABEL_WIDTH_EM * em, labelH, crownH: r * 0.9 + 4 };
}

/** A node's radius for a pane of this size and this many nodes (big targets, never crowded). */
export function nodeRadius(w: number, h: number, nodes: number): number {
  return Math.max(14, Math.min(28, w / (2.4 * Math.max(nodes, 3)), h / 9));
}

/**
 * Nodes on an ellipse filling the box. When the box is wide enough, labels go beside the nodes
 * on the side away from the centre (the ellipse turned so no node sits at the top, where the
 * crown is; a node at the bottom keeps its label under it), so neighbours' labels never share
 * a row; otherwise every label is under its node and the ellipse leaves room for them.
 */
function ellipse(ids: readonly string[], box: Box, g: Geometry, out: Map<string, Point>, sides: Map<string, LabelSide>): void {
  const cx = box.x + box.w / 2;
  const sideRx = box.w / 2 - g.r - 12 - g.labelW;
  const beside = ids.length >= 3 && sideRx >= 1.5 * g.r;
  const halfBlock = blockHeight(g.em, g.lines) / 2;
  const top = box.y + Math.max(g.r + g.crownH, beside ? halfBlock + 4 : 0);
  const bottom = box.y + box.h - g.r - g.labelH;
  const cy = (top + bottom) / 2;
  if (ids.length === 1) {
    out.set(ids[0] as string, { x: cx, y: cy });
    sides.set(ids[0] as string, 'below');
    return;
  }
  const rx = beside ? sideRx : Math.max(0, box.w / 2 - Math.max(g.r, g.labelW / 2) - 4);
  // Turned by half a step: no node at the top for side labels; an even count under-labelled
  // stands in rows (a square, or a pair side by side when the box is wide enough for two labels).
  const rows = ids.length % 2 === 0 && (ids.length >= 4 || box.w >= 2 * g.labelW + 16);
  const start = -Math.PI / 2 + (beside || rows ? Math.PI / ids.length : 0);
  const angles = ids.map((_, i) => start + (i * 2 * Math.PI) / ids.length);
  // Stretched so the polygon fills the box (a triangle's base sits on the bottom, not half-way).
  const maxCos = Math.max(...angles.map((a) => Math.abs(Math.cos(a))), 1e-6);
  const minSin = Math.min(...angles.map(Math.sin));
  const maxSin = Math.max(...angles.map(Math.sin));
  ids.forEach((id, i) => {
    const a = angles[i] as number;
    const c = Math.cos(a);
    const y = maxSin - minSin < 1e-6 ? cy : top + ((Math.sin(a) - minSin) / (maxSin - minSin)) * (bottom - top);
    out.set(id, { x: cx + (rx * c) / maxCos, y });
    sides.set(id, !beside || Math.abs(c) < 0.3 ? 'below' : c > 0 ? 'right' : 'left');
  });
}

export interface Layout {
  readonly positions: Map<string, Point>;
  /** Where each node's label goes. */
  readonly sides: Map<string, LabelSide>;
  /** One box per partition when there is more than one, with its nodes. */
  readonly regions: readonly { readonly box: Box; readonly nodes: readonly string[] }[];
}

/** Positions for the nodes: one ellipse, or one region per partition side by side (widths by size). */
export function layoutTopology(groups: readonly (readonly string[])[], g: Geometry, view: Box = { x: 0, y: 0, w: g.w, h: g.h }): Layout {
  const positions = new Map<string, Point>();
  const sides = new Map<string, LabelSide>();
  if (groups.length <= 1) {
    ellipse(groups[0] ?? [], view, g, positions, sides);
    return { positions, sides, regions: [] };
  }
  const gap = 24;
  const usable = view.w - gap * (groups.length - 1);
  const regions: { box: Box; nodes: readonly string[] }[] = [];
  const widths = regionWidths(groups, usable, g);
  let x = view.x;
  groups.forEach((nodes, i) => {
    const w = widths[i] as number;
    const box = { x, y: view.y, w: Math.min(w, view.x + view.w - x), h: view.h };
    // Each region has its title at its top (one or two lines, by its width).
    const titleH = regionTitleH(box.w, g.em);
    ellipse(nodes, { ...box, y: box.y + titleH, h: box.h - titleH }, g, positions, sides);
    regions.push({ box, nodes });
    x += box.w + gap;
  });
  return { positions, sides, regions };
}

/**
 * Region widths: first what each needs so its labels stay apart (two labels side by side
 * for three nodes or more, one for fewer), then, when all fit, room for a one-line title,
 * then the rest by node count.
 */
function regionWidths(groups: readonly (readonly string[])[], usable: number, g: Geometry): number[] {
  const total = groups.reduce((s, n) => s + n.length, 0);
  const need = groups.map((n) => (n.length >= 3 ? 2 * g.labelW + 16 : g.labelW + 8));
  const titled = need.map((w) => Math.max(w, 15 * g.em));
  const base = titled.reduce((s, w) => s + w, 0) <= usable ? titled : need;
  const baseSum = base.reduce((s, w) => s + w, 0);
  if (baseSum > usable) return groups.map((n) => (usable * n.length) / total);
  const rest = usable - baseSum;
  return base.map((w, i) => w + (rest * (groups[i] as readonly string[]).length) / total);
}

interface Rect {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

function intersects(a: Rect, b: Rect): boolean {
  return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
}

/**
 * Whether some node's label block (`lines` lines) would run into another node's label or
 * shape, or out of its region or the pane: the test for showing every node's metrics.
 */
export function labelsCollide(layout: Layout, g: Geometry): boolean {
  const entries = [...layout.positions.entries()];
  const label = (id: string, p: Point): Rect => {
    const r = labelRect(layout.sides.get(id) ?? 'below', g.r, g.em, g.labelW, g.lines);
    return { x0: p.x + r.x0, y0: p.y + r.y0, x1: p.x + r.x1, y1: p.y + r.y1 };
  };
  // A node's shape with its health ring, and part of the room for a crown above it.
  const body = (p: Point): Rect => ({ x0: p.x - g.r - 5, y0: p.y - g.r - 0.6 * g.crownH, x1: p.x + g.r + 5, y1: p.y + g.r + 5 });
  const regionOf = new Map(layout.regions.flatMap((r) => r.nodes.map((id) => [id, r.box] as const)));
  for (const [id, p] of entries) {
    const l = label(id, p);
    const box = regionOf.get(id) ?? { x: 0, y: 0, w: g.w, h: g.h };
    if (l.x0 < box.x || l.x1 > box.x + box.w || l.y0 < box.y || l.y1 > box.y + box.h - 4) return true;
    for (const [other, q] of entries) {
      if (other === id) continue;
      if (intersects(l, label(other, q)) || intersects(l, body(q))) return true;
    }
  }
  return false;
}

/**
 * The layout for the pane: every node's metrics under it when all the labels fit apart,
 * otherwise short labels (id, role, health) with the metrics only under the node in focus.
 */
export function placeNodes(groups: readonly (readonly string[])[], w: number, h: number, em: number): { layout: Layout; geometry: Geometry; metrics: MetricsMode } {
  const count = groups.reduce((s, g) => s + g.length, 0);
  const full = topologyGeometry(w, h, em, count, 'always');
  const fullLayout = layoutTopology(groups, full);
  if (!labelsCollide(fullLayout, full)) return { layout: fullLayout, geometry: full, metrics: 'always' };
  const short = topologyGeometry(w, h, em, count, 'focus');
  return { layout: layoutTopology(groups, short), geometry: short, metrics: 'focus' };
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
