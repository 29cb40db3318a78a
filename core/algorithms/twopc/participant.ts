/**
 * The participant role: holds the data of the keys homed here, locks them for
 * transactions, votes, and applies outcomes. The rule that makes 2PC atomic lives here:
 * PREPARED is persisted before the yes vote, and after a yes vote the participant never
 * decides alone. In doubt it keeps its locks and asks around (classic) or asks the
 * decision log to abort (paxos mode), adopting whatever was decided.
 */
import { invariant } from '../common/invariant';
import type { NodeId } from '../common/types';
import { unreachable } from '../common/unreachable';
import type { StepContext } from './context';
import { LockTable } from './lock-table';
import type { Outcome, ParticipantState, RoutedOp, TerminationState, TwoPcMsg, TwoPcRecord, TxnId } from './types';

/** An execute waiting in the lock queue (wait-die, wound-wait): carried out once granted. */
interface PendingExecute {
  readonly from: NodeId;
  readonly msg: Extract<TwoPcMsg, { type: 'execute' }>;
}

/** How many finished transactions a participant keeps in its status view. */
const RECENT_OUTCOMES = 20;

export interface ParticipantTxn {
  readonly txn: TxnId;
  readonly coordinator: NodeId;
  readonly participants: readonly NodeId[];
  readonly keys: readonly string[];
  readonly appends: readonly (readonly [string, unknown])[];
  readonly reads: readonly (readonly [number, readonly unknown[]])[];
  state: 'working' | 'prepared';
  /** When it entered its current state. */
  sinceMs: number;
  nextQueryMs: number;
  /** Classic termination: what each other participant last answered. */
  readonly answers: Map<NodeId, Outcome | 'unknown'>;
  queryRounds: number;
  blockedReported: boolean;
}

/** Wounded transaction ids kept for their no votes' cause (a vote follows its wound within a round trip). */
const MAX_WOUNDED_KEPT = 4096;

export class Participant {
  /** How many phases the protocol has: 3 in ThreePcParticipant. */
  readonly phases: 2 | 3 = 2;
  readonly store = new Map<string, unknown[]>();
  readonly locks = new LockTable<PendingExecute>();
  protected readonly txns = new Map<TxnId, ParticipantTxn>();
  /** Outcomes applied here (answers queries and duplicate decisions). */
  protected readonly finished = new Map<TxnId, Outcome>();
  /** Transactions it will never vote yes for. */
  protected readonly refused = new Set<TxnId>();
  /**
   * Transactions dropped here by a wound (wound-wait), so their no vote says conflict, not
   * failure. Memory only (after a restart a no vote says failure, which a restart is), and
   * bounded: the oldest are forgotten first.
   */
  private readonly wounded = new Set<TxnId>();
  /**
   * Read-only votes given here (durable: a 'read-only' record before the vote). A copy of
   * the execute or prepare that a slow link delivers after the vote, even after a restart,
   * must not start or refuse the transaction again: its locks would block others, and an
   * in-doubt or terminating peer would hear it abort.
   */
  private readonly votedReadOnly = new Set<TxnId>();
  /** The last few outcomes applied here, oldest first (the panel shows them a while). */
  private readonly recentOutcomes: { txn: TxnId; coordinator: NodeId; outcome: Outcome }[] = [];

  constructor(protected readonly id: NodeId) {}

  /** Rebuilds the participant from its durable records (a restart). */
  static restore(id: NodeId, records: readonly TwoPcRecord[]): Participant {
    return new Participant(id).restoreFrom(records);
  }

