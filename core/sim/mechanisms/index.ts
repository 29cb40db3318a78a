/**
 * The simulator's mechanisms by name: `faultline sim --mechanism NAME` looks them up here.
 * One line per mechanism; each lives in its own file next to this one.
 */
import type { SimMechanism } from '../report';
import { paxosMechanism } from './paxos';
import { locksMechanism } from './locks';
import { replicationMechanism } from './replication';
import { twopcMechanism } from './twopc';

export const MECHANISMS: Readonly<Record<string, SimMechanism>> = {
  paxos: paxosMechanism,
  locks: locksMechanism,
  replication: replicationMechanism,
  twopc: twopcMechanism,
};

export function mechanismNames(): string[] {
  return Object.keys(MECHANISMS);
}

export type { SimMechanism, SimOptions, SimReport, SimProgress } from '../report';
