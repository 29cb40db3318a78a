/**
 * The non-blocking decision record: a service replicated by the Paxos log. Commands are
 * proposals ("decide commit for t7", "decide abort for t7"); the FIRST one the log orders
 * for a transaction is its decision and every later one gets that same answer. So a
 * coordinator that crashed after collecting the votes blocks nobody: an in-doubt
 * participant proposes abort, and whichever proposal the log ordered first wins.
 */
import type { ReplicatedService } from '../common/types';
import type { Outcome, TxnId } from './types';

export interface DecisionCommand {
  readonly txn: TxnId;
  readonly outcome: Outcome;
}

export interface DecisionResult {
  readonly txn: TxnId;
  /** The decision in force (possibly not the one this command proposed). */
  readonly outcome: Outcome;
  /** True when this command was the one that decided. */
  readonly decidedNow: boolean;
}

export class DecisionService implements ReplicatedService<DecisionCommand, DecisionResult> {
  private readonly decided = new Map<TxnId, Outcome>();

  apply(command: DecisionCommand, _index: number): DecisionResult {
    const earlier = this.decided.get(command.txn);
    if (earlier) return { txn: command.txn, outcome: earlier, decidedNow: false };
    this.decided.set(command.txn, command.outcome);
    return { txn: command.txn, outcome: command.outcome, decidedNow: true };
  }

  queryLocal(command: DecisionCommand): DecisionResult {
    const outcome = this.decided.get(command.txn);
    // A local read says nothing was decided by answering with the proposal and decidedNow false.
    return { txn: command.txn, outcome: outcome ?? command.outcome, decidedNow: false };
  }

  decision(txn: TxnId): Outcome | undefined {
    return this.decided.get(txn);
  }

  /** Log compaction: the decisions so far, in log order. */
  snapshotState(): [TxnId, Outcome][] {
    return this.entries();
  }

  restoreSnapshot(state: unknown): void {
    if (!Array.isArray(state)) throw new Error(`decision snapshot must be a list of [txn, outcome], got ${JSON.stringify(state)}`);
    this.decided.clear();
    for (const [txn, outcome] of state as [TxnId, Outcome][]) this.decided.set(txn, outcome);
  }

  /** Every decision applied here, in log order (checkers and the panel). */
  entries(): [TxnId, Outcome][] {
    return [...this.decided];
  }
}
