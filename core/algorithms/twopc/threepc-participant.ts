/**
 * The 3PC participant: a 2PC participant (locks, execution, PREPARED before the yes vote,
 * outcomes, restore: all inherited) with a third state between the vote and the outcome,
 * and no blocking. After its yes vote it is *uncertain*; a `pre-commit` makes it
 * *pre-committed* (persisted before the ack: every yes voter is known to have voted yes).
 * When its coordinator falls silent for `inDoubtAfterMs` it does not wait for it: it runs
 * the termination protocol with its peers (threepc-termination.ts), which, alone, is the
 * timeout rule: uncertain aborts, pre-committed commits.
 */
import type { NodeId } from '../common/types';
import type { StepContext } from './context';
import { Participant, type ParticipantTxn } from './participant';
import { electedCoordinator, POLL_ROUNDS, terminationRule, type VotedState } from './threepc-termination';
import type { Outcome, ParticipantState, TerminationState, TwoPcRecord, TxnId } from './types';

/** What 3PC adds to a voted transaction. */
interface ThirdPhase {
  preCommitted: boolean;
  /** When the coordinator, or the peer this one follows, last spoke to it. */
  heardMs: number;
  termination?: Termination;
}

/** This participant runs the termination protocol (it lost its coordinator). */
interface Termination {
  /** `polling` peers for their states; `pre-committing` the uncertain ones after TR4. */
  stage: 'polling' | 'pre-committing';
  polls: number;
  nextMs: number;
  readonly reports: Map<NodeId, TerminationState>;
  /** `pre-committing`: uncertain peers still to ack. */
  waiting: Set<NodeId>;
}

export class ThreePcParticipant extends Participant {
  override readonly phases = 3;
  private readonly third = new Map<TxnId, ThirdPhase>();

  static override restore(id: NodeId, records: readonly TwoPcRecord[]): ThreePcParticipant {
    const p = new ThreePcParticipant(id).restoreFrom(records);
    // A pre-committed participant that crashed is pre-committed still (if it has no outcome).
    for (const r of records) {
      const t = r.type === 'pre-committed' ? p.txns.get(r.txn) : undefined;
      if (t?.state === 'prepared') p.thirdOf(t).preCommitted = true;
    }
    return p;
  }

  private thirdOf(t: ParticipantTxn): ThirdPhase {
    let s = this.third.get(t.txn);
    if (!s) this.third.set(t.txn, (s = { preCommitted: false, heardMs: t.sinceMs }));
    return s;
  }

  private voted(txn: TxnId): { t: ParticipantTxn; s: ThirdPhase } | undefined {
    const t = this.txns.get(txn);
    return t?.state === 'prepared' ? { t, s: this.thirdOf(t) } : undefined;
  }

  override durableState(): ReturnType<Participant['durableState']> {
    const state = super.durableState();
    for (const [txn, s] of this.third) if (s.preCommitted && this.txns.has(txn)) state.open.push({ type: 'pre-committed', txn });
    return state;
  }

  override learn(ctx: StepContext, txn: TxnId, outcome: Outcome): void {
    super.learn(ctx, txn, outcome);
    if (!this.txns.has(txn)) this.third.delete(txn);
  }

  /** From the coordinator, or from a peer terminating in its place (TR4). */
  override onPreCommit(ctx: StepContext, from: NodeId, txn: TxnId): void {
    const v = this.voted(txn);
    if (!v) {
      // Already decided here (or never voted yes): say whether it can still commit.
      const done = this.finished.get(txn) ?? (this.refused.has(txn) ? 'abort' : undefined);
      if (done) ctx.send(from, { type: 'pre-commit-ack', txn, ok: done === 'commit' });
      return;
    }
    v.s.heardMs = ctx.nowMs;
    this.preCommit(ctx, v.t, v.s);
    ctx.send(from, { type: 'pre-commit-ack', txn, ok: true });
  }

  private preCommit(ctx: StepContext, t: ParticipantTxn, s: ThirdPhase): void {
    if (s.preCommitted) return;
    ctx.out.persist.push({ type: 'pre-committed', txn: t.txn });
    s.preCommitted = true;
    this.setState(ctx, t.txn, 'pre-committed');
  }

  /** The answering side of the termination protocol. */
  override onStateRequest(ctx: StepContext, from: NodeId, txn: TxnId): void {
    const v = this.voted(txn);
    if (v && from < this.id) {
      // A lower id polls: it will be elected, so follow it instead of polling too.
      v.s.heardMs = ctx.nowMs;
      if (v.s.termination?.stage === 'polling') delete v.s.termination;
    }
    ctx.send(from, { type: 'state-report', txn, state: this.reportState(ctx, txn) });
  }

