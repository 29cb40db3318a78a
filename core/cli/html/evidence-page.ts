/**
 * `faultline check --html`: one self-contained page per verdict, for people. The drawing is
 * core/protocol/evidence-layout.ts's layout rendered as SVG, the same layout the panel's
 * Verdict view draws (renderer/src/views/Verdict/EvidenceTimeline.vue), with the same marks:
 * the violation outlined thick and marked ⚠ (never by colour alone), unknown outcomes dotted,
 * operations that may not have taken effect faded. A register failure shows the key's
 * operations on a timeline per client with the line where no linearization exists; a
 * transaction anomaly shows its cycle with the edges labelled (ww, wr, rw, realtime,
 * process) and each transaction's operations.
 *
 * Self-contained: inline CSS and SVG, no script, nothing fetched; a CSP meta tag says so to
 * the browser too. Every text from the history is escaped.
 */
import { CYCLE_OPS_SHOWN, layoutEvidence, shortValue, type EvidenceCycle, type EvidenceLayout } from '../../protocol/evidence-layout';
import type { Verdict } from '../../check/verdict';
import { EVIDENCE_DRAWING_CLASS, EVIDENCE_DRAWING_CSS } from '../../protocol/evidence-style';

export interface EvidencePageInput {
  /** The history file the verdict is about (shown as given). */
  file: string;
  verdict: Verdict;
  /** Milliseconds the check took, when known. */
  ms?: number;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const esc = escapeHtml;

function n(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(1);
}

const HEADLINE: Record<string, string> = {
  true: 'Valid',
  false: 'Violation found',
  unknown: 'Undecided',
};

function badgeClass(valid: Verdict['valid']): string {
  return valid === true ? 'ok' : valid === false ? 'bad' : 'warn';
}

function glyph(outcome: string): string {
  if (outcome === 'ok' || outcome === 'commit') return '✓';
  if (outcome === 'fail' || outcome === 'abort') return '✕';
  if (outcome === 'info') return '?';
  return '';
}

const AXIS_WORDS: Record<string, string> = { history: 'line of the history', slot: 'Paxos slot', txn: 'transaction' };

/** The evidence timeline, as EvidenceTimeline.vue draws it. */
export function timelineSvg(layout: EvidenceLayout): string {
  const rowsHeight = layout.rows.length * (layout.rows[0]?.height ?? 0);
  const tickText = (v: number): string => String(layout.axis === 'history' ? v + 1 : v);
  const rowLabel = (label: string): string => (layout.axis === 'history' ? `process ${label}` : label);
  const parts: string[] = [];
  parts.push(`<svg class="drawing timeline" viewBox="0 0 ${layout.width} ${layout.height}" role="img" aria-label="Evidence timeline" xmlns="http://www.w3.org/2000/svg">`);
  layout.rows.forEach((row, i) => {
    parts.push(`<rect x="0" y="${n(row.y)}" width="${layout.width}" height="${n(row.height)}" class="${i % 2 ? 'band odd' : 'band'}"/>`);
    parts.push(`<text x="8" y="${n(row.y + row.height / 2)}" class="row-label">${esc(rowLabel(row.label))}</text>`);
  });
  for (const tick of layout.ticks) {
    parts.push(`<line x1="${n(tick.x)}" x2="${n(tick.x)}" y1="0" y2="${n(rowsHeight)}" class="tick"/>`);
    parts.push(`<text x="${n(tick.x)}" y="${n(rowsHeight + 16)}" class="tick-label">${tickText(tick.value)}</text>`);
  }
  parts.push(`<text x="${n((layout.plotLeft + layout.plotRight) / 2)}" y="${n(layout.height - 2)}" class="axis-label">${esc(AXIS_WORDS[layout.axis] ?? layout.axis)}</text>`);
  for (const bar of layout.bars) {
    const cls = ['bar', bar.outcome, bar.highlight ? 'highlight' : '', bar.open ? 'open' : '', bar.mayBeOmitted ? 'faded' : '', bar.context ? 'context' : ''].filter(Boolean).join(' ');
    const hint = [`${bar.text} (${bar.outcome}${bar.lines ? `, lines ${bar.lines.join('–')}` : ''})`, bar.open ? 'never completed' : '', bar.mayBeOmitted ? 'may not have taken effect' : '']
      .filter(Boolean)
      .join(' · ');
    parts.push(
      `<g class="${esc(cls)}" data-highlight="${bar.highlight ? 'yes' : 'no'}"><title>${esc(hint)}</title>` +
        `<rect x="${n(bar.x)}" y="${n(bar.y)}" width="${n(bar.width)}" height="${n(bar.height)}" rx="4"/>` +
        (bar.showText ? `<text x="${n(bar.x + 6)}" y="${n(bar.y + bar.height / 2)}" class="bar-text">${bar.highlight ? '⚠ ' : ''}${glyph(bar.outcome)} ${esc(bar.text)}</text>` : '') +
        '</g>',
    );
  }
  if (layout.stuck) {
    const x = n(layout.stuck.x);
    parts.push(
      `<g class="stuck" data-stuck-line="${layout.stuck.index + 1}"><title>No order of these operations that respects real time and the register gets past line ${layout.stuck.index + 1}</title>` +
        `<line x1="${x}" x2="${x}" y1="0" y2="${n(rowsHeight)}"/>` +
        `<text x="${x}" y="${n(rowsHeight + 30)}" class="stuck-label">no linearization past line ${layout.stuck.index + 1}</text></g>`,
    );
  }
  parts.push('</svg>');
  return parts.join('\n');
}

/** A transaction anomaly's cycle: transactions on a circle, arrows labelled by dependency. */
export function cycleSvg(cycle: EvidenceCycle): string {
  const r = cycle.nodeRadius;
  const parts: string[] = [];
  parts.push(`<svg class="drawing cycle" viewBox="0 0 ${cycle.width} ${n(cycle.height)}" role="img" aria-label="${esc(`${cycle.type} cycle`)}" xmlns="http://www.w3.org/2000/svg">`);
  parts.push('<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="arrow-head"/></marker></defs>');
  for (const e of cycle.edges) {
    const label = e.key ? `${e.type} ${e.key}` : e.type;
    parts.push(
      `<g class="edge ${esc(e.type)}" data-edge="${esc(e.type)}"><title>${esc(e.why)}</title>` +
        `<line x1="${n(e.x1)}" y1="${n(e.y1)}" x2="${n(e.x2)}" y2="${n(e.y2)}" marker-end="url(#arrow)"/>` +
        `<text x="${n(e.labelX)}" y="${n(e.labelY)}" class="edge-label">${esc(label)}</text></g>`,
    );
  }
  for (const node of cycle.nodes) {
    const shown = node.ops.slice(0, CYCLE_OPS_SHOWN);
    const more = node.ops.length - shown.length;
    const lines = shown.length + (more > 0 ? 1 : 0);
    const below = node.y >= cycle.height / 2 - 1;
    const listY = below ? node.y + r + 18 : node.y - r - 10 - 16 * Math.max(0, lines - 1);
    parts.push(`<g class="node"><circle cx="${n(node.x)}" cy="${n(node.y)}" r="${r}"/><text x="${n(node.x)}" y="${n(node.y)}" class="node-label">${esc(node.name)}</text>`);
    shown.forEach((op, i) => parts.push(`<text x="${n(node.x)}" y="${n(listY + 16 * i)}" class="node-op">${esc(op)}</text>`));
    if (more > 0) parts.push(`<text x="${n(node.x)}" y="${n(listY + 16 * shown.length)}" class="node-op">… ${more} more</text>`);
    parts.push('</g>');
  }
  parts.push('</svg>');
  return parts.join('\n');
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function lines(o: Obj): string {
  const a = o.invokeLine;
  const b = o.completeLine;
  return typeof a === 'number' ? (typeof b === 'number' ? `${a}–${b}` : `${a} (never completed)`) : '';
}

/** The operations of register or lock evidence as a table, the stuck one marked. */
function operationsTable(ops: unknown[], stuckInvoke: number | undefined): string {
  const rows = ops.filter(isObj).map((o) => {
    const stuck = o.invokeIndex === stuckInvoke;
    const value = 'value' in o ? shortValue(o.value, 60) : '';
    const result = o.result === undefined ? '' : shortValue(o.result, 30);
    const outcome = `${String(o.outcome ?? '')}${o.mayBeOmitted === true ? ' (may not have taken effect)' : ''}`;
    return (
      `<tr class="${stuck ? 'stuck-op' : ''}" data-op-line="${esc(String(o.invokeLine ?? ''))}">` +
      `<td>${stuck ? '⚠ ' : ''}${esc(String(o.process ?? ''))}</td><td>${esc(String(o.f ?? ''))}</td><td>${esc(String(o.key ?? ''))}</td>` +
      `<td><code>${esc(value)}</code></td><td><code>${esc(result)}</code></td><td>${esc(outcome)}</td><td>${esc(lines(o))}</td></tr>`
    );
  });
  return `<table class="ops"><thead><tr><th>process</th><th>operation</th><th>key</th><th>value</th><th>result</th><th>outcome</th><th>lines</th></tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table>`;
}

/** Each transaction of each anomaly with its micro-operations. */
function anomaliesSection(anomalies: unknown[]): string {
  const out: string[] = [];
  anomalies.filter(isObj).forEach((a, i) => {
    out.push(`<section class="anomaly" data-anomaly="${esc(String(a.type ?? ''))}"><h3>${i === 0 ? '⚠ ' : ''}${esc(String(a.type ?? 'anomaly'))}</h3>`);
    if (typeof a.explanation === 'string') out.push(`<p>${esc(a.explanation)}</p>`);
    const not = list(a.not).filter((m): m is string => typeof m === 'string');
    if (not.length > 0) out.push(`<p class="muted">Rules out: ${esc(not.join(', '))}</p>`);
    const hops = list(a.cycle).filter(isObj);
    if (hops.length > 0) {
      out.push('<ol class="hops">');
      for (const h of hops) {
        const mops = Array.isArray(h.mops) ? ` — <code>${esc(shortValue(h.mops[0], 60))}</code> → <code>${esc(shortValue(h.mops[1], 60))}</code>` : '';
        out.push(`<li><strong>${esc(String(h.from))} → ${esc(String(h.to))}</strong> <span class="edge-type">${esc(String(h.type))}${h.key ? ` ${esc(String(h.key))}` : ''}</span>: ${esc(String(h.why ?? ''))}${mops}</li>`);
      }
      out.push('</ol>');
    }
    const txns = list(a.txns).filter(isObj);
    if (txns.length > 0) {
      out.push('<table class="ops"><thead><tr><th>transaction</th><th>process</th><th>status</th><th>operations</th></tr></thead><tbody>');
      for (const t of txns) {
        const ops = list(t.value).map((m) => (Array.isArray(m) ? m.map((x) => (typeof x === 'string' ? x : shortValue(x, 40))).join(' ') : shortValue(m, 40)));
        out.push(`<tr><td>${esc(String(t.name ?? ''))}</td><td>${esc(String(t.process ?? ''))}</td><td>${esc(String(t.status ?? ''))}</td><td><code>${esc(ops.join('; '))}</code></td></tr>`);
      }
      out.push('</tbody></table>');
    }
    out.push('</section>');
  });
  return out.join('\n');
}

function evidenceSection(verdict: Verdict, layout: EvidenceLayout): string {
  const e = verdict.evidence;
  const parts: string[] = [`<section class="evidence ${EVIDENCE_DRAWING_CLASS}"><h2>Evidence</h2>`];
  if (layout.cycle) {
    parts.push(`<figure>${cycleSvg(layout.cycle)}<figcaption>The ${esc(layout.cycle.type)} cycle: each arrow is a dependency (ww: overwrote, wr: read the write of, rw: read a version the other overwrote, realtime: completed before the other began, process: came before in the same process).</figcaption></figure>`);
  }
  if (layout.recognized) {
    parts.push(`<figure>${timelineSvg(layout)}<figcaption class="legend"><span class="key highlight">⚠ the violation</span> <span class="key open">never completed</span> <span class="key faded">may not have taken effect</span>${layout.bars.some((b) => b.context) ? ' <span class="key context">other operations on this key</span>' : ''}${layout.stuck ? ' <span class="key stuck">no linearization past this line</span>' : ''}${layout.omitted > 0 ? ` <span class="muted">${layout.omitted} more operations not drawn</span>` : ''}</figcaption></figure>`);
  } else {
    parts.push('<p class="muted">This evidence has no drawing; the summary above says it all.</p>');
  }
  if (isObj(e)) {
    if (Array.isArray(e.operations)) {
      const stuck = isObj(e.stuckAt) && typeof e.stuckAt.invokeIndex === 'number' ? e.stuckAt.invokeIndex : undefined;
      const key = typeof e.key === 'string' ? `key <code>${esc(e.key)}</code>` : 'the register';
      parts.push(`<h3>Operations of ${key} that cannot all be linearized</h3>`);
      parts.push(operationsTable(e.operations, stuck));
      if (typeof e.omitted === 'number' && e.omitted > 0) parts.push(`<p class="muted">${e.omitted} more operations of the key not listed.</p>`);
    }
    if (Array.isArray(e.anomalies)) parts.push(anomaliesSection(e.anomalies));
    if (Array.isArray(e.violations)) {
      for (const v of e.violations.filter(isObj)) {
        if (typeof v.explanation === 'string') parts.push(`<p>${esc(v.explanation)}</p>`);
        if (Array.isArray(v.operations)) parts.push(operationsTable(v.operations, undefined));
      }
    }
  }
  parts.push('</section>');
  return parts.join('\n');
}

const CSS = `
:root { color-scheme: light dark; --bg: #ffffff; --fg: #1b1f24; --muted: #5b6570; --panel: #f3f5f7; --panel-2: #e7ebef; --border: #c5ccd3; --ok: #137333; --bad: #b3261e; --warn: #8a5a00; --accent: #1a5fb4; }
@media (prefers-color-scheme: dark) { :root { --bg: #15181c; --fg: #e8eaed; --muted: #a0a8b0; --panel: #1e2227; --panel-2: #262b31; --border: #3b434c; --ok: #6dd58c; --bad: #ff8a80; --warn: #f6c26b; --accent: #8ab4f8; } }
body { margin: 0 auto; max-width: 1100px; padding: 1.5rem; background: var(--bg); color: var(--fg); font: 16px/1.5 system-ui, sans-serif; }
h1 { font-size: 1.3rem; margin: 0 0 0.5rem; word-break: break-all; }
.head { display: flex; gap: 1rem; align-items: baseline; flex-wrap: wrap; }
.badge { font-size: 1.6rem; font-weight: 800; padding: 0.1rem 0.6rem; border-radius: 6px; border: 3px solid currentColor; }
.badge.ok { color: var(--ok); } .badge.bad { color: var(--bad); } .badge.warn { color: var(--warn); }
.muted { color: var(--muted); }
.summary { font-size: 1.1rem; }
figure { margin: 1rem 0; }
.drawing { width: 100%; height: auto; }
${EVIDENCE_DRAWING_CSS}
table.ops { border-collapse: collapse; width: 100%; font-size: 0.95rem; margin: 0.5rem 0 1rem; }
.ops th, .ops td { border: 1px solid var(--border); padding: 0.2rem 0.5rem; text-align: left; vertical-align: top; }
.ops th { background: var(--panel); }
.ops tr.stuck-op td { font-weight: 800; color: var(--bad); }
.hops li { margin: 0.2rem 0; }
.edge-type { font-weight: 800; color: var(--bad); }
dl.stats { display: grid; grid-template-columns: max-content 1fr; gap: 0.1rem 1rem; font-size: 0.9rem; }
dl.stats dt { color: var(--muted); }
`;

/** The whole page for one verdict. */
export function renderEvidencePage(input: EvidencePageInput): string {
  const { file, verdict } = input;
  const headline = HEADLINE[String(verdict.valid)] ?? String(verdict.valid);
  const layout = verdict.valid === false ? layoutEvidence(verdict, { maxOps: 100 }) : undefined;
  const stats = verdict.stats ? Object.entries(verdict.stats) : [];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(`${headline}: ${file} (${verdict.model}) · faultline check`)}</title>
<style>${CSS}</style>
</head>
<body data-valid="${esc(String(verdict.valid))}" data-model="${esc(verdict.model)}">
<header>
<h1>faultline check · <code>${esc(file)}</code></h1>
<div class="head"><strong class="badge ${badgeClass(verdict.valid)}">${esc(headline)}</strong><span class="muted">model: ${esc(verdict.model)}${input.ms === undefined ? '' : ` · checked in ${esc(n(input.ms))} ms`}</span></div>
</header>
<main>
<p class="summary">${esc(verdict.summary)}</p>
${layout ? evidenceSection(verdict, layout) : ''}
${stats.length > 0 ? `<details><summary>Checker figures</summary><dl class="stats">${stats.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(String(v))}</dd>`).join('')}</dl></details>` : ''}
</main>
</body>
</html>
`;
}
