/**
 * The run report in words (report.txt and the terminal) and as JSON (verdict.json).
 */
import type { Tally } from './availability';
import type { RunResult } from './run-workload';

const pct = (t: Tally | undefined): string => (t?.availability == null ? '—' : `${(t.availability * 100).toFixed(1)}%`);
const sec = (ms: number): string => `${(ms / 1000).toFixed(1)}s`;
const msOr = (ms: number | null, none: string): string => (ms === null ? none : `${ms} ms`);

export interface ReportHeader {
  readonly nodes: number;
  readonly mode: string;
  readonly clients: number;
  readonly rate: number;
  readonly faults: readonly string[];
}

export function verdictWord(v: RunResult['verdict']): string {
  return v.valid === true ? 'VALID' : v.valid === false ? 'INVALID' : 'UNKNOWN';
}

export function formatReport(r: RunResult, h: ReportHeader): string {
  const lines: string[] = [];
  lines.push(`faultline run: ${r.workload} workload on ${h.nodes} nodes (mode ${h.mode}), ${h.clients} clients at ${h.rate} ops/s for ${sec(r.durationMs)}, faults ${h.faults.join(',') || 'none'}, seed ${r.seed}`);
  lines.push(`operations: ${r.counts.invoked} invoked, ${r.counts.ok} ok, ${r.counts.fail} fail, ${r.counts.info} info (unknown outcome)`);
  if (r.unsupported !== undefined) lines.push(`UNSUPPORTED: ${r.unsupported}`);
  lines.push(`verdict (${r.model}, checked in ${sec(r.checkMs)}): ${verdictWord(r.verdict)} — ${r.verdict.summary}`);
  if (r.live.checks > 0) {
    lines.push(`live checks: ${r.live.checks}${r.live.firstViolationMs === null ? ', no violation seen' : `, first violation seen at ${sec(r.live.firstViolationMs)}`}`);
  }
  const kinds = Object.entries(r.availability.byKind).map(([k, t]) => `${k} ${pct(t)} (${t.ops} ops)`);
  lines.push(`availability (ok / operations invoked in the window): overall ${pct(r.availability.overall)}, no fault ${pct(r.availability.baseline)} (${r.availability.baseline.ops} ops)${kinds.length ? `, ${kinds.join(', ')}` : ''}`);
  if (r.availability.recoveries.length > 0) {
    lines.push('faults (recovery = until an operation invoked after that moment succeeded):');
    for (const x of r.availability.recoveries) {
      const window = `${sec(x.startMs)}–${x.healMs === undefined ? 'end' : sec(x.healMs)}`;
      lines.push(`  ${window.padEnd(13)} ${x.text}`);
      lines.push(`      ok ${pct(x.tally)} of ${x.tally.ops}; recovered ${msOr(x.fromFaultMs, 'never')} after the fault, ${msOr(x.fromHealMs, x.healMs === undefined ? 'not healed' : 'never')} after the heal; longest outage ${x.longestOutageMs} ms`);
    }
  }
  const load = Object.entries(r.load.perNode).sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }));
  if (load.length > 0) lines.push(`requests per node (policy ${r.load.policy}): ${load.map(([n, c]) => `${n} ${c}`).join('  ')}`);
  const errors = r.timeline.filter((e) => e.phase === 'error');
  for (const e of errors) lines.push(`nemesis error at ${sec(e.atMs)}: ${e.text}`);
  for (const n of r.notes) lines.push(`note: ${n}`);
  return lines.join('\n');
}

/** verdict.json: everything a tool needs, without the history itself. */
export function reportJson(r: RunResult, h: ReportHeader): unknown {
  return { ...h, ...r };
}
