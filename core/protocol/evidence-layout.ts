/**
 * Where a verdict's evidence goes on a timeline: one row per process (or node), one bar per
 * operation from its invoke to its completion, the operations the violation is about
 * highlighted. Pure geometry, no DOM: the panel's Verdict view renders this layout as SVG,
 * and `faultline check --html` is to render the SAME layout (one drawing, written once).
 *
 * It lives in core/protocol because the renderer may import nothing else from core; it
 * therefore reads evidence structurally (it arrives as `unknown` over the wire) instead of
 * importing core/check's types. The shapes it understands are those core/check produces:
 *   register       { key, operations: OperationEvidence[], stuckAt, ... }
 *   lock           { violations: [{ code, key, operations: OperationEvidence[], explanation }] }
 *   txn            { anomalies: [{ type, explanation, txns: [{ name, index, process, status, value? }],
 *                                   cycle?: [{ from, to, type, key, why, mops? }] }] }
 *   paxos          { violations: [{ code, slot | position, nodes, values, explanation }] }
 *   txn-atomicity  { violations: [{ txn, committed: string[], aborted: string[] }] }
 * Anything else gives an empty layout (`recognized: false`): the summary still says it all.
 */

/** What the x axis counts: positions in the history, Paxos slots, or transactions. */
export type EvidenceAxis = 'history' | 'slot' | 'txn';

export interface EvidenceLayoutOptions {
  /** Total drawing width, labels included (px). */
  width: number;
  /** Width of the row labels on the left (px). */
  labelWidth: number;
  rowHeight: number;
  /** Height of the axis band under the rows (px). */
  axisHeight: number;
  /** Most operations drawn; the rest are counted in `omitted`. */
  maxOps: number;
}

export const DEFAULT_EVIDENCE_LAYOUT: EvidenceLayoutOptions = {
  width: 960,
  labelWidth: 120,
  rowHeight: 44,
  axisHeight: 36,
  maxOps: 40,
};

export interface EvidenceRow {
  /** The process (history) or node (paxos, atomicity) the row shows, as text. */
  readonly label: string;
  readonly y: number;
  readonly height: number;
}

export interface EvidenceBar {
  readonly row: number;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  /** Short text drawn on or next to the bar: what the operation did ("write 3 → k1"). */
  readonly text: string;
  /** ok | fail | info (unknown outcome) | commit | abort | learned. */
  readonly outcome: string;
  /** Part of the violation itself (drawn bold and marked, never by colour alone). */
  readonly highlight: boolean;
  /** The operation never completed (or its completion is not in the evidence): drawn open-ended. */
  readonly open: boolean;
  /** A completed operation the checker may treat as never having happened (drawn faded). */
  readonly mayBeOmitted: boolean;
  /**
   * Not part of the evidence: another operation on the same key, drawn muted so the
   * violation is seen among everything that happened around it (register `context`).
   */
  readonly context: boolean;
  /**
   * Whether to write `text` on the bar: always for the evidence; for a context operation only
   * when it fits in the bar (crowded neighbours' labels would otherwise overprint it). Its
   * text stays available as the bar's tooltip.
   */
  readonly showText: boolean;
  /** 1-based history lines, when known, for "see lines 7-9". */
  readonly lines?: readonly [number, number?];
}

export interface EvidenceTick {
  readonly x: number;
  readonly value: number;
}

/**
 * Where no linearization exists (register evidence): the completion of the operation the
 * furthest consistent order could not get past, a vertical line across the rows.
 */
export interface EvidenceStuck {
  readonly x: number;
  /** The 0-based history position of that completion. */
  readonly index: number;
}

/** A transaction of a cycle, placed on a circle, with its micro-operations as text. */
export interface CycleNode {
  readonly name: string;
  readonly x: number;
  readonly y: number;
  /** The transaction's operations ("append x 1", "r y [1 2]"), as the history has them. */
  readonly ops: readonly string[];
}

/** One hop of the cycle: an arrow from node to node, labelled with its dependency type. */
export interface CycleEdge {
  readonly from: number;
  readonly to: number;
  /** ww | wr | rw | realtime | process. */
  readonly type: string;
  /** The key of a data dependency ('' for realtime and process order). */
  readonly key: string;
  /** The checker's words for why the edge exists (data, not UI text). */
  readonly why: string;
  /** The arrow from the edge of one node's circle to the other's, and where its label sits. */
  readonly x1: number;
  readonly y1: number;
  readonly x2: number;
  readonly y2: number;
  readonly labelX: number;
  readonly labelY: number;
}

