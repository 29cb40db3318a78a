/**
 * decide-alone: a 2PC participant that gives up waiting and aborts on its own (bug
 * `decide-alone`) breaks atomicity. The script waits for a coordinator's COMMIT to go out
 * (it is durable, the votes were all yes), cuts the link to one remote participant just
 * before, and crashes the coordinator a millisecond later. The others commit; the cut
 * participant is in doubt and, with the bug, aborts alone. Again after every restart.
 *
 * Control: the same script without the bug: the participant in doubt asks the others,
 * learns the commit and commits too.
 */
import type { NodeId } from '../../algorithms/common/types';
import type { ScriptContext } from '../nemesis';
import { typeOf } from './script-helpers';
import type { Demonstration } from './types';

const DOWN_MS = 800;
const CALM_MS = 300;

function isCommit(msg: unknown): boolean {
  return typeOf(msg) === 'decision' && (msg as { outcome?: unknown }).outcome === 'commit';
}

function script(ctx: ScriptContext): void {
  const w = ctx.world;
  let armed = false;
  w.after(50, () => (armed = true));
  w.watchSend?.((coordinator: NodeId, messages) => {
    if (!armed || ctx.stopped()) return;
    const commits = messages.filter((m) => isCommit(m.msg));
    const remote = commits.find((m) => m.to !== coordinator);
    // Two participants at least, one of them remote: one commits, the cut one is in doubt.
    if (remote === undefined || commits.length < 2) return;
    armed = false;
    const txn = (remote.msg as { txn?: unknown }).txn;
    w.network.cut(coordinator, remote.to);
    w.timeline.record(w.now, 'partition', `decide-alone: ${coordinator}'s commit of ${String(txn)} to ${remote.to} is lost`);
    w.after(1, () => {
      w.crash(coordinator);
      w.after(DOWN_MS, () => {
        w.network.healAll();
        w.restart(coordinator);
        w.after(CALM_MS, () => (armed = true));
      });
    });
  });
}

export const decideAlone: Demonstration = {
  name: 'decide-alone',
  summary: '2PC: the coordinator sends COMMIT and dies, one participant never hears it and (bug decide-alone) aborts alone while the others commit',
  mechanism: 'twopc',
  options: { mode: 'classic', twopcBug: 'decide-alone', faults: [], ops: 400, keys: 40 },
  script,
  expectedModel: 'txn-atomicity',
  control: { summary: 'the same crashes without the bug: the participant in doubt learns the commit from the others', options: { twopcBug: undefined } },
};
