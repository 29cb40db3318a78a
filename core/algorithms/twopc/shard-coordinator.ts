/**
 * The coordinator role of the `sharded` mode: the node a client asks runs the transaction
 * against shard leaders. It keeps nothing durable: every fact that must survive it (the
 * votes, the decision) is in a shard's log, so a coordinator's crash blocks nobody (an
 * in-doubt shard asks the deciding shard's log for abort, and adopts whatever it holds).
 *
 * It proposes commit only once every shard voted yes. It tells a client "aborted" only once
 * the deciding shard's log holds abort for the transaction: a refusal alone is not enough,
 * since the same transaction id may have run before (a duplicated or re-sent request, here
 * or on a node that crashed since) and committed. So an abort told to a client is certain.
 */
import type { NodeId } from '../common/types';
import { unreachable } from '../common/unreachable';
import type { ShardId, ShardMap } from './shard-map';
import type { ShardedMsg } from './sharded-types';
import type { AbortCause, RoutedOp, TwoPcConfig, TwoPcEvent, TwoPcReply, TxnId, TxnMicroOp } from './types';

type Phase = 'executing' | 'preparing' | 'deciding' | 'aborting';

interface CoordTxn {
  readonly txn: TxnId;
  readonly ops: readonly TxnMicroOp[];
  readonly shares: ReadonlyMap<ShardId, RoutedOp[]>;
  readonly shards: readonly ShardId[];
  /** The shard whose log decides (the first of `shards`). */
  readonly coord: ShardId;
  phase: Phase;
  readonly reads: Map<number, readonly unknown[]>;
  readonly seen: Map<ShardId, readonly (readonly [string, number])[]>;
  readonly answered: Set<ShardId>;
  /** Shards that voted yes (the panel's votes). */
  readonly yes: Set<ShardId>;
  readonly deadlineMs: number;
  nextRetryMs: number;
  /** Why it is aborting (told to the client once the log holds the abort). */
  reason: string;
  cause: AbortCause;
}

/** What the coordinator needs from the node hosting it during one step. */
export interface CoordinatorContext {
  readonly config: TwoPcConfig;
  readonly nowMs: number;
  /** Sends to the node believed to lead `shard`. */
  toLeader(shard: ShardId, msg: ShardedMsg): void;
  /** No answer from `shard`'s believed leader: try another member next time. */
  suspect(shard: ShardId): void;
  reply(r: TwoPcReply): void;
  event(ev: TwoPcEvent): void;
}

export class ShardCoordinator {
  private readonly txns = new Map<TxnId, CoordTxn>();

  constructor(
    private readonly id: NodeId,
    private readonly map: ShardMap,
  ) {}

  begin(ctx: CoordinatorContext, txn: TxnId, ops: readonly TxnMicroOp[]): void {
    if (this.txns.has(txn)) return; // a duplicated request: the first one is running
    const shares = new Map<ShardId, RoutedOp[]>();
    ops.forEach((op, at) => {
      const shard = this.map.shardOf(op[1]);
      const share = shares.get(shard) ?? [];
      share.push({ at, op });
      shares.set(shard, share);
    });
    const shards = [...shares.keys()].sort();
    const t: CoordTxn = {
      txn,
      ops,
      shares,
      shards,
      coord: shards[0]!,
      phase: 'executing',
      reads: new Map(),
      seen: new Map(),
      answered: new Set(),
      yes: new Set(),
      deadlineMs: ctx.nowMs + ctx.config.decideTimeoutMs,
      nextRetryMs: ctx.nowMs + ctx.config.retryMs,
      reason: '',
      cause: 'failure',
    };
    this.txns.set(txn, t);
    for (const shard of shards) this.sendPhase(ctx, t, shard);
  }

  private sendPhase(ctx: CoordinatorContext, t: CoordTxn, shard: ShardId): void {
    switch (t.phase) {
      case 'executing':
        ctx.toLeader(shard, { type: 'shard-execute', txn: t.txn, shard, ops: t.shares.get(shard)! });
        return;
      case 'preparing': {
        const share = t.shares.get(shard)!;
        const keys = [...new Set(share.map((r) => r.op[1]))].sort();
        const appends = share.filter((r) => r.op[0] === 'append').map((r) => [r.op[1], r.op[2]] as const);
        ctx.toLeader(shard, { type: 'shard-prepare', txn: t.txn, shard, coord: t.coord, shards: t.shards, keys, appends, seen: t.seen.get(shard) ?? [] });
        return;
      }
      case 'deciding':
      case 'aborting':
        if (shard === t.coord) ctx.toLeader(shard, { type: 'shard-decide', txn: t.txn, shard, outcome: t.phase === 'deciding' ? 'commit' : 'abort', shards: t.shards });
        return;
      default:
        unreachable(t.phase, 'coordinator phase');
    }
  }

