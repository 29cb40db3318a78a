/**
 * sloppy-stale-read: sloppy quorums (R + W <= N once stand-ins count toward W) return stale
 * reads. The script cuts the key's first two replicas off from the rest of the cluster,
 * again and again, each time for longer than the failure detector needs to suspect them.
 * Writes coordinated on the large side are acknowledged by the third replica and a
 * stand-in; reads coordinated on the small side ask the first two, which never saw those
 * writes, and nothing writes the newer value back: the W and R sets do not overlap.
 *
 * Control: the same partitions in quorum mode (majorities of the home replicas, write-back
 * reads): it must pass.
 */
import type { ScriptContext } from '../nemesis';
import { isolate, replicasOf } from './script-helpers';
import type { Demonstration } from './types';

const KEY = 'k1';
const SPLIT_MS = 1_500;
const CALM_MS = 200;

function script(ctx: ScriptContext): void {
  const w = ctx.world;
  const small = replicasOf(w.nodeIds, KEY, 3).slice(0, 2);
  const round = (): void => {
    if (ctx.stopped()) return;
    isolate(w, small);
    w.timeline.record(w.now, 'partition', `sloppy-stale-read: ${small.join(',')} (two of ${KEY}'s three replicas) cut off from the rest`);
    w.after(SPLIT_MS, () => {
      w.network.healAll();
      w.timeline.record(w.now, 'heal', 'sloppy-stale-read: partition healed');
      w.after(CALM_MS, round);
    });
  };
  w.after(50, round);
}

export const sloppyStaleRead: Demonstration = {
  name: 'sloppy-stale-read',
  summary: `sloppy quorums: two of ${KEY}'s replicas are cut off; writes on one side are acknowledged by stand-ins, reads on the other miss them`,
  mechanism: 'replication',
  options: { mode: 'sloppy', faults: [], ops: 300, keys: 1 },
  script,
  expectedModel: 'register',
  control: { summary: 'the same partitions in quorum mode: reads stay linearizable', options: { mode: 'quorum' } },
};
