/**
 * How an evidence drawing looks, written once for both places that draw
 * evidence-layout.ts's layout: the `check --html` page (inlined in its <style>) and the
 * panel's Verdict view (added to the page's head once). Every rule sits under
 * `.evidence-drawing` so the panel's other views (whose nodes and bars have classes of the
 * same names) are untouched. Colours come from the host's CSS variables (--fg, --bg, --bad,
 * --panel, --panel-2, --border, --muted), which both define for light and dark themes.
 * Marks never rely on colour alone: the violation is thick and ⚠-marked, unknown outcomes
 * dotted, failed ones dashed.
 */
export const EVIDENCE_DRAWING_CLASS = 'evidence-drawing';

export const EVIDENCE_DRAWING_CSS = [
  '.band { fill: var(--panel); }',
  '.band.odd { fill: var(--panel-2); }',
  '.row-label { font-size: 16px; font-weight: 700; fill: var(--fg); dominant-baseline: middle; }',
  '.tick { stroke: var(--border); stroke-width: 1; stroke-dasharray: 2 3; }',
  '.tick-label, .axis-label { font-size: 13px; fill: var(--muted); text-anchor: middle; }',
  '.bar rect { fill: var(--bg); stroke: var(--fg); stroke-width: 2; }',
  '.bar.fail rect, .bar.abort rect { stroke-dasharray: 6 3; }',
  '.bar.info rect { stroke-dasharray: 2 3; }',
  '.bar.highlight rect { stroke: var(--bad); stroke-width: 4; }',
  '.bar.open rect { stroke-dasharray: 10 4; }',
  '.bar.faded { opacity: 0.5; }',
  '.bar.context rect { fill-opacity: 0.2; stroke-opacity: 0.45; }',
  '.bar.context text { opacity: 0.6; }',
  '.bar-text { font-size: 14px; fill: var(--fg); dominant-baseline: middle; }',
  '.bar.highlight .bar-text { font-weight: 800; fill: var(--bad); }',
  '.stuck line { stroke: var(--bad); stroke-width: 3; stroke-dasharray: 8 4; }',
  '.stuck-label { font-size: 13px; font-weight: 700; fill: var(--bad); text-anchor: middle; }',
  '.edge line { stroke: var(--fg); stroke-width: 2.5; }',
  '.edge.rw line { stroke-dasharray: 8 4; }',
  '.edge.realtime line, .edge.process line { stroke-dasharray: 2 4; }',
  '.arrow-head { fill: var(--fg); }',
  '.edge-label { font-size: 15px; font-weight: 800; fill: var(--bad); text-anchor: middle; dominant-baseline: middle; paint-order: stroke; stroke: var(--bg); stroke-width: 5px; }',
  '.node circle { fill: var(--panel); stroke: var(--bad); stroke-width: 3; }',
  '.node-label { font-size: 15px; font-weight: 800; fill: var(--fg); text-anchor: middle; dominant-baseline: middle; }',
  '.node-op { font-size: 13px; fill: var(--fg); text-anchor: middle; font-family: ui-monospace, monospace; }',
  '.legend { display: flex; gap: 1rem; font-size: 0.9rem; flex-wrap: wrap; }',
  '.key.highlight { color: var(--bad); font-weight: 800; border: 3px solid var(--bad); padding: 0 0.3rem; }',
  '.key.open { border: 2px dashed var(--fg); padding: 0 0.3rem; }',
  '.key.faded { opacity: 0.5; border: 2px solid var(--fg); padding: 0 0.3rem; }',
  '.key.context { opacity: 0.6; border: 1px solid var(--fg); padding: 0 0.3rem; }',
  '.key.stuck { color: var(--bad); border-left: 3px dashed var(--bad); padding: 0 0.3rem; }',
]
  .map((rule) => {
    const brace = rule.indexOf('{');
    const selectors = rule.slice(0, brace).split(',').map((s) => `.${EVIDENCE_DRAWING_CLASS} ${s.trim()}`);
    return `${selectors.join(', ')} ${rule.slice(brace)}`;
  })
  .join('\n');
