/**
 * The termination protocol of three-phase commit (Skeen, "Nonblocking commit protocols",
 * 1981; Bernstein, Hadzilacos and Goodman, "Concurrency Control and Recovery in Database
 * Systems", 1987, section 7.5), run by a yes voter that heard nothing from its coordinator
 * for `inDoubtAfterMs`:
 *
 *   1. poll    it asks every other participant for its state (`state-request`), POLL_ROUNDS
 *              times, `retryMs` apart, and keeps the reports (`state-report`);
 *   2. elect   the new coordinator is the lowest id among itself and those that answered.
 *              Every poller computes it from what it heard; a participant that answers a
 *              lower id's poll follows that one (its own timer starts again);
 *   3. decide  by the termination rules, over its own state and the reports:
 *              TR1 some participant aborted -> abort;  TR2 some committed -> commit;
 *              TR3 every one uncertain -> abort;
 *              TR4 some pre-committed -> pre-commit the uncertain ones, commit once they acked.
 *
 * With nobody answering, the rules reduce to 3PC's timeout rules: an uncertain participant
 * aborts, a pre-committed one commits. That is exactly what a partition breaks: each side
 * elects its own coordinator and decides from its own side's states, so a side holding a
 * pre-committed participant commits while a side holding only uncertain ones aborts.
 * 3PC is non-blocking only where a silent node is a crashed node (no partitions).
 */
import type { NodeId } from '../common/types';
import type { Outcome, TerminationState } from './types';

/** State requests sent before deciding with whatever reports came back. */
export const POLL_ROUNDS = 4;

/** A yes voter's own state while it has no outcome. */
export type VotedState = 'uncertain' | 'pre-committed';

export type TerminationRule = 'TR1' | 'TR2' | 'TR3' | 'TR4';

export interface TerminationVerdict {
  readonly outcome: Outcome;
  readonly rule: TerminationRule;
  /** In words, for the panel and the timeline. */
  readonly why: string;
}

/** The termination rules over the new coordinator's own state and its peers' reports. */
export function terminationRule(own: VotedState, reports: readonly TerminationState[]): TerminationVerdict {
  const states = [own, ...reports];
  if (states.includes('aborted')) return { outcome: 'abort', rule: 'TR1', why: 'a participant had aborted' };
  if (states.includes('committed')) return { outcome: 'commit', rule: 'TR2', why: 'a participant had committed' };
  if (states.includes('pre-committed')) {
    const alone = reports.every((s) => s === 'unknown');
    return { outcome: 'commit', rule: 'TR4', why: alone ? 'pre-committed and nobody answered: commit by timeout' : 'a participant was pre-committed' };
  }
  const alone = reports.every((s) => s === 'unknown');
  return { outcome: 'abort', rule: 'TR3', why: alone ? 'uncertain and nobody answered: abort by timeout' : 'every participant that answered was uncertain' };
}

/** The new coordinator: the lowest id among the poller and the peers that answered it. */
export function electedCoordinator(self: NodeId, answered: Iterable<NodeId>): NodeId {
  let best = self;
  for (const n of answered) if (n < best) best = n;
  return best;
}