/** A transaction anomaly's cycle as a small graph (Elle draws it the same way). */
export interface EvidenceCycle {
  /** The anomaly's name (G-single, G2-item, ...). */
  readonly type: string;
  readonly width: number;
  readonly height: number;
  readonly nodeRadius: number;
  readonly nodes: readonly CycleNode[];
  readonly edges: readonly CycleEdge[];
}

export interface EvidenceLayout {
  readonly recognized: boolean;
  readonly model: string;
  readonly axis: EvidenceAxis;
  readonly width: number;
  readonly height: number;
  /** Where the plotting area starts and ends on x. */
  readonly plotLeft: number;
  readonly plotRight: number;
  readonly rows: readonly EvidenceRow[];
  readonly bars: readonly EvidenceBar[];
  readonly ticks: readonly EvidenceTick[];
  /** The checker's explanation of each violation drawn (data from the checker, not UI text). */
  readonly notes: readonly string[];
  /** Operations the checker left out or that did not fit (`maxOps`). */
  readonly omitted: number;
  /** Register evidence: the point where no linearization exists (when it is on the drawing). */
  readonly stuck?: EvidenceStuck;
  /** Transaction evidence: the first anomaly's cycle, when it has one. */
  readonly cycle?: EvidenceCycle;
}

/** One operation before geometry: where it starts and ends on the axis. */
interface Item {
  row: string;
  start: number;
  end: number | undefined;
  text: string;
  outcome: string;
  highlight: boolean;
  mayBeOmitted: boolean;
  context?: boolean;
  lines?: readonly [number, number?];
}

interface Extracted {
  axis: EvidenceAxis;
  items: Item[];
  notes: string[];
  omitted: number;
  /** History position of the stuck operation's completion (register). */
  stuckIndex?: number;
  cycle?: RawCycle;
}