  /** Rebuilds the participant's durable state into this fresh instance (subclasses share it). */
  protected restoreFrom(records: readonly TwoPcRecord[]): this {
    const p = this;
    const prepared = new Map<TxnId, Extract<TwoPcRecord, { type: 'prepared' }>>();
    for (const r of records) {
      switch (r.type) {
        case 'prepared':
          prepared.set(r.txn, r);
          break;
        case 'outcome': {
          const rec = prepared.get(r.txn);
          if (r.outcome === 'commit' && rec) p.applyAppends(rec.appends);
          prepared.delete(r.txn);
          p.finished.set(r.txn, r.outcome);
          break;
        }
        case 'refused':
          p.refused.add(r.txn);
          break;
        case 'read-only':
          p.votedReadOnly.add(r.txn);
          break;
        case 'compacted':
          for (const [key, values] of r.store) p.store.set(key, [...values]);
          for (const [txn, outcome] of r.finished) p.finished.set(txn, outcome);
          for (const txn of r.refused) p.refused.add(txn);
          for (const txn of r.readOnly ?? []) p.votedReadOnly.add(txn);
          break;
        case 'begin':
        case 'commit':
        case 'end':
          break; // coordinator records
        case 'pre-committed':
          break; // 3PC's own (ThreePcParticipant reads them)
        default:
          unreachable(r, '2PC record');
      }
    }
    // Every prepared transaction without an outcome is in doubt: locks back, no decision.
    for (const rec of prepared.values()) {
      // Two in-doubt transactions never share a key (each prepared only holding all its
      // locks), so every one of them takes its locks back; if not, isolation is already lost.
      const relocked = p.locks.tryLockAll(rec.txn, rec.keys);
      invariant(relocked.ok, () => (relocked.ok ? '' : `in-doubt ${rec.txn} to re-take its lock on "${relocked.key}" at restart, but in-doubt ${relocked.holder} holds it`));
      p.txns.set(rec.txn, {
        txn: rec.txn,
        coordinator: rec.coordinator,
        participants: rec.participants,
        keys: rec.keys,
        appends: rec.appends,
        reads: [],
        state: 'prepared',
        sinceMs: -Infinity,
        nextQueryMs: -Infinity,
        answers: new Map(),
        queryRounds: 0,
        blockedReported: false,
      });
    }
    return p;
  }

  /**
   * The participant's share of a compacted log: its finished state, and the 'prepared'
   * record of every transaction still waiting for its outcome (they must survive).
   */
  durableState(): {
    store: [string, unknown[]][];
    finished: [TxnId, Outcome][];
    refused: TxnId[];
    readOnly: TxnId[];
    open: TwoPcRecord[];
  } {
    const open: TwoPcRecord[] = [];
    for (const t of this.txns.values()) {
      if (t.state !== 'prepared') continue; // a working transaction has no record at all
      open.push({ type: 'prepared', txn: t.txn, coordinator: t.coordinator, participants: t.participants, keys: t.keys, appends: t.appends });
    }
    return {
      store: [...this.store].map(([key, values]) => [key, [...values]]),
      finished: [...this.finished],
      refused: [...this.refused],
      readOnly: [...this.votedReadOnly],
      open,
    };
  }

  private applyAppends(appends: readonly (readonly [string, unknown])[]): void {
    for (const [key, value] of appends) {
      const list = this.store.get(key) ?? [];
      list.push(value);
      this.store.set(key, list);
    }
  }

  protected setState(ctx: StepContext, txn: TxnId, state: ParticipantState): void {
    ctx.out.events.push({ kind: 'participant-state', txn, node: this.id, state });
  }

  onExecute(ctx: StepContext, from: NodeId, msg: Extract<TwoPcMsg, { type: 'execute' }>): void {
    const existing = this.txns.get(msg.txn);
    if (existing) {
      // A retransmission: answer the same reads again (prepared ones need no answer).
      if (existing.state === 'working') ctx.send(from, { type: 'executed', txn: msg.txn, ok: true, reads: existing.reads });
      return;
    }
    if (this.finished.get(msg.txn) === 'commit') {
      ctx.send(from, { type: 'executed', txn: msg.txn, ok: false, known: 'commit' });
      return;
    }
    if (this.refused.has(msg.txn) || this.finished.has(msg.txn) || this.votedReadOnly.has(msg.txn)) {
      ctx.send(from, { type: 'executed', txn: msg.txn, ok: false });
      return;
    }
    if (this.locks.isWaiting(msg.txn)) return; // a retransmission while it waits for its keys
    const keys = [...new Set(msg.ops.map((r) => r.op[1]))].sort();
    const asked = this.locks.request({ txn: msg.txn, ts: msg.ts ?? 0, keys }, ctx.config.lockPolicy ?? 'no-wait', ctx.nowMs, { from, msg });
    if (asked.kind === 'refused') {
      ctx.send(from, { type: 'executed', txn: msg.txn, ok: false });
      return;
    }
    if (asked.kind === 'waiting') {
      this.wound(ctx, asked.wound);
      return;
    }
    this.startWorking(ctx, from, msg, keys);
  }

