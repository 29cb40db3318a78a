/**
 * Load per node in the run report: one row per node with the requests the run's clients
 * sent it, how many were answered ok and how many failed, and the latency of its attempts.
 */
import type { RunResult } from './run-workload';

const ms = (x: number | null): string => (x === null ? '—' : x.toFixed(1));

export function loadLines(load: RunResult['load']): string[] {
  const rows = Object.entries(load.perNode);
  if (rows.length === 0) return [];
  const total = rows.reduce((s, [, l]) => s + l.sent, 0);
  // The weight column only when some node weighs other than 1.
  const weighted = Object.values(load.weights).some((w) => w !== 1);
  const weightCell = (node: string): string => (weighted ? String(load.weights[node] ?? 1).padStart(8) : '');
  const lines = [`load per node (policy ${load.policy}; latency of every attempt, ok or not, in ms):`];
  lines.push(`  ${'node'.padEnd(6)}${weighted ? 'weight'.padStart(8) : ''}${'sent'.padStart(8)}${'share'.padStart(8)}${'ok'.padStart(8)}${'failed'.padStart(8)}${'p50'.padStart(9)}${'p99'.padStart(9)}`);
  for (const [node, l] of rows) {
    const share = total === 0 ? '—' : `${((l.sent / total) * 100).toFixed(1)}%`;
    lines.push(`  ${node.padEnd(6)}${weightCell(node)}${String(l.sent).padStart(8)}${share.padStart(8)}${String(l.ok).padStart(8)}${String(l.failed).padStart(8)}${ms(l.p50Ms).padStart(9)}${ms(l.p99Ms).padStart(9)}`);
  }
  return lines;
}