interface RawCycle {
  type: string;
  names: string[];
  ops: Map<string, string[]>;
  hops: { from: string; to: string; type: string; key: string; why: string }[];
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** A value as the history shows it (JSON), shortened so a bar label stays readable. */
export function shortValue(value: unknown, max = 24): string {
  let text: string;
  try {
    text = value === undefined ? '' : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** One OperationEvidence (core/check/explain.ts) as an item; undefined when it is not one. */
function operationItem(raw: unknown, highlight: boolean): Item | undefined {
  if (!isObj(raw)) return undefined;
  const start = num(raw.invokeIndex);
  const process = raw.process;
  const f = str(raw.f);
  if (start === undefined || f === undefined || (typeof process !== 'string' && typeof process !== 'number')) return undefined;
  const key = str(raw.key);
  const value = shortValue(raw.value);
  const text = `${f}${value ? ` ${value}` : ''}${key !== undefined ? ` → ${key}` : ''}`;
  const invokeLine = num(raw.invokeLine);
  const completeLine = num(raw.completeLine);
  const item: Item = {
    row: String(process),
    start,
    end: num(raw.completeIndex),
    text,
    outcome: str(raw.outcome) ?? 'info',
    highlight,
    mayBeOmitted: raw.mayBeOmitted === true,
  };
  if (invokeLine !== undefined) item.lines = completeLine === undefined ? [invokeLine] : [invokeLine, completeLine];
  return item;
}

/** Same operation (by its position in the history), so one drawn twice is drawn once. */
function dedupe(items: Item[]): Item[] {
  const byKey = new Map<string, Item>();
  for (const item of items) {
    const k = `${item.row}|${item.start}|${item.text}`;
    const seen = byKey.get(k);
    if (!seen) byKey.set(k, item);
    else if (item.highlight) seen.highlight = true;
  }
  return [...byKey.values()];
}

function fromRegister(e: Obj): Extracted {
  const stuck = isObj(e.stuckAt) ? num(e.stuckAt.invokeIndex) : undefined;
  const items: Item[] = [];
  for (const raw of list(e.operations)) {
    const item = operationItem(raw, false);
    if (item) items.push({ ...item, highlight: item.start === stuck });
  }
  // Every other operation on the key, when the caller added them (`check --html`, the panel).
  const inEvidence = new Set(items.map((i) => i.start));
  for (const raw of list(e.context)) {
    const item = operationItem(raw, false);
    if (item && !inEvidence.has(item.start)) items.push({ ...item, context: true });
  }
  const extracted: Extracted = { axis: 'history', items, notes: [], omitted: num(e.omitted) ?? 0 };
  const stuckIndex = isObj(e.stuckAt) ? num(e.stuckAt.completeIndex) : undefined;
  if (stuckIndex !== undefined) extracted.stuckIndex = stuckIndex;
  return extracted;
}

/** A micro-operation [f, key, value] as the history shows it: "append x 1", "r y [1,2]". */
export function microOpText(mop: unknown): string {
  if (!Array.isArray(mop)) return shortValue(mop, 40);
  const [f, key, value] = mop as unknown[];
  const word = typeof f === 'string' ? f.replace(/^:/, '') : shortValue(f);
  return `${word} ${typeof key === 'string' ? key : shortValue(key)}${value === undefined ? '' : ` ${shortValue(value, 32)}`}`;
}

/** The first anomaly with a cycle: its transactions, their operations, and its hops. */
function txnCycle(anomalies: unknown[]): RawCycle | undefined {
  for (const a of anomalies) {
    if (!isObj(a) || !Array.isArray(a.cycle) || a.cycle.length === 0) continue;
    const ops = new Map<string, string[]>();
    for (const t of list(a.txns)) {
      const name = isObj(t) ? str(t.name) : undefined;
      if (name !== undefined && isObj(t)) ops.set(name, list(t.value).map(microOpText));
    }
    const hops: RawCycle['hops'] = [];
    for (const h of a.cycle) {
      if (!isObj(h)) continue;
      const from = str(h.from);
      const to = str(h.to);
      if (from === undefined || to === undefined) continue;
      hops.push({ from, to, type: str(h.type) ?? '', key: str(h.key) ?? '', why: str(h.why) ?? '' });
    }
    if (hops.length === 0) continue;
    const names: string[] = [];
    for (const h of hops) for (const n of [h.from, h.to]) if (!names.includes(n)) names.push(n);
    return { type: str(a.type) ?? '', names, ops, hops };
  }
  return undefined;
}

/** Cycle drawing: nodes evenly on a circle, clockwise from the top, in the cycle's order. */
const CYCLE_NODE_RADIUS = 34;
/** Operations listed beside a node (one more line says how many were left out). */
export const CYCLE_OPS_SHOWN = 6;

function layoutCycle(raw: RawCycle, width: number): EvidenceCycle {
  const n = raw.names.length;
  const r = CYCLE_NODE_RADIUS;
  // Room around the circle for each node's operations, listed beside it.
  const ring = n <= 2 ? 110 : Math.min(240, 70 + 40 * n);
  const cx = width / 2;
  const angles = raw.names.map((_, i) => -Math.PI / 2 + (2 * Math.PI * i) / n + (n === 2 ? Math.PI / 2 : 0));
  const ys = angles.map((a) => ring * Math.sin(a));
  // Room above the top nodes and below the bottom ones for their operations (up to six lines).
  const most = Math.max(0, ...raw.names.map((name) => Math.min(CYCLE_OPS_SHOWN + 1, raw.ops.get(name)?.length ?? 0)));
  const opsRoom = 16 * most + 28;
  const top = Math.min(...ys);
  const height = Math.max(...ys) - top + 2 * r + 2 * opsRoom;
  const nodes: CycleNode[] = raw.names.map((name, i) => ({
    name,
    x: cx + ring * Math.cos(angles[i] as number),
    y: (ys[i] as number) - top + r + opsRoom,
    ops: raw.ops.get(name) ?? [],
  }));
  // Two hops between the same pair (a 2-cycle) bend apart so both arrows and labels show.
  const edges: CycleEdge[] = raw.hops.map((h) => {
    const from = raw.names.indexOf(h.from);
    const to = raw.names.indexOf(h.to);
    const a = nodes[from] as CycleNode;
    const b = nodes[to] as CycleNode;
    const dx = b.x - a.x;
    const dy = b.y - a.y;
    const len = Math.max(1, Math.hypot(dx, dy));
    const ux = dx / len;
    const uy = dy / len;
    const bend = raw.hops.some((o) => o !== h && o.from === h.to && o.to === h.from) ? 14 : 0;
    // Perpendicular offset to the right of the direction of travel.
    const px = -uy * bend;
    const py = ux * bend;
    return {
      from,
      to,
      type: h.type,
      key: h.key,
      why: h.why,
      x1: a.x + ux * r + px,
      y1: a.y + uy * r + py,
      x2: b.x - ux * (r + 6) + px,
      y2: b.y - uy * (r + 6) + py,
      labelX: (a.x + b.x) / 2 + px * 2.2 - uy * 12,
      labelY: (a.y + b.y) / 2 + py * 2.2 + ux * 12,
    };
  });
  return { type: raw.type, width, height, nodeRadius: r, nodes, edges };
}

function fromLockViolations(violations: unknown[]): Extracted {
  const items: Item[] = [];
  const notes: string[] = [];
  violations.forEach((v, i) => {
    if (!isObj(v)) return;
    const explanation = str(v.explanation);
    if (explanation) notes.push(explanation);
    // The first violation is the one the summary names: its operations are highlighted.
    for (const raw of list(v.operations)) {
      const item = operationItem(raw, i === 0);
      if (item) items.push(item);
    }
  });
  return { axis: 'history', items: dedupe(items), notes, omitted: 0 };
}

function fromTxnAnomalies(anomalies: unknown[]): Extracted {
  const items: Item[] = [];
  const notes: string[] = [];
  anomalies.forEach((a, i) => {
    if (!isObj(a)) return;
    const explanation = str(a.explanation);
    if (explanation) notes.push(`${str(a.type) ?? ''}: ${explanation}`);
    for (const t of list(a.txns)) {
      if (!isObj(t)) continue;
      const start = num(t.index);
      const process = t.process;
      if (start === undefined || (typeof process !== 'string' && typeof process !== 'number')) continue;
      // The checker names a transaction by its invoke only: its completion is not in the evidence.
      items.push({
        row: String(process),
        start,
        end: undefined,
        text: str(t.name) ?? `T${start}`,
        outcome: str(t.status) ?? 'info',
        highlight: i === 0,
        mayBeOmitted: false,
      });
    }
  });
  const extracted: Extracted = { axis: 'history', items: dedupe(items), notes, omitted: 0 };
  const cycle = txnCycle(anomalies);
  if (cycle) extracted.cycle = cycle;
  return extracted;
}

function fromPaxosViolations(violations: unknown[]): Extracted {
  const items: Item[] = [];
  const notes: string[] = [];
  for (const v of violations) {
    if (!isObj(v)) continue;
    const slot = num(v.slot) ?? num(v.position);
    if (slot === undefined) continue;
    const explanation = str(v.explanation);
    if (explanation) notes.push(explanation);
    const values = list(v.values);
    list(v.nodes).forEach((node, j) => {
      if (typeof node !== 'string') return;
      items.push({ row: node, start: slot, end: slot + 1, text: shortValue(values[j]), outcome: 'learned', highlight: true, mayBeOmitted: false });
    });
  }
  return { axis: 'slot', items, notes, omitted: 0 };
}

function fromAtomicityViolations(violations: unknown[]): Extracted {
  const items: Item[] = [];
  const notes: string[] = [];
  violations.forEach((v, i) => {
    if (!isObj(v)) return;
    const txn = str(v.txn) ?? String(i);
    notes.push(txn);
    for (const [field, outcome] of [['committed', 'commit'], ['aborted', 'abort']] as const) {
      for (const who of list(v[field])) {
        if (typeof who !== 'string') continue;
        items.push({ row: who, start: i, end: i + 1, text: `${txn}: ${outcome}`, outcome, highlight: true, mayBeOmitted: false });
      }
    }
  });
  return { axis: 'txn', items, notes, omitted: 0 };
}

function extract(model: string, evidence: unknown): Extracted | undefined {
  if (!isObj(evidence)) return undefined;
  if (Array.isArray(evidence.operations)) return fromRegister(evidence);
  if (Array.isArray(evidence.anomalies)) return fromTxnAnomalies(evidence.anomalies);
  if (Array.isArray(evidence.violations)) {
    const first = evidence.violations.find(isObj);
    if (!first) return undefined;
    if (Array.isArray(first.operations)) return fromLockViolations(evidence.violations);
    if (Array.isArray(first.nodes)) return fromPaxosViolations(evidence.violations);
    if (Array.isArray(first.committed) || model === 'txn-atomicity') return fromAtomicityViolations(evidence.violations);
  }
  return undefined;
}

/** About how wide a bar's label is drawn (14px text, its glyph and padding). */
function textWidth(text: string): number {
  return 28 + text.length * 8;
}

/** Round steps (1, 2, 5 × 10^n) so the axis reads like a ruler. */
export function niceStep(span: number, maxTicks: number): number {
  if (!(span > 0) || maxTicks < 1) return 1;
  const raw = span / maxTicks;
  const pow = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * pow >= raw) return Math.max(1, m * pow);
  return Math.max(1, 10 * pow);
}

/** Rows in order of first appearance; numeric process ids sorted numerically. */
function rowOrder(items: Item[]): string[] {
  const labels = [...new Set(items.map((i) => i.row))];
  const numeric = labels.every((l) => /^-?\d+$/.test(l));
  return numeric ? labels.sort((a, b) => Number(a) - Number(b)) : labels.sort((a, b) => a.localeCompare(b));
}

export function layoutEvidence(
  verdict: { readonly model: string; readonly evidence?: unknown },
  options: Partial<EvidenceLayoutOptions> = {},
): EvidenceLayout {
  const o = { ...DEFAULT_EVIDENCE_LAYOUT, ...options };
  const plotLeft = o.labelWidth;
  const plotRight = Math.max(plotLeft + 1, o.width - 16);
  const extracted = extract(verdict.model, verdict.evidence);
  if (!extracted || extracted.items.length === 0) {
    return {
      recognized: false, model: verdict.model, axis: 'history', width: o.width, height: 0,
      plotLeft, plotRight, rows: [], bars: [], ticks: [], notes: extracted?.notes ?? [], omitted: extracted?.omitted ?? 0,
    };
  }
  // Keep the highlighted operations first when there are too many to draw, then the rest of
  // the evidence, then the context operations nearest the point where the history got stuck.
  const focus = extracted.stuckIndex ?? 0;
  const sorted = [...extracted.items].sort(
    (a, b) =>
      Number(b.highlight) - Number(a.highlight) ||
      Number(a.context === true) - Number(b.context === true) ||
      (a.context ? Math.abs(a.start - focus) - Math.abs(b.start - focus) : 0) ||
      a.start - b.start,
  );
  const shown = sorted.slice(0, Math.max(1, o.maxOps));
  const omitted = extracted.omitted + (sorted.length - shown.length);

  const min = Math.min(...shown.map((i) => i.start));
  // An open-ended operation runs to one step past the last event drawn.
  const lastKnown = Math.max(...shown.map((i) => Math.max(i.start, i.end ?? i.start)));
  const max = lastKnown + 1;
  const scale = (plotRight - plotLeft) / Math.max(1, max - min);
  const xOf = (v: number): number => plotLeft + (v - min) * scale;

  const labels = rowOrder(shown);
  const rowIndex = new Map(labels.map((l, i) => [l, i] as const));
  const rows: EvidenceRow[] = labels.map((label, i) => ({ label, y: i * o.rowHeight, height: o.rowHeight }));
  const barHeight = Math.round(o.rowHeight * 0.6);
  const minWidth = 6;
  const bars: EvidenceBar[] = shown
    .sort((a, b) => a.start - b.start)
    .map((item) => {
      const row = rowIndex.get(item.row) as number;
      const open = item.end === undefined;
      const end = item.end === undefined ? max : Math.max(item.end, item.start);
      const x = xOf(item.start);
      const bar: EvidenceBar = {
        row,
        x,
        y: row * o.rowHeight + (o.rowHeight - barHeight) / 2,
        width: Math.max(minWidth, xOf(end) - x),
        height: barHeight,
        text: item.text,
        outcome: item.outcome,
        highlight: item.highlight,
        open,
        mayBeOmitted: item.mayBeOmitted,
        context: item.context === true,
        showText: item.context !== true || Math.max(minWidth, xOf(end) - x) >= textWidth(item.text),
      };
      return item.lines ? { ...bar, lines: item.lines } : bar;
    });

  const step = niceStep(max - min, Math.max(1, Math.floor((plotRight - plotLeft) / 80)));
  const ticks: EvidenceTick[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max; v += step) ticks.push({ x: xOf(v), value: v });
  const stuckIndex = extracted.stuckIndex;
  const extras: { stuck?: EvidenceStuck; cycle?: EvidenceCycle } = {};
  if (stuckIndex !== undefined && stuckIndex >= min && stuckIndex <= max) extras.stuck = { x: xOf(stuckIndex), index: stuckIndex };
  if (extracted.cycle) extras.cycle = layoutCycle(extracted.cycle, o.width);

  return {
    ...extras,
    recognized: true,
    model: verdict.model,
    axis: extracted.axis,
    width: o.width,
    height: rows.length * o.rowHeight + o.axisHeight,
    plotLeft,
    plotRight,
    rows,
    bars,
    ticks,
    notes: extracted.notes,
    omitted,
  };
}