  /** Locks held: do the reads, buffer the appends, answer the coordinator. */
  private startWorking(ctx: StepContext, from: NodeId, msg: Extract<TwoPcMsg, { type: 'execute' }>, keys: readonly string[]): void {
    const { reads, appends } = this.execute(msg.ops);
    this.txns.set(msg.txn, {
      txn: msg.txn,
      coordinator: from,
      participants: msg.participants,
      keys,
      appends,
      reads,
      state: 'working',
      sinceMs: ctx.nowMs,
      nextQueryMs: Infinity,
      answers: new Map(),
      queryRounds: 0,
      blockedReported: false,
    });
    this.setState(ctx, msg.txn, 'working');
    ctx.send(from, { type: 'executed', txn: msg.txn, ok: true, reads });
  }

  /** Reads see the committed list plus this transaction's own earlier appends. */
  private execute(ops: readonly RoutedOp[]): { reads: [number, unknown[]][]; appends: [string, unknown][] } {
    const reads: [number, unknown[]][] = [];
    const appends: [string, unknown][] = [];
    for (const { at, op } of ops) {
      if (op[0] === 'append') appends.push([op[1], op[2]]);
      else reads.push([at, [...(this.store.get(op[1]) ?? []), ...appends.filter(([k]) => k === op[1]).map(([, v]) => v)]]);
    }
    return { reads, appends };
  }

  onPrepare(ctx: StepContext, from: NodeId, txn: TxnId): void {
    const t = this.txns.get(txn);
    if (t?.state === 'prepared' || this.finished.get(txn) === 'commit') {
      ctx.send(from, { type: 'vote', txn, vote: 'yes' });
      return;
    }
    if (this.votedReadOnly.has(txn)) {
      // A copy of the prepare: the same answer, not a refusal a polling peer would take for an abort.
      ctx.send(from, { type: 'vote', txn, vote: 'read-only' });
      return;
    }
    if (!t) {
      // Never executed here, or dropped: it can never vote yes for it now.
      this.refuse(ctx, txn);
      ctx.send(from, { type: 'vote', txn, vote: 'no', cause: this.wounded.has(txn) ? 'conflict' : 'failure' });
      return;
    }
    if (t.appends.length === 0) {
      // Read-only: nothing to commit here, and every lock of the transaction is already
      // held everywhere (execute came first), so letting go now keeps it serializable.
      this.locks.releaseAll(txn, t.keys);
      this.txns.delete(txn);
      this.votedReadOnly.add(txn);
      ctx.out.persist.push({ type: 'read-only', txn });
      this.setState(ctx, txn, 'committed');
      ctx.send(from, { type: 'vote', txn, vote: 'read-only' });
      return;
    }
    if (!ctx.config.bugs?.voteBeforePersist) {
      ctx.out.persist.push({ type: 'prepared', txn, coordinator: t.coordinator, participants: t.participants, keys: t.keys, appends: t.appends });
    }
    t.state = 'prepared';
    t.sinceMs = ctx.nowMs;
    t.nextQueryMs = ctx.nowMs + ctx.config.inDoubtAfterMs;
    this.setState(ctx, txn, 'prepared');
    ctx.send(from, { type: 'vote', txn, vote: 'yes' });
  }

  /** Applies a decision from the coordinator, a peer's answer, or the decision log. */
  learn(ctx: StepContext, txn: TxnId, outcome: Outcome): void {
    // Still in the lock queue: only an abort can reach it, and it just leaves the queue.
    if (this.locks.cancel(txn) !== undefined) return;
    const t = this.txns.get(txn);
    if (!t) return;
    if (t.state === 'working') {
      // Only an abort can reach a transaction that never prepared.
      if (outcome === 'abort') this.dropWorking(ctx, t);
      return;
    }
    ctx.out.persist.push({ type: 'outcome', txn, outcome });
    if (outcome === 'commit') this.applyAppends(t.appends);
    this.locks.releaseAll(txn, t.keys);
    this.txns.delete(txn);
    this.finished.set(txn, outcome);
    this.recentOutcomes.push({ txn, coordinator: t.coordinator, outcome });
    if (this.recentOutcomes.length > RECENT_OUTCOMES) this.recentOutcomes.shift();
    this.setState(ctx, txn, outcome === 'commit' ? 'committed' : 'aborted');
    ctx.out.events.push({ kind: 'outcome', txn, node: this.id, outcome });
  }