  onExecuted(ctx: CoordinatorContext, msg: Extract<ShardedMsg, { type: 'shard-executed' }>): void {
    const t = this.txns.get(msg.txn);
    if (!t || t.phase !== 'executing' || !t.shares.has(msg.shard) || t.answered.has(msg.shard)) return;
    if (msg.known === 'commit') {
      this.txns.delete(t.txn);
      ctx.reply({ id: t.txn, ok: false, error: 'DUPLICATE', reason: `${t.txn} already committed on ${msg.shard}` });
      return;
    }
    if (!msg.ok) {
      this.abort(ctx, t, `conflict: shard ${msg.shard} refused the reads (a key is locked by a prepared transaction)`, 'conflict');
      return;
    }
    t.answered.add(msg.shard);
    for (const [at, list] of msg.reads ?? []) t.reads.set(at, list);
    t.seen.set(msg.shard, msg.seen ?? []);
    if (t.answered.size < t.shards.length) return;
    this.enter(ctx, t, 'preparing');
  }

  onVote(ctx: CoordinatorContext, msg: Extract<ShardedMsg, { type: 'shard-vote' }>): void {
    const t = this.txns.get(msg.txn);
    if (!t || t.phase !== 'preparing' || !t.shares.has(msg.shard)) return;
    if (msg.vote === 'no') {
      this.abort(ctx, t, `conflict: shard ${msg.shard} voted no (a key it read changed, or is locked by a prepared transaction)`, 'conflict');
      return;
    }
    t.answered.add(msg.shard);
    t.yes.add(msg.shard);
    if (t.answered.size < t.shards.length) return;
    this.enter(ctx, t, 'deciding');
  }

  onDecided(ctx: CoordinatorContext, msg: Extract<ShardedMsg, { type: 'shard-decided' }>): void {
    const t = this.txns.get(msg.txn);
    if (!t || (t.phase !== 'deciding' && t.phase !== 'aborting')) return;
    this.txns.delete(t.txn);
    ctx.event({ kind: 'decided', txn: t.txn, node: `${t.coord} (log)`, outcome: msg.outcome });
    if (msg.outcome === 'abort') {
      if (t.phase === 'aborting') ctx.reply({ id: t.txn, ok: false, error: 'ABORTED', reason: t.reason, cause: t.cause });
      else ctx.reply({ id: t.txn, ok: false, error: 'ABORTED', reason: `the log of ${t.coord} chose abort (an in-doubt shard gave up waiting)`, cause: 'failure' });
      return;
    }
    if (t.phase === 'aborting') {
      // An earlier run of this id committed (its reads are not ours to report).
      ctx.reply({ id: t.txn, ok: false, error: 'DUPLICATE', reason: `${t.txn} already committed (the log of ${t.coord} holds commit)` });
      return;
    }
    const ops = t.ops.map((op, at): TxnMicroOp => (op[0] === 'r' ? ['r', op[1], t.reads.get(at) ?? []] : op));
    ctx.reply({ id: t.txn, ok: true, ops });
  }

  /** A node that does not lead `shard` answered: re-send there at once when it named another. */
  onRedirect(ctx: CoordinatorContext, msg: Extract<ShardedMsg, { type: 'shard-redirect' }>, changed: boolean): void {
    const t = this.txns.get(msg.txn);
    if (!t || !changed || !t.shares.has(msg.shard) || t.answered.has(msg.shard)) return;
    this.sendPhase(ctx, t, msg.shard);
  }

  private enter(ctx: CoordinatorContext, t: CoordTxn, phase: 'preparing' | 'deciding'): void {
    t.phase = phase;
    t.answered.clear();
    t.nextRetryMs = ctx.nowMs + ctx.config.retryMs;
    if (phase === 'preparing') for (const shard of t.shards) this.sendPhase(ctx, t, shard);
    else this.sendPhase(ctx, t, t.coord);
  }

  /**
   * Before a commit was proposed here: asks the deciding shard's log for abort, and answers
   * the client with what the log holds (onDecided). Prepared shards learn it from there too.
   */
  private abort(ctx: CoordinatorContext, t: CoordTxn, reason: string, cause: AbortCause): void {
    t.reason = reason;
    t.cause = cause;
    t.phase = 'aborting';
    t.nextRetryMs = ctx.nowMs + ctx.config.retryMs;
    this.sendPhase(ctx, t, t.coord);
  }

  tick(ctx: CoordinatorContext): void {
    const { nowMs, config } = ctx;
    for (const t of [...this.txns.values()]) {
      if ((t.phase === 'executing' || t.phase === 'preparing') && nowMs >= t.deadlineMs) {
        this.abort(ctx, t, `no decision within ${config.decideTimeoutMs} ms (phase ${t.phase})`, 'failure');
        continue;
      }
      if (nowMs >= t.deadlineMs + 2 * config.decideTimeoutMs) {
        // The deciding shard's log never answered: only it knows the outcome. The client's
        // own timeout records it as unknown; the shards finish it without us.
        this.txns.delete(t.txn);
        continue;
      }
      if (nowMs < t.nextRetryMs) continue;
      t.nextRetryMs = nowMs + config.retryMs;
      const waiting = t.phase === 'deciding' || t.phase === 'aborting' ? [t.coord] : t.shards.filter((s) => !t.answered.has(s));
      for (const shard of waiting) {
        ctx.suspect(shard);
        this.sendPhase(ctx, t, shard);
      }
    }
  }

  view(): { txn: TxnId; phase: Phase; shards: readonly ShardId[]; yes: readonly ShardId[] }[] {
    return [...this.txns.values()].map((t) => ({ txn: t.txn, phase: t.phase, shards: t.shards, yes: [...t.yes] }));
  }
}
