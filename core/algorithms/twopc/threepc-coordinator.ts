/**
 * The 3PC coordinator: a 2PC coordinator (execution, votes, presumed abort before the
 * votes, COMMIT logged before the decision, END: all inherited) with a round between the
 * votes and the decision. Once every participant voted yes it sends `pre-commit` to the yes
 * voters, and only when every one of them acked (each persisted PRE-COMMITTED) does it log
 * COMMIT and send the decision. A participant that answers the pre-commit with `ok: false`
 * already aborted with its peers (it lost touch with this coordinator): then it aborts too.
 */
import type { NodeId } from '../common/types';
import type { StepContext } from './context';
import { Coordinator, type CoordinatorTxn } from './coordinator';
import type { TwoPcRecord, TxnId } from './types';

export class ThreePcCoordinator extends Coordinator {
  static override restore(id: NodeId, records: readonly TwoPcRecord[]): ThreePcCoordinator {
    return new ThreePcCoordinator(id).restoreFrom(records);
  }

  /** Every vote is in and some are yes: pre-commit them (the tick re-sends until acked). */
  protected override decide(ctx: StepContext, t: CoordinatorTxn): void {
    t.phase = 'pre-committing';
    t.acks.clear();
    t.nextRetryMs = ctx.nowMs + ctx.config.retryMs;
    for (const node of t.yes) ctx.send(node, { type: 'pre-commit', txn: t.txn });
  }

  override onPreCommitAck(ctx: StepContext, from: NodeId, txn: TxnId, ok: boolean): void {
    const t = this.txns.get(txn);
    if (!t || t.phase !== 'pre-committing' || !t.yes.includes(from)) return;
    if (!ok) {
      this.abort(ctx, t, `${from} had already aborted: it lost touch with the coordinator and terminated with its peers`, 'failure');
      return;
    }
    t.acks.add(from);
    if (t.yes.every((n) => t.acks.has(n))) this.logCommit(ctx, t);
  }

  /**
   * No presumed abort for a re-sent request after a restart: the participants may have
   * terminated with commit without this coordinator (TR4), so "no COMMIT record here" proves nothing.
   */
  protected override presumesAbort(): boolean {
    return false;
  }
}