  private reportState(ctx: StepContext, txn: TxnId): TerminationState {
    const done = this.finished.get(txn);
    if (done) return done === 'commit' ? 'committed' : 'aborted';
    if (this.refused.has(txn)) return 'aborted';
    const t = this.txns.get(txn);
    if (!t) return 'unknown'; // never here, or a read-only voter that kept nothing
    if (t.state === 'working') {
      // It has not voted, so it may abort, and does: the poller may count on it.
      this.dropWorking(ctx, t);
      return 'aborted';
    }
    return this.thirdOf(t).preCommitted ? 'pre-committed' : 'uncertain';
  }

  override onStateReport(ctx: StepContext, from: NodeId, txn: TxnId, state: TerminationState): void {
    const v = this.voted(txn);
    if (!v) return;
    // An outcome a peer applied is final: adopt it at once (TR1, TR2).
    if (state === 'committed' || state === 'aborted') {
      this.learn(ctx, txn, state === 'committed' ? 'commit' : 'abort');
      return;
    }
    if (v.s.termination?.stage === 'polling') v.s.termination.reports.set(from, state);
  }

  /** Acks of the pre-commits this participant sent as the new coordinator (TR4). */
  override onPreCommitAck(ctx: StepContext, from: NodeId, txn: TxnId, ok: boolean): void {
    const v = this.voted(txn);
    const term = v?.s.termination;
    if (!v || term?.stage !== 'pre-committing') return;
    if (!ok) {
      this.decide(ctx, v.t, 'abort', `${from} had aborted meanwhile`);
      return;
    }
    term.waiting.delete(from);
    if (term.waiting.size === 0) this.decide(ctx, v.t, 'commit', 'every uncertain participant pre-committed');
  }

  /** Instead of 2PC's waiting: the termination protocol once the coordinator falls silent. */
  protected override tickVoted(ctx: StepContext, t: ParticipantTxn): void {
    const { nowMs, config } = ctx;
    const s = this.thirdOf(t);
    if (s.heardMs === -Infinity) s.heardMs = nowMs; // restored: the wait restarts now
    if (!s.termination) {
      if (nowMs - s.heardMs < config.inDoubtAfterMs) return;
      s.termination = { stage: 'polling', polls: 0, nextMs: nowMs, reports: new Map(), waiting: new Set() };
    }
    const term = s.termination;
    if (nowMs < term.nextMs) return;
    term.nextMs = nowMs + config.retryMs;
    if (term.stage === 'pre-committing') {
      for (const n of term.waiting) ctx.send(n, { type: 'pre-commit', txn: t.txn });
      return;
    }
    if (term.polls < POLL_ROUNDS) {
      term.polls++;
      for (const n of t.participants) if (n !== this.id) ctx.send(n, { type: 'state-request', txn: t.txn });
      return;
    }
    const answered = [...term.reports].filter(([, state]) => state !== 'unknown').map(([n]) => n);
    const leader = electedCoordinator(this.id, answered);
    if (leader !== this.id) {
      // A lower id answered: it is the new coordinator. Wait for it; poll again if it falls silent.
      delete s.termination;
      s.heardMs = nowMs;
      return;
    }
    const own: VotedState = s.preCommitted ? 'pre-committed' : 'uncertain';
    const verdict = terminationRule(own, [...term.reports.values()]);
    if (verdict.outcome === 'abort') {
      this.decide(ctx, t, 'abort', `${verdict.rule}: ${verdict.why}`);
      return;
    }
    // TR2/TR4: make sure every uncertain peer is pre-committed before anyone commits, so that
    // if this new coordinator fails too, the next one still finds a pre-committed state.
    this.preCommit(ctx, t, s);
    const uncertain = [...term.reports].filter(([, state]) => state === 'uncertain').map(([n]) => n);
    if (uncertain.length === 0) {
      this.decide(ctx, t, 'commit', `${verdict.rule}: ${verdict.why}`);
      return;
    }
    term.stage = 'pre-committing';
    term.waiting = new Set(uncertain);
    for (const n of uncertain) ctx.send(n, { type: 'pre-commit', txn: t.txn });
  }

  /** The new coordinator's decision: applied here, sent to every other participant. */
  private decide(ctx: StepContext, t: ParticipantTxn, outcome: Outcome, why: string): void {
    ctx.out.events.push({ kind: 'decided', txn: t.txn, node: this.id, outcome });
    ctx.out.events.push({ kind: 'terminated', txn: t.txn, node: this.id, outcome, message: `${this.id} decided ${outcome} for ${t.txn} without its coordinator ${t.coordinator} (${why})` });
    for (const n of t.participants) if (n !== this.id) ctx.send(n, { type: 'decision', txn: t.txn, outcome });
    this.learn(ctx, t.txn, outcome);
  }

  override view(txn: TxnId, nowMs: number, inDoubtAfterMs: number): { state: ParticipantState; blockedOn?: NodeId } | undefined {
    const v = super.view(txn, nowMs, inDoubtAfterMs);
    const t = this.txns.get(txn);
    if (!v || t?.state !== 'prepared') return v;
    // 3PC never blocks: a voted participant is uncertain (prepared) or pre-committed.
    return { state: this.third.get(txn)?.preCommitted ? 'pre-committed' : 'prepared' };
  }
}
