/**
 * The coordinator role: the node a transaction arrives at runs it. Presumed abort: only a
 * COMMIT decision is logged (before the first commit message leaves); a transaction with
 * no record is aborted, so aborting needs no log write and no acks. On restart every
 * logged COMMIT without END is finished by re-sending it until each yes voter acks.
 * In paxos mode the decision is a log command instead, and nothing is logged here.
 */
import type { NodeId } from '../common/types';
import { unreachable } from '../common/unreachable';
import type { StepContext } from './context';
import type { AbortCause, Outcome, RoutedOp, TwoPcMsg, TwoPcRecord, TxnId, TxnMicroOp, Vote } from './types';

type Phase = 'executing' | 'preparing' | 'deciding' | 'pre-committing' | 'committing';

export interface CoordinatorTxn {
  readonly txn: TxnId;
  readonly ops: readonly TxnMicroOp[];
  /** Each participant's share of the micro-ops. Empty after a restart (not needed then). */
  readonly shares: ReadonlyMap<NodeId, RoutedOp[]>;
  readonly participants: readonly NodeId[];
  phase: Phase;
  readonly reads: Map<number, readonly unknown[]>;
  readonly executed: Set<NodeId>;
  readonly votes: Map<NodeId, Vote>;
  /** Yes voters: whom the decision must reach. */
  yes: NodeId[];
  /** Yes voters that acked the phase in progress (3PC's pre-commit, then the commit). */
  readonly acks: Set<NodeId>;
  readonly deadlineMs: number;
  /** Start timestamp, sent with every execute (the transaction's age for the lock policy). */
  readonly ts: number;
  nextRetryMs: number;
  /** False after a restart: nobody is waiting for the reply any more. */
  clientWaiting: boolean;
}

export class Coordinator {
  protected readonly txns = new Map<TxnId, CoordinatorTxn>();
  /** Every id that ever ran here (durable through 'begin' records): none runs twice. */
  private readonly begun = new Set<TxnId>();
  /** Ids known committed here (classic: COMMIT records; paxos: learned since the start). */
  private readonly committed = new Set<TxnId>();
  /** Ids with a durable COMMIT record (a compacted log keeps exactly these as committed). */
  private readonly loggedCommits = new Set<TxnId>();

  constructor(protected readonly id: NodeId) {}

  static restore(id: NodeId, records: readonly TwoPcRecord[]): Coordinator {
    return new Coordinator(id).restoreFrom(records);
  }

  /** Rebuilds the coordinator's durable state into this fresh instance (subclasses share it). */
  protected restoreFrom(records: readonly TwoPcRecord[]): this {
    const c = this;
    const open = new Map<TxnId, readonly NodeId[]>();
    for (const r of records) {
      if (r.type === 'begin') c.begun.add(r.txn);
      else if (r.type === 'commit') {
        open.set(r.txn, r.participants);
        c.committed.add(r.txn);
        c.loggedCommits.add(r.txn);
      } else if (r.type === 'end') open.delete(r.txn);
      else if (r.type === 'compacted') {
        for (const txn of r.begun) c.begun.add(txn);
        for (const txn of r.committed) {
          c.committed.add(txn);
          c.loggedCommits.add(txn);
        }
      }
    }
    for (const [txn, participants] of open) {
      c.txns.set(txn, {
        txn,
        ops: [],
        shares: new Map(),
        participants,
        phase: 'committing',
        reads: new Map(),
        executed: new Set(),
        votes: new Map(participants.map((n) => [n, 'yes'])),
        yes: [...participants],
        acks: new Set(),
        deadlineMs: Infinity,
        ts: 0,
        nextRetryMs: -Infinity,
        clientWaiting: false,
      });
    }
    return c;
  }

  begin(ctx: StepContext, txn: TxnId, ops: readonly TxnMicroOp[], ts?: number): void {
    if (this.txns.has(txn)) return; // a duplicated request: the first one is running
    if (this.begun.has(txn)) {
      // Classic presumed abort makes "no COMMIT record" a certain abort; in paxos mode a
      // restarted coordinator cannot know what the log chose.
      const certainAbort = !this.committed.has(txn) && this.presumesAbort(ctx);
      ctx.out.replies.push(
        certainAbort
          ? { id: txn, ok: false, error: 'ABORTED', reason: `${txn} already ran here and did not commit`, cause: 'refused' }
          : { id: txn, ok: false, error: 'DUPLICATE', reason: `${txn} already ran here; it is not run twice` },
      );
      return;
    }
    this.begun.add(txn);
    ctx.out.persist.push({ type: 'begin', txn });
    const shares = new Map<NodeId, RoutedOp[]>();
    ops.forEach((op, at) => {
      const home = ctx.config.home(op[1]);
      const share = shares.get(home) ?? [];
      share.push({ at, op });
      shares.set(home, share);
    });
    const participants = [...shares.keys()].sort();
    const t: CoordinatorTxn = {
      txn,
      ops,
      shares,
      participants,
      phase: 'executing',
      reads: new Map(),
      executed: new Set(),
      votes: new Map(),
      yes: [],
      acks: new Set(),
      deadlineMs: ctx.nowMs + ctx.config.decideTimeoutMs,
      ts: ts ?? ctx.nowMs,
      nextRetryMs: ctx.nowMs + ctx.config.retryMs,
      clientWaiting: true,
    };
    this.txns.set(txn, t);
    for (const [node, share] of shares) ctx.send(node, { type: 'execute', txn, participants, ops: share, ts: t.ts });
  }

