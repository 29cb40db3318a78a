/**
 * unfenced-lock: a lock without fencing does not protect its resource. Client 0 takes a GC
 * pause after EVERY grant, between checking its lease and writing: 1.5 to 3.5 times its
 * lease. Its lease runs out meanwhile, another client is granted the lock with a higher
 * token and writes; then client 0 wakes up and writes with its old token, and the resource
 * (bug `unfenced`) accepts it. The pause is the script here: the other clients and the
 * cluster run undisturbed.
 *
 * Control: the same pauses with the resource enforcing fencing tokens: the stale writes
 * are refused and the run passes.
 */
import type { Demonstration } from './types';

export const unfencedLock: Demonstration = {
  name: 'unfenced-lock',
  summary: 'leased locks without fencing: client 0 pauses past its lease after every grant, another client takes the lock and writes, then the stale write lands',
  mechanism: 'locks',
  options: { nodes: 3, faults: [], ops: 150, gcPause: { slots: [0], probability: 1 }, controls: { unfenced: true } },
  expectedModel: 'lock',
  control: { summary: 'the same pauses with fencing: the stale writes are refused', options: { controls: {} } },
};
