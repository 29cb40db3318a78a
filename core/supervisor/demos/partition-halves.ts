/**
 * The nemesis both replication demonstrations use: the cluster split in halves (n1 n2 | n3
 * n4 n5 on five nodes) twice, 3 s each, from 1.5 s and from 5.5 s of a 12 s run. Clients
 * still reach every node. 3 s is several times what the failure detector needs to suspect
 * the other side, so each side serves the key-value requests it receives on its own; every
 * key has a home replica on each side but with probability 1/10 (three keys are in use).
 */
import type { RealDemonstration } from './types';

export const HALVES_ARGS = ['--workload', 'register', '--nemesis', 'partition', '--time', '12'] as const;

export const HALVES_PLAN: NonNullable<RealDemonstration['plan']> = {
  shapes: ['halves'],
  baselineMs: 1_500,
  faultMs: [3_000, 3_000],
  quietMs: [1_000, 1_000],
  tailMs: 2_000,
};
