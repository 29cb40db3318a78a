/**
 * Atomicity of distributed transactions, judged from what the nodes and clients observed
 * (not from the history's reads, which checkTxn judges): every participant that applied
 * an outcome for a transaction applied the same one, no node changed its mind across a
 * restart, the decision (coordinator's or the log's) agrees with them, and a client told
 * "committed" (ok) or "certainly not" (fail) was told the truth. Participants still in
 * doubt at the end are not a violation (classic 2PC may block; that is the lesson) but
 * are counted, and named in the summary.
 */
import type { Verdict } from './verdict';

export type TxnOutcome = 'commit' | 'abort';

export interface AtomicityObservations {
  /** Participants applying an outcome (a node may appear again after a restart). */
  outcomes: readonly { txn: string; node: string; outcome: TxnOutcome }[];
  /** Decisions made by coordinators or a decision log. */
  decisions: readonly { txn: string; node: string; outcome: TxnOutcome }[];
  /** What clients were told: ok -> commit, fail -> abort (info: nothing certain, omit). */
  replies: readonly { txn: string; outcome: TxnOutcome }[];
  /** Participants that voted yes and never learned an outcome by the end. */
  inDoubtAtEnd?: readonly { txn: string; node: string }[];
}

interface Claim {
  who: string;
  outcome: TxnOutcome;
}

const MAX_EVIDENCE = 10;

export function checkAtomicity(obs: AtomicityObservations): Verdict {
  const claims = new Map<string, Claim[]>();
  const add = (txn: string, who: string, outcome: TxnOutcome): void => {
    let list = claims.get(txn);
    if (!list) claims.set(txn, (list = []));
    list.push({ who, outcome });
  };
  for (const o of obs.outcomes) add(o.txn, `participant ${o.node}`, o.outcome);
  for (const d of obs.decisions) add(d.txn, `decision at ${d.node}`, d.outcome);
  for (const r of obs.replies) add(r.txn, 'the client', r.outcome);

  const violations: { txn: string; committed: string[]; aborted: string[] }[] = [];
  for (const [txn, list] of claims) {
    const committed = [...new Set(list.filter((c) => c.outcome === 'commit').map((c) => c.who))];
    const aborted = [...new Set(list.filter((c) => c.outcome === 'abort').map((c) => c.who))];
    if (committed.length > 0 && aborted.length > 0) violations.push({ txn, committed, aborted });
  }
  const inDoubt = obs.inDoubtAtEnd ?? [];
  const stats = {
    txns: claims.size,
    participantOutcomes: obs.outcomes.length,
    committed: [...claims.values()].filter((l) => l.some((c) => c.outcome === 'commit')).length,
    violations: violations.length,
    inDoubtAtEnd: inDoubt.length,
  };
  if (violations.length > 0) {
    const v = violations[0]!;
    return {
      valid: false,
      model: 'txn-atomicity',
      summary: `Atomicity broken for ${violations.length} transaction(s). Transaction ${v.txn}: committed according to ${v.committed.join(', ')}, but aborted according to ${v.aborted.join(', ')}. All participants of a transaction must reach the same outcome.`,
      evidence: { violations: violations.slice(0, MAX_EVIDENCE) },
      stats,
    };
  }
  const doubt =
    inDoubt.length === 0
      ? ''
      : ` ${inDoubt.length} participant(s) were still in doubt at the end (blocked, holding locks), e.g. ${inDoubt[0]!.node} for ${inDoubt[0]!.txn}.`;
  return {
    valid: true,
    model: 'txn-atomicity',
    summary: `Atomic: every one of ${claims.size} transactions has a single outcome across its participants, its decision and its client.${doubt}`,
    stats,
  };
}
