/**
 * 3pc-split-brain on real nodes: the simulator's split (core/sim/demonstrations) made on a
 * real cluster. On loopback a pre-commit round lasts about a millisecond, which no timed
 * plan hits, so two things widen it and a script strikes inside it:
 *  - every message n1 sends its peers leaves 300 ms late (--slow-node; 300 ms is the
 *    participants' timeout, and without a partition 3PC stays atomic with it), and nearly
 *    every transaction is coordinated by n1 (weighted policy, n1 weight 100). n1's own
 *    participant pre-commits the moment the votes are in, while the pre-commit to the
 *    others is still 300 ms away (a link cut meanwhile loses it: core/node/transport.ts);
 *  - the script watches the nodes' events: when n1 reports its own participant
 *    pre-committed for a transaction a node of the other half voted yes for (prepared),
 *    n1's pre-commit to that node is still on its way (events are flushed every 100 ms).
 *    The script then splits the cluster in halves (n1 n2 | n3 n4 n5) for 2 s: the
 *    pre-commit on its way to the other half is cut off at the receiver.
 * n1's side holds a pre-committed participant and commits by the termination rules; the
 * other half holds only uncertain ones and aborts. The atomicity check over the nodes'
 * logs finds a transaction committed on one side and aborted on the other. The script
 * strikes again after each heal and a calm, so one miss (a transaction with no participant
 * across the split) costs one round.
 */
import { cutsBetweenGroups } from '../../algorithms/common/partitions';
import type { DemoScriptTarget, RealDemonstration } from './types';

const COORDINATOR = 'n1';
const SIDE_A = ['n1', 'n2'];
const SIDE_B = ['n3', 'n4', 'n5'];
/** Long enough for both sides to time out, poll and decide (300 ms + 5 rounds of 100 ms, with margin). */
const SPLIT_MS = 2_000;
const CALM_MS = 1_000;

/** A participant-state event's transaction and state, if it is one. */
function participantState(kind: string, detail: unknown): { txn: string; node: string; state: string } | undefined {
  const d = detail as { txn?: unknown; node?: unknown; state?: unknown } | null;
  if (kind !== 'twopc.participant-state' || typeof d?.txn !== 'string' || typeof d.node !== 'string' || typeof d.state !== 'string') return undefined;
  return { txn: d.txn, node: d.node, state: d.state };
}

/** n1's pre-commit event reaches the supervisor within a flush (100 ms); the pre-commit needs 300 ms. */
const STRIKE_WITHIN_MS = 100;

function splitDuringPreCommit(target: DemoScriptTarget): () => void {
  let armed = true;
  let stopped = false;
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, fn: () => void): void => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };
  // A transaction qualifies once n1's participant pre-committed it and a node of the other
  // half voted yes for it: the two events come from different nodes, in either order.
  const preCommittedAt = new Map<string, number>();
  const votedAcross = new Set<string>();
  const strike = (txn: string): void => {
    armed = false;
    target.cutLinks(cutsBetweenGroups([SIDE_A, SIDE_B]));
    target.say(`3pc-split-brain: ${COORDINATOR} pre-committed ${txn}, its pre-commit to the other half still on its way; cluster split ${SIDE_A.join(' ')} | ${SIDE_B.join(' ')} for ${SPLIT_MS} ms`);
    later(SPLIT_MS, () => {
      target.cutLinks([]);
      preCommittedAt.clear();
      votedAcross.clear();
      later(CALM_MS, () => (armed = true));
    });
  };
  target.onEvents((_node, events) => {
    if (!armed || stopped) return;
    const now = performance.now();
    for (const e of events) {
      const p = participantState(e.kind, e.detail);
      if (!p) continue;
      if (p.node === COORDINATOR && p.state === 'pre-committed') preCommittedAt.set(p.txn, now);
      else if (SIDE_B.includes(p.node) && p.state === 'prepared') votedAcross.add(p.txn);
      else continue;
      const at = preCommittedAt.get(p.txn);
      if (at !== undefined && votedAcross.has(p.txn) && now - at <= STRIKE_WITHIN_MS) return strike(p.txn);
    }
  });
  return () => {
    stopped = true;
    for (const t of timers) clearTimeout(t);
    timers.clear();
    target.cutLinks([]);
  };
}

export const threePcSplitBrainReal: RealDemonstration = {
  name: '3pc-split-brain',
  summary: 'txn mode 3pc, a slow coordinator, the cluster split in halves while its pre-commit is on the way: one half commits, the other aborts',
  args: ['--workload', 'txn', '--mode', '3pc', '--time', '24', '--clients', '6', '--slow-node', `${COORDINATOR}=300`, '--policy', 'weighted', '--weights', `${COORDINATOR}=100`, '--lock-policy', 'wait-die', '--backoff', 'on'],
  script: splitDuringPreCommit,
  expectedModel: 'txn-atomicity',
};