  onExecuted(ctx: StepContext, from: NodeId, msg: Extract<TwoPcMsg, { type: 'executed' }>): void {
    const { txn, ok, reads, known } = msg;
    const t = this.txns.get(txn);
    if (!t || t.phase !== 'executing' || !t.shares.has(from)) return;
    if (!ok && known === 'commit') {
      // A re-run of a transaction that already committed: undo only this run's work.
      ctx.out.replies.push({ id: txn, ok: false, error: 'DUPLICATE', reason: `${from} already committed ${txn}` });
      t.clientWaiting = false;
      this.abort(ctx, t, '', 'refused', [...t.executed]);
      return;
    }
    if (!ok) {
      this.abort(ctx, t, `${from} could not lock the keys (held by another transaction)`, 'conflict');
      return;
    }
    t.executed.add(from);
    for (const [at, list] of reads ?? []) t.reads.set(at, list);
    if (t.executed.size < t.participants.length) return;
    t.phase = 'preparing';
    t.nextRetryMs = ctx.nowMs + ctx.config.retryMs;
    for (const node of t.participants) ctx.send(node, { type: 'prepare', txn });
  }

  onVote(ctx: StepContext, from: NodeId, txn: TxnId, vote: Vote, cause: AbortCause = 'failure'): void {
    const t = this.txns.get(txn);
    if (!t || t.phase !== 'preparing' || !t.shares.has(from)) return;
    if (vote === 'no') {
      this.abort(ctx, t, cause === 'conflict' ? `${from} voted no (wounded by an older transaction)` : `${from} voted no (it no longer holds the transaction)`, cause);
      return;
    }
    t.votes.set(from, vote);
    if (t.votes.size < t.participants.length) return;
    t.yes = t.participants.filter((n) => t.votes.get(n) === 'yes');
    if (t.yes.length === 0) {
      // Every participant was read-only: there is nothing to decide.
      this.committed.add(txn);
      this.reply(ctx, t, 'commit');
      this.txns.delete(txn);
      return;
    }
    this.decide(ctx, t);
  }

  /** Every participant voted yes or read-only, some yes: classic logs COMMIT, paxos proposes it. */
  protected decide(ctx: StepContext, t: CoordinatorTxn): void {
    if (ctx.config.decisions) {
      t.phase = 'deciding';
      t.nextRetryMs = ctx.nowMs + ctx.config.retryMs;
      ctx.config.decisions.propose(t.txn, 'commit');
      return;
    }
    this.logCommit(ctx, t);
  }

  /** The commit point of classic 2PC and 3PC: COMMIT durable, then the decision goes out. */
  protected logCommit(ctx: StepContext, t: CoordinatorTxn): void {
    ctx.out.persist.push({ type: 'commit', txn: t.txn, participants: t.yes });
    this.loggedCommits.add(t.txn);
    this.commit(ctx, t);
  }

  /**
   * Whether a restarted coordinator with no COMMIT record may tell a re-sent request it
   * aborted (classic presumed abort). Paxos mode cannot know what the log chose.
   */
  protected presumesAbort(ctx: StepContext): boolean {
    return !ctx.config.decisions;
  }

  private commit(ctx: StepContext, t: CoordinatorTxn): void {
    t.acks.clear();
    this.committed.add(t.txn);
    t.phase = 'committing';
    t.nextRetryMs = ctx.nowMs + ctx.config.retryMs;
    ctx.out.events.push({ kind: 'decided', txn: t.txn, node: this.id, outcome: 'commit' });
    for (const node of t.yes) ctx.send(node, { type: 'decision', txn: t.txn, outcome: 'commit' });
    this.reply(ctx, t, 'commit');
  }

  /**
   * The coordinator's share of a compacted log (classic mode): the ids begun and logged
   * committed, and a COMMIT record for every transaction still committing (not ended).
   */
  durableState(): { begun: TxnId[]; committed: TxnId[]; open: Extract<TwoPcRecord, { type: 'commit' }>[] } {
    const open: Extract<TwoPcRecord, { type: 'commit' }>[] = [];
    for (const t of this.txns.values()) if (t.phase === 'committing') open.push({ type: 'commit', txn: t.txn, participants: t.yes });
    return { begun: [...this.begun], committed: [...this.loggedCommits], open };
  }