  onDecision(ctx: StepContext, from: NodeId, txn: TxnId, outcome: Outcome): void {
    // In paxos mode a yes voter takes an ABORT from the log only: a coordinator that
    // restarted has forgotten whether it proposed commit, so its abort is not enough. A
    // commit it may take at once: the coordinator sends one only after the log chose it
    // (one message sooner than this replica learning the log's choice).
    const prepared = this.txns.get(txn)?.state === 'prepared';
    if (!(prepared && ctx.config.decisions && outcome === 'abort')) this.learn(ctx, txn, outcome);
    if (outcome === 'commit') ctx.send(from, { type: 'ack', txn });
  }

  /**
   * Cooperative termination, the answering side. A participant still working (it has not
   * voted) may abort, and does, so the asker can abort too. One that never heard of the
   * transaction says it does not know: it may have voted read-only and forgotten (a
   * read-only vote leaves no record), and then an abort from it would be a lie.
   */
  answer(ctx: StepContext, txn: TxnId): Outcome | 'unknown' {
    const done = this.finished.get(txn);
    if (done) return done;
    if (this.refused.has(txn)) return 'abort';
    const t = this.txns.get(txn);
    if (!t || t.state === 'prepared') return 'unknown';
    this.dropWorking(ctx, t);
    return 'abort';
  }

  onAnswer(ctx: StepContext, from: NodeId, txn: TxnId, outcome: Outcome | 'unknown'): void {
    const t = this.txns.get(txn);
    if (!t || t.state !== 'prepared') return;
    if (outcome !== 'unknown') {
      this.learn(ctx, txn, outcome);
      return;
    }
    t.answers.set(from, outcome);
  }

  protected refuse(ctx: StepContext, txn: TxnId): void {
    if (this.refused.has(txn)) return;
    this.refused.add(txn);
    ctx.out.persist.push({ type: 'refused', txn });
  }

  protected dropWorking(ctx: StepContext, t: ParticipantTxn): void {
    this.locks.releaseAll(t.txn, t.keys);
    this.txns.delete(t.txn);
    this.refuse(ctx, t.txn);
    this.setState(ctx, t.txn, 'aborted');
  }

  /**
   * After locks moved (TwoPcNode calls it after every input): the lock policy's grants,
   * deaths and wounds. A wound drops a holder that has not voted (it will vote no); one
   * that voted yes cannot abort, and the waiter waits for its outcome.
   */
  settleWaits(ctx: StepContext): void {
    const policy = ctx.config.lockPolicy ?? 'no-wait';
    if (policy === 'no-wait') return;
    for (let round = 0; round < 1_000; round++) {
      const s = this.locks.settle(policy);
      for (const w of s.died) ctx.send(w.payload.from, { type: 'executed', txn: w.txn, ok: false });
      for (const w of s.granted) this.startWorking(ctx, w.payload.from, w.payload.msg, w.keys);
      if (!this.wound(ctx, s.wound) && s.granted.length === 0) return;
    }
  }

  /** wound-wait: the holders an older transaction wounds abort here, unless they voted yes. True if any did. */
  private wound(ctx: StepContext, txns: readonly TxnId[]): boolean {
    let any = false;
    for (const txn of txns) {
      const t = this.txns.get(txn);
      if (t?.state !== 'working') continue;
      this.dropWorking(ctx, t);
      this.wounded.add(txn);
      if (this.wounded.size > MAX_WOUNDED_KEPT) this.wounded.delete(this.wounded.values().next().value as TxnId);
      any = true;
    }
    return any;
  }

  tick(ctx: StepContext): void {
    const { nowMs, config } = ctx;
    // A waiter's wait is bounded by the transaction's timeout: then it is refused.
    for (const w of this.locks.waitedTooLong(nowMs, config.decideTimeoutMs)) {
      this.locks.cancel(w.txn);
      ctx.send(w.payload.from, { type: 'executed', txn: w.txn, ok: false });
    }
    for (const t of [...this.txns.values()]) {
      if (t.state === 'working') {
        if (nowMs - t.sinceMs >= config.workingTimeoutMs) this.dropWorking(ctx, t);
        continue;
      }
      if (t.sinceMs === -Infinity) t.sinceMs = nowMs; // restored: the wait restarts now
      this.tickVoted(ctx, t);
    }
  }

