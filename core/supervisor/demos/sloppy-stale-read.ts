/**
 * sloppy-stale-read on real nodes: with the cluster in halves, each side counts stand-ins
 * for the replicas it suspects toward R and W (hinted hand-off), so a write acknowledged on
 * one side and a read on the other touch disjoint sets of nodes, and nothing writes the
 * newer value back: the register checker finds the stale read.
 */
import { HALVES_ARGS, HALVES_PLAN } from './partition-halves';
import type { RealDemonstration } from './types';

export const sloppyStaleReadReal: RealDemonstration = {
  name: 'sloppy-stale-read',
  summary: 'sloppy quorums, the cluster split in halves twice: stand-ins on each side complete R and W, so reads on one side miss writes acknowledged on the other',
  args: [...HALVES_ARGS, '--mode', 'sloppy'],
  plan: HALVES_PLAN,
  expectedModel: 'register',
};