  /** Only before a commit was logged or proposed: then abort is certain and needs no record. */
  protected abort(ctx: StepContext, t: CoordinatorTxn, reason: string, cause: AbortCause, tell: readonly NodeId[] = t.participants): void {
    ctx.out.events.push({ kind: 'decided', txn: t.txn, node: this.id, outcome: 'abort' });
    for (const node of tell) ctx.send(node, { type: 'decision', txn: t.txn, outcome: 'abort' });
    this.reply(ctx, t, 'abort', reason, cause);
    this.txns.delete(t.txn);
  }

  private reply(ctx: StepContext, t: CoordinatorTxn, outcome: Outcome, reason = '', cause: AbortCause = 'failure'): void {
    if (!t.clientWaiting) return;
    t.clientWaiting = false;
    if (outcome === 'abort') {
      ctx.out.replies.push({ id: t.txn, ok: false, error: 'ABORTED', reason, cause });
      return;
    }
    const ops = t.ops.map((op, at): TxnMicroOp => (op[0] === 'r' ? ['r', op[1], t.reads.get(at) ?? []] : op));
    ctx.out.replies.push({ id: t.txn, ok: true, ops });
  }

  /** 3PC's pre-commit round (ThreePcCoordinator); 2PC has none and ignores a stray ack. */
  onPreCommitAck(_ctx: StepContext, _from: NodeId, _txn: TxnId, _ok: boolean): void {}

  onAck(ctx: StepContext, from: NodeId, txn: TxnId): void {
    const t = this.txns.get(txn);
    if (!t || t.phase !== 'committing') return;
    t.acks.add(from);
    if (t.yes.every((n) => t.acks.has(n))) {
      // END is lazy: losing it only means re-sending a commit that is acked again.
      if (!ctx.config.decisions) ctx.out.persist.push({ type: 'end', txn });
      this.txns.delete(txn);
    }
  }

  /** The paxos mode's decision arrived from the log. */
  learn(ctx: StepContext, txn: TxnId, outcome: Outcome): void {
    const t = this.txns.get(txn);
    if (!t || t.phase === 'committing') return;
    if (outcome === 'commit' && t.phase === 'deciding') {
      this.commit(ctx, t);
      return;
    }
    if (outcome === 'abort') this.abort(ctx, t, 'the decision log chose abort (a participant gave up waiting)', 'failure');
  }

  /**
   * Classic cooperative termination, asked of the coordinator: it knows the answer, and
   * if it has not decided yet it decides abort now (presumed abort covers the no-record case).
   */
  answer(ctx: StepContext, txn: TxnId): Outcome {
    const t = this.txns.get(txn);
    if (!t) return 'abort';
    if (t.phase === 'committing') return 'commit';
    if (t.phase === 'deciding') throw new Error(`internal: classic query for ${txn} in paxos mode`);
    this.abort(ctx, t, 'a participant asked before the decision, and the coordinator aborted', 'failure');
    return 'abort';
  }

  knows(txn: TxnId): boolean {
    return this.txns.has(txn);
  }

  tick(ctx: StepContext): void {
    const { nowMs, config } = ctx;
    for (const t of [...this.txns.values()]) {
      if ((t.phase === 'executing' || t.phase === 'preparing') && nowMs >= t.deadlineMs) {
        this.abort(ctx, t, `no decision within ${config.decideTimeoutMs} ms (phase ${t.phase})`, 'failure');
        continue;
      }
      if (nowMs < t.nextRetryMs) continue;
      t.nextRetryMs = nowMs + config.retryMs;
      switch (t.phase) {
        case 'executing':
          for (const [node, share] of t.shares) {
            if (!t.executed.has(node)) ctx.send(node, { type: 'execute', txn: t.txn, participants: t.participants, ops: share, ts: t.ts });
          }
          break;
        case 'preparing':
          for (const node of t.participants) if (!t.votes.has(node)) ctx.send(node, { type: 'prepare', txn: t.txn });
          break;
        case 'deciding':
          config.decisions?.propose(t.txn, 'commit');
          break;
        case 'pre-committing':
          for (const node of t.yes) if (!t.acks.has(node)) ctx.send(node, { type: 'pre-commit', txn: t.txn });
          break;
        case 'committing':
          for (const node of t.yes) if (!t.acks.has(node)) ctx.send(node, { type: 'decision', txn: t.txn, outcome: 'commit' });
          break;
        default:
          unreachable(t.phase, 'coordinator phase');
      }
    }
  }

  view(): { txn: TxnId; phase: Phase; participants: readonly NodeId[]; votes: Record<NodeId, Vote> }[] {
    return [...this.txns.values()].map((t) => ({ txn: t.txn, phase: t.phase, participants: t.participants, votes: Object.fromEntries(t.votes) }));
  }
}
