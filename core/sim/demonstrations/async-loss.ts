/**
 * async-loss: asynchronous replication loses acknowledged writes. The script waits for the
 * moment an async primary issues a write (its `issued` record is durable and its
 * acknowledgement is on the wire), then crashes it before its background copy leaves
 * (copies go out 40 ms later). It stays down past the failure detector's suspicion, so the
 * key's next replica serves reads meanwhile: they return the value from before the
 * acknowledged write. Again after every restart, until the clients are done.
 *
 * Control: the same script in quorum mode (a write is acknowledged by a majority, reads
 * write back): it must pass.
 */
import type { NodeId } from '../../algorithms/common/types';
import type { ScriptContext } from '../nemesis';
import { typeOf } from './script-helpers';
import type { Demonstration } from './types';

/** Longer than suspicion (300 ms) plus a client's timeout (900 ms): reads reach the next replica. */
const DOWN_MS = 1_500;
/** Calm after the restart before the next strike. */
const CALM_MS = 300;

function script(ctx: ScriptContext): void {
  const w = ctx.world;
  let armed = false;
  w.after(50, () => (armed = true));
  w.watchPersist?.((node: NodeId, records) => {
    if (!armed || ctx.stopped() || !records.some((r) => typeOf(r) === 'issued')) return;
    armed = false;
    // After this step: its acknowledgement has left, its background copy has not.
    w.after(0, () => {
      if (w.status(node) !== 'up') return void (armed = true);
      w.timeline.record(w.now, 'crash', `async-loss: ${node} issued a write and crashes before copying it`);
      w.crash(node);
      w.after(DOWN_MS, () => {
        w.restart(node);
        w.after(CALM_MS, () => (armed = true));
      });
    });
  });
}

export const asyncLoss: Demonstration = {
  name: 'async-loss',
  summary: 'async replication: the primary acknowledges a write and crashes before copying it; reads on the next replica miss it',
  mechanism: 'replication',
  options: { mode: 'async', faults: [], ops: 200, keys: 3 },
  script,
  expectedModel: 'register',
  control: { summary: 'the same crashes in quorum mode: no acknowledged write is lost', options: { mode: 'quorum' } },
};
