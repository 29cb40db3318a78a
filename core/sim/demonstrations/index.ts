/**
 * The named demonstrations by name: `faultline sim --scenario NAME` looks them up here.
 * One line per demonstration; each lives in its own file next to this one.
 */
import type { Demonstration } from './types';
import { asyncLoss } from './async-loss';
import { sloppyStaleRead } from './sloppy-stale-read';
import { unfencedLock } from './unfenced-lock';
import { forgetfulAcceptor } from './forgetful-acceptor';
import { decideAlone } from './decide-alone';
import { threePcSplitBrain } from './threepc-split-brain';
import { semiSyncLoss } from './semi-sync-loss';

export const DEMONSTRATIONS: readonly Demonstration[] = [asyncLoss, sloppyStaleRead, unfencedLock, forgetfulAcceptor, decideAlone, threePcSplitBrain, semiSyncLoss];

export function demonstrationNames(): string[] {
  return DEMONSTRATIONS.map((d) => d.name);
}

export function findDemonstration(name: string): Demonstration | undefined {
  return DEMONSTRATIONS.find((d) => d.name === name);
}

export type { Demonstration, DemonstrationOptions } from './types';