  /** 2PC: a yes voter waiting for its outcome asks around (cooperative termination). */
  protected tickVoted(ctx: StepContext, t: ParticipantTxn): void {
    const { nowMs, config } = ctx;
    const giveUpMs = config.bugs?.decideAloneAfterMs;
    if (giveUpMs !== undefined && nowMs - t.sinceMs >= giveUpMs) {
      this.learn(ctx, t.txn, 'abort'); // the bug: deciding alone after voting yes
      return;
    }
    if (nowMs < t.nextQueryMs) return;
    t.nextQueryMs = nowMs + config.retryMs;
    if (t.queryRounds === 0) this.setState(ctx, t.txn, 'in-doubt');
    t.queryRounds++;
    if (config.decisions) {
      // Non-blocking mode: ask the log to abort; the first decision wins, and learn()
      // adopts whichever it was.
      config.decisions.propose(t.txn, 'abort');
      return;
    }
    ctx.send(t.coordinator, { type: 'query', txn: t.txn, coordinator: t.coordinator });
    const others = t.participants.filter((n) => n !== this.id && n !== t.coordinator);
    for (const n of others) ctx.send(n, { type: 'query', txn: t.txn, coordinator: t.coordinator });
    const allUnknown = others.every((n) => t.answers.get(n) === 'unknown');
    if (t.queryRounds >= 2 && allUnknown && !t.blockedReported) {
      t.blockedReported = true;
      ctx.out.events.push({
        kind: 'blocked',
        txn: t.txn,
        node: this.id,
        waitingFor: t.coordinator,
        message: `blocked: waiting for coordinator ${t.coordinator} (voted yes; ${others.length === 0 ? 'no other participant' : 'every other participant is in doubt too'}; locks held on ${t.keys.join(', ')})`,
      });
    }
  }

  // 3PC's third phase and termination protocol (ThreePcParticipant). 2PC has neither; the
  // mode is cluster-wide, so these messages never reach a 2PC node, and would change nothing.
  onPreCommit(_ctx: StepContext, _from: NodeId, _txn: TxnId): void {}
  onPreCommitAck(_ctx: StepContext, _from: NodeId, _txn: TxnId, _ok: boolean): void {}
  onStateRequest(_ctx: StepContext, _from: NodeId, _txn: TxnId): void {}
  onStateReport(_ctx: StepContext, _from: NodeId, _txn: TxnId, _state: TerminationState): void {}

  /** The state the panel shows for one transaction here. */
  view(txn: TxnId, nowMs: number, inDoubtAfterMs: number): { state: ParticipantState; blockedOn?: NodeId } | undefined {
    const t = this.txns.get(txn);
    if (!t) {
      const done = this.finished.get(txn);
      if (done) return { state: done === 'commit' ? 'committed' : 'aborted' };
      return this.refused.has(txn) ? { state: 'aborted' } : undefined;
    }
    if (t.state === 'working') return { state: 'working' };
    const inDoubt = t.queryRounds > 0 || nowMs - t.sinceMs >= inDoubtAfterMs;
    if (!inDoubt) return { state: 'prepared' };
    return t.blockedReported ? { state: 'in-doubt', blockedOn: t.coordinator } : { state: 'in-doubt' };
  }

  recent(): readonly { txn: TxnId; coordinator: NodeId; outcome: Outcome }[] {
    return this.recentOutcomes;
  }

  /** Executes queued for their keys (wait-die, wound-wait), oldest first (the panel). */
  waiting(): { txn: TxnId; coordinator: NodeId; keys: readonly string[] }[] {
    return this.locks.waiting().map((w) => ({ txn: w.txn, coordinator: w.payload.from, keys: w.keys }));
  }

  active(): { txn: TxnId; coordinator: NodeId; keys: readonly string[] }[] {
    return [...this.txns.values()].map((t) => ({ txn: t.txn, coordinator: t.coordinator, keys: t.keys }));
  }
}
