/**
 * The run report in words (report.txt and the terminal) and as JSON (verdict.json).
 */
import type { AvailabilityFigures, RequestFigures, TimeFigures, WindowFigures } from '../../protocol/figures';
import { loadLines } from './load-lines';
import type { RunResult } from './run-workload';

const share = (x: number | null | undefined): string => (x == null ? '—' : `${(x * 100).toFixed(1)}%`);
const sec = (ms: number): string => `${(ms / 1000).toFixed(1)}s`;

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
  lines.push(...figureLines(r.figures));
  lines.push(...loadLines(r.load));
  const errors = r.timeline.filter((e) => e.phase === 'error');
  for (const e of errors) lines.push(`nemesis error at ${sec(e.atMs)}: ${e.text}`);
  for (const n of r.notes) lines.push(`note: ${n}`);
  return lines.join('\n');
}

/** verdict.json: everything a tool needs, without the history itself. */
export function reportJson(r: RunResult, h: ReportHeader): unknown {
  return { ...h, ...r };
}

const DETECTED_BY: Record<NonNullable<WindowFigures['detectedBy']>, string> = {
  suspicion: 'a failure detector suspected a node',
  'leader-change': 'a new leader',
  'request-failed': 'a request failed',
};

function requestsText(q: RequestFigures): string {
  if (q.ops === 0) return 'no requests';
  const part = (n: number): string => share(n / q.ops);
  const codes = Object.entries(q.refusedCodes).sort(([, a], [, b]) => b - a).map(([c, n]) => `${c} ${n}`).join(', ');
  const parts = [`ok ${part(q.ok)}`];
  if (q.refused > 0) parts.push(`refused by design ${part(q.refused)}${codes ? ` (${codes})` : ''}`);
  if (q.unavailable > 0) parts.push(`unavailable ${part(q.unavailable)}`);
  if (q.unknown > 0) parts.push(`unknown ${part(q.unknown)}`);
  return `${share(q.availability)} of ${q.ops} answered (${parts.join(', ')})`;
}

function timeText(t: TimeFigures): string {
  return t.active === 0 ? 'no active time' : `${share(t.availability)} of ${t.active} active ${t.bucketMs / 1000} s buckets`;
}

/**
 * The figures in words. Availability counts a definite answer (ok, or a refusal by design
 * such as a conflict abort) as available; unavailable is no answer in time.
 */
export function figureLines(f: AvailabilityFigures): string[] {
  const lines: string[] = [];
  lines.push(`availability: requests ${requestsText(f.requests)}; time ${timeText(f.time)}`);
  if (f.windows.length > 0) lines.push(`  no fault: requests ${requestsText(f.baseline.requests)}; time ${timeText(f.baseline.time)}`);
  const ms = (x: number | null): string => (x === null ? '—' : `${x} ms`);
  lines.push(
    `faults: ${f.faults} (${f.faultsPerHour ?? '—'} per hour); mean time to detect ${ms(f.mttdMs)} (${f.detected} of ${f.faults} noticed); mean time to recover ${ms(f.mttrMs)} (${f.recovered} of ${f.faults} recovered)`,
  );
  if (f.selfHealRestarts.length > 0) lines.push(`self-heal restarts: ${f.selfHealRestarts.map((x) => `${x.node} at ${sec(x.atMs)} (down ${sec(x.downMs)})`).join(', ')}`);
  if (f.windows.length > 0) {
    lines.push('per fault (detect: fault -> first sign the cluster noticed; recover: heal or self-heal restart -> first ok request invoked after it):');
    for (const w of f.windows) {
      const window = `${sec(w.startMs)}–${w.healMs === undefined ? 'end' : sec(w.healMs)}`;
      lines.push(`  ${window.padEnd(13)} ${w.text}`);
      const detect = w.detectMs === null || w.detectedBy === null ? 'not noticed (masked)' : `noticed after ${w.detectMs} ms (${DETECTED_BY[w.detectedBy]})`;
      const from = w.repairMs === undefined ? '' : w.healMs !== undefined && w.repairMs === w.healMs ? ' after the heal' : ' after the self-heal restart';
      const recover = w.recoverMs === null ? (w.repairMs === undefined ? 'not healed' : 'never recovered') : `recovered ${w.recoverMs} ms${from}`;
      lines.push(`      requests ${requestsText(w.requests)}; time ${timeText(w.time)}; ${detect}; ${recover}; longest outage ${w.longestOutageMs} ms`);
    }
  }
  return lines;
}
