/**
 * async-loss on real nodes: in async mode the first live home replica acknowledges a write
 * alone and copies it 500 ms later. Cut off from the other half, it keeps acknowledging the
 * writes it receives while the other half, suspecting it, serves the same keys from the
 * next replica: reads there miss writes already acknowledged, and the register checker
 * finds the stale read.
 */
import { HALVES_ARGS, HALVES_PLAN } from './partition-halves';
import type { RealDemonstration } from './types';

export const asyncLossReal: RealDemonstration = {
  name: 'async-loss',
  summary: 'async mode, the cluster split in halves twice: a primary cut off before replicating acknowledges writes that reads on the other side miss',
  args: [...HALVES_ARGS, '--mode', 'async'],
  plan: HALVES_PLAN,
  expectedModel: 'register',
};
