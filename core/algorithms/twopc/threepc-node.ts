/**
 * A node running three-phase commit: the same TwoPcNode (message dispatch, self-delivery,
 * status, compaction) with the 3PC roles in it.
 */
import { TwoPcNode } from './node';
import { ThreePcCoordinator } from './threepc-coordinator';
import { ThreePcParticipant } from './threepc-participant';
import type { TwoPcConfig, TwoPcRecord } from './types';

/** A fresh 3PC node (no records) or one rebuilt after a crash from its durable records only. */
export function restoreThreePcNode(config: TwoPcConfig, records: readonly TwoPcRecord[] = []): TwoPcNode {
  return new TwoPcNode(config, ThreePcParticipant.restore(config.id, records), ThreePcCoordinator.restore(config.id, records));
}
