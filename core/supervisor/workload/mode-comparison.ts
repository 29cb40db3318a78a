/**
 * `faultline run --workload txn --mode classic,paxos,...`: each mode ran in turn on a
 * fresh cluster with the same seed (so the same nemesis schedule and client choices);
 * this is the one table that puts them side by side: how transactions ended, the success
 * rate per fault window kind, and the checker's verdict.
 */
import type { RunResult } from './run-workload';
import type { TxnTally } from './txn';

export interface ModeRun {
  readonly mode: string;
  /** The run's exit code (0 valid, 1 violation, 2 unsupported, 3 unknown, 4 no cluster). */
  readonly code: number;
  readonly result?: RunResult;
  readonly txn?: TxnTally;
  readonly interrupted: boolean;
}

const pct = (x: number | null | undefined): string => (x == null ? '—' : `${(x * 100).toFixed(1)}%`);

export function formatModeComparison(rows: readonly ModeRun[]): string {
  const kinds = [...new Set(rows.flatMap((r) => Object.keys(r.result?.availability.byKind ?? {})))].sort();
  const head = ['mode', 'committed', 'conflict aborts', 'other aborts', 'unavailable', 'success no-fault', ...kinds.map((k) => `success ${k}`), 'verdict'];
  const body = rows.map((r) => {
    const a = r.result?.availability;
    const t = r.txn;
    const verdict = r.result === undefined ? `no run (exit ${r.code})` : `${r.result.verdict.valid === true ? 'VALID' : r.result.verdict.valid === false ? 'INVALID' : 'UNKNOWN'} (${r.result.verdict.model})`;
    return [
      r.mode,
      String(t?.committed ?? r.result?.counts.ok ?? '—'),
      String(t?.abortedByConflict ?? '—'),
      String(t?.abortedOther ?? '—'),
      String(t?.unavailable ?? '—'),
      pct(a?.baseline.availability),
      ...kinds.map((k) => {
        const tally = a?.byKind[k];
        return tally === undefined ? '—' : `${pct(tally.availability)} of ${tally.ops}`;
      }),
      verdict,
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const fmt = (row: readonly string[]): string => row.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  const seed = rows.find((r) => r.result)?.result?.seed;
  return [
    `transaction modes side by side${seed !== undefined ? ` (seed ${seed}, the same nemesis schedule for each)` : ''}; success = committed / invoked in the window`,
    fmt(head),
    fmt(widths.map((w) => '-'.repeat(w))),
    ...body.map(fmt),
  ].join('\n');
}

/** The exit code of a comparison: the most serious of the runs' (a violation beats unknown). */
export function worstExitCode(codes: readonly number[]): number {
  const rank = [0, 3, 2, 4, 1];
  return codes.reduce((worst, c) => (rank.indexOf(c) > rank.indexOf(worst) ? c : worst), 0);
}
