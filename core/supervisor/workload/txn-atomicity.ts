/**
 * Atomicity of a real run's transactions, judged as the simulator judges it: from what
 * each node made durable. Every node's log is read after the run (its `twopc` records:
 * participant outcomes, coordinator COMMIT records, and the outcomes a compaction folded
 * in) with a read-only decode, so a node still writing, or a torn tail, only ends the read
 * early; nothing is repaired or changed. A transaction one participant committed and
 * another aborted (3PC split by a partition) is the violation.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TwoPcRecord } from '../../algorithms/twopc/types';
import { checkAtomicity, type AtomicityObservations, type TxnOutcome } from '../../check/txn-atomicity';
import type { Verdict } from '../../check/verdict';
import { decodeRecords } from '../../node/log-frame';

/** The log file a node keeps in its data folder (core/node/host.ts). */
const NODE_LOG = 'node.log';

export async function clusterAtomicity(nodes: readonly { id: string; dataDir: string }[]): Promise<Verdict> {
  const outcomes: { txn: string; node: string; outcome: TxnOutcome }[] = [];
  const decisions: { txn: string; node: string; outcome: TxnOutcome }[] = [];
  const unread: string[] = [];
  /** Per node, each transaction's records in log order (the evidence of a violation). */
  const trail = new Map<string, Map<string, string[]>>();
  for (const { id, dataDir } of nodes) {
    let bytes: Buffer;
    try {
      bytes = await readFile(join(dataDir, NODE_LOG));
    } catch {
      unread.push(id); // never started, or its folder is gone: it decided nothing we can see
      continue;
    }
    const mine = new Map<string, string[]>();
    trail.set(id, mine);
    for (const r of twopcRecords(decodeRecords(bytes).records)) {
      if ('txn' in r) mine.set(r.txn, [...(mine.get(r.txn) ?? []), r.type === 'outcome' ? `outcome ${r.outcome}` : r.type]);
      if (r.type === 'outcome') outcomes.push({ txn: r.txn, node: id, outcome: r.outcome });
      else if (r.type === 'commit') decisions.push({ txn: r.txn, node: id, outcome: 'commit' });
      else if (r.type === 'compacted') {
        for (const [txn, outcome] of r.finished) outcomes.push({ txn, node: id, outcome });
        for (const txn of r.committed) decisions.push({ txn, node: id, outcome: 'commit' });
      }
    }
  }
  const obs: AtomicityObservations = { outcomes, decisions, replies: [] };
  const checked = checkAtomicity(obs);
  const verdict = checked.valid === false ? withTrails(checked, trail) : checked;
  if (unread.length === 0) return verdict;
  return { ...verdict, summary: `${verdict.summary} (no log read from ${unread.join(', ')})` };
}

/** Adds, for each violating transaction shown, what every node logged for it, in order. */
function withTrails(verdict: Verdict, trail: ReadonlyMap<string, ReadonlyMap<string, string[]>>): Verdict {
  const violations = (verdict.evidence as { violations?: { txn: string }[] } | undefined)?.violations ?? [];
  const logs = violations.map((v) => ({ txn: v.txn, records: Object.fromEntries([...trail].flatMap(([node, m]) => (m.has(v.txn) ? [[node, m.get(v.txn)!]] : []))) }));
  return { ...verdict, evidence: { ...(verdict.evidence as object), logs } };
}

function twopcRecords(records: readonly unknown[]): TwoPcRecord[] {
  const out: TwoPcRecord[] = [];
  for (const r of records) {
    const tagged = r as { part?: unknown; body?: unknown } | null;
    if (tagged?.part === 'twopc' && typeof tagged.body === 'object' && tagged.body !== null) out.push(tagged.body as TwoPcRecord);
  }
  return out;
}

/**
 * A txn run's result with atomicity judged too: the run's verdict becomes the atomicity
 * violation if there is one (the worse news; the serializability verdict stays in a note),
 * and a note says what the atomicity check found either way.
 */
export async function withAtomicity<R extends { readonly verdict: Verdict; readonly notes: string[] }>(
  result: R,
  cluster: { readonly ids: readonly string[]; dataDirOf(id: string): string },
): Promise<R> {
  const atomicity = await clusterAtomicity(cluster.ids.map((id) => ({ id, dataDir: cluster.dataDirOf(id) })));
  if (atomicity.valid !== false) return { ...result, notes: [...result.notes, `atomicity (from the nodes' logs): ${atomicity.summary}`] };
  return { ...result, verdict: atomicity, notes: [...result.notes, `serializability (${result.verdict.model}): ${result.verdict.summary}`] };
}
