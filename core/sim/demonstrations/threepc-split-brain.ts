/**
 * 3pc-split-brain: the lesson of three-phase commit. 3PC does not block when the
 * coordinator crashes, because a participant that hears nothing decides with whatever peers
 * it can reach (pre-committed: commit; every one uncertain: abort). A partition is not a
 * crash: the script waits for a coordinator's decision round and cuts the network right
 * through it, the coordinator and the first remote yes voter on one side, the other yes
 * voters on the other. In 3PC the pre-commit reaches one side only: that side holds a
 * pre-committed participant and commits by the termination rules, the other holds only
 * uncertain ones and aborts. The atomicity checker finds the transaction committed on one
 * side and aborted on the other. Again after every heal.
 *
 * Control: the same split in classic 2PC, through its commit round: the cut-off side is in
 * doubt, blocks holding its locks, and commits once the partition heals. Atomic.
 */
import type { NodeId } from '../../algorithms/common/types';
import type { ScriptContext } from '../nemesis';
import { isolate, typeOf } from './script-helpers';
import type { Demonstration } from './types';

/** Long enough for both sides to time out, poll and decide (inDoubtAfterMs + the poll rounds). */
const SPLIT_MS = 1_500;
const CALM_MS = 500;

/** The first message of the round after the votes: 3PC's pre-commit, 2PC's commit decision. */
function opensDecisionRound(msg: unknown): boolean {
  const type = typeOf(msg);
  return type === 'pre-commit' || (type === 'decision' && (msg as { outcome?: unknown }).outcome === 'commit');
}

function script(ctx: ScriptContext): void {
  const w = ctx.world;
  let armed = true;
  w.watchSend?.((coordinator: NodeId, messages) => {
    if (!armed || ctx.stopped()) return;
    const round = messages.filter((m) => opensDecisionRound(m.msg));
    const txn = (round[0]?.msg as { txn?: unknown } | undefined)?.txn;
    const voters = [...new Set(round.filter((m) => (m.msg as { txn?: unknown }).txn === txn).map((m) => m.to))];
    // Two remote yes voters at least: one stays with the coordinator, the rest are cut off.
    if (voters.length < 2) return;
    armed = false;
    const sideA = [coordinator, voters[0]!];
    isolate(w, sideA);
    w.timeline.record(w.now, 'partition', `3pc-split-brain: ${String(txn)}'s decision round cut off {${sideA.join(',')}} | {${w.nodeIds.filter((n) => !sideA.includes(n)).join(',')}} (${voters.slice(1).join(',')} not reached)`);
    ctx.onHeal(() => w.network.healAll());
    w.after(SPLIT_MS, () => {
      w.network.healAll();
      w.timeline.record(w.now, 'heal', '3pc-split-brain: partition healed');
      w.after(CALM_MS, () => (armed = true));
    });
  });
}

export const threePcSplitBrain: Demonstration = {
  name: '3pc-split-brain',
  summary: '3PC: the network splits through a pre-commit round; the side with a pre-committed participant commits, the side with only uncertain ones aborts',
  mechanism: 'twopc',
  // More keys than the default 6: transactions that append on several nodes must reach their decision round.
  options: { mode: '3pc', faults: [], ops: 200, keys: 30 },
  script,
  expectedModel: 'txn-atomicity',
  control: { summary: 'the same split in classic 2PC: the cut-off side blocks in doubt and commits after the heal', options: { mode: 'classic' } },
};
