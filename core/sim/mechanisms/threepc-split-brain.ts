/**
 * `3pc-split-brain`: the lesson of three-phase commit. 3PC does not block when the
 * coordinator crashes, because a participant that hears nothing decides with whatever peers
 * it can reach (pre-committed: commit; all uncertain: abort). A partition is not a crash:
 * the script waits for a coordinator's pre-commit round and cuts the network right through
 * it, so the pre-commit reaches one side only. The side with a pre-committed participant
 * commits by the termination rules, the side with only uncertain ones aborts, and the
 * atomicity checker finds the transaction committed on one side and aborted on the other.
 *
 * No random faults run beside it (the scenario fixes its fault script), so the split hits
 * on every seed: the first pre-commit round that has yes voters to leave on both sides.
 */
import type { NodeId } from '../../algorithms/common/types';
import type { TwoPcMsg, TwoPcStatus } from '../../algorithms/twopc';
import type { NemesisOptions, ScriptContext } from '../nemesis';

export const SPLIT_BRAIN_SCENARIO = '3pc-split-brain';
export const SPLIT_BRAIN_SUMMARY =
  'txn mode 3pc: the network splits during a pre-commit round; the side with a pre-committed participant commits, the side with only uncertain ones aborts (atomicity broken, on every seed)';

/** Keys the scenario's transactions spread over (the default 6 make most multi-node transactions conflict). */
export const SPLIT_BRAIN_KEYS = 30;
/** Long enough for both sides to time out, poll and decide (inDoubtAfterMs + the poll rounds). */
const SPLIT_MS = 1_500;
/** Calm after a heal before the next split is armed. */
const CALM_MS = 500;

/** The nemesis settings of the scenario; `status` reads a node's 2PC view (its coordinator phases and votes). */
export function splitBrainNemesis(status: (id: NodeId) => TwoPcStatus | undefined): Partial<NemesisOptions> {
  return { faults: new Set(), script: (ctx) => splitDuringPreCommit(ctx, status) };
}

function splitDuringPreCommit(ctx: ScriptContext, status: (id: NodeId) => TwoPcStatus | undefined): void {
  const w = ctx.world;
  let armed = true;
  w.watchSend?.((coordinator, messages) => {
    if (!armed || ctx.stopped()) return;
    const byTxn = new Map<string, NodeId[]>();
    for (const { to, msg } of messages) {
      const m = msg as TwoPcMsg;
      if (m.type === 'pre-commit') byTxn.set(m.txn, [...(byTxn.get(m.txn) ?? []), to]);
    }
    for (const [txn, remote] of byTxn) {
      const t = status(coordinator)?.coordinating.find((c) => c.txn === txn && c.phase === 'pre-committing');
      if (!t) continue; // a participant terminating, not the coordinator's round
      // Side A keeps a pre-committed participant: the coordinator's own (pre-committed in
      // this very step) or the first remote yes voter; side B gets the other yes voters.
      const selfVoter = t.votes[coordinator] === 'yes';
      const sideA = selfVoter ? [coordinator] : [coordinator, remote[0]!];
      const uncertain = remote.filter((n) => !sideA.includes(n));
      if (uncertain.length === 0) continue;
      armed = false;
      const sideB = w.nodeIds.filter((n) => !sideA.includes(n));
      for (const a of sideA) {
        for (const b of sideB) {
          w.network.cut(a, b);
          w.network.cut(b, a);
        }
      }
      w.timeline.record(w.now, 'partition', `3pc-split-brain: ${txn}'s pre-commit round cut off {${sideA.join(',')}} (pre-committed) | {${sideB.join(',')}} (${uncertain.join(',')} uncertain)`);
      ctx.onHeal(() => w.network.healAll());
      w.after(SPLIT_MS, () => {
        w.network.healAll();
        w.timeline.record(w.now, 'heal', '3pc-split-brain: partition healed');
        w.after(CALM_MS, () => (armed = true));
      });
      return;
    }
  });
}
