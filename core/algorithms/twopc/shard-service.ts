/**
 * One shard's replicated state in the `sharded` transaction mode, applied from the shard
 * group's Paxos log: the shard's data, the transactions PREPARED here and the locks they
 * hold, the outcomes applied here, and (when this shard coordinates a transaction: the
 * first of its shards) the transaction's decision. Because PREPARED, the outcome, the data
 * and the decision are log entries, a new leader after a crash knows every prepared
 * transaction and its locks, and every decision: nothing is lost with one node.
 *
 * Reads are served by the leader from its applied state (`read`), with no lock; PREPARE
 * then re-checks them where the log orders it: every key it read must still have the
 * length it read, and no other prepared transaction may hold any of its keys. A read that
 * was stale (a deposed or lagging leader) therefore makes the vote no, never a wrong
 * commit: safety does not rest on who believes it leads.
 */
import { invariant } from '../common/invariant';
import type { ReplicatedService } from '../common/types';
import { unreachable } from '../common/unreachable';
import type { ShardId } from './shard-map';
import type { Outcome, RoutedOp, TxnId } from './types';

export interface ShardPrepared {
  readonly txn: TxnId;
  /** The shard whose log holds the transaction's decision. */
  readonly coord: ShardId;
  /** Every shard of the transaction (the decision's fan-out). */
  readonly shards: readonly ShardId[];
  readonly keys: readonly string[];
  readonly appends: readonly (readonly [string, unknown])[];
  /** Each key read here, with the length of the committed list the read saw. */
  readonly seen: readonly (readonly [string, number])[];
}

export type ShardCommand =
  | ({ readonly op: 'prepare' } & ShardPrepared)
  /** At the coordinating shard: the first decision for a transaction wins. */
  | { readonly op: 'decide'; readonly txn: TxnId; readonly outcome: Outcome; readonly shards: readonly ShardId[] }
  /** At a participant shard: apply the decided outcome (data, locks released). */
  | { readonly op: 'outcome'; readonly txn: TxnId; readonly outcome: Outcome };

export type ShardResult =
  | { readonly op: 'prepare'; readonly txn: TxnId; readonly vote: 'yes' | 'no'; readonly reason?: string }
  | { readonly op: 'decide'; readonly txn: TxnId; readonly outcome: Outcome; readonly shards: readonly ShardId[] }
  | { readonly op: 'outcome'; readonly txn: TxnId; readonly outcome: Outcome };

export type ShardRead =
  | { readonly ok: true; readonly reads: [number, unknown[]][]; readonly seen: [string, number][] }
  | { readonly ok: false; readonly known?: 'commit'; readonly reason: string };

interface ShardSnapshot {
  store: [string, unknown[]][];
  prepared: ShardPrepared[];
  outcomes: [TxnId, Outcome][];
  refused: TxnId[];
  decisions: [TxnId, { outcome: Outcome; shards: ShardId[] }][];
}

/** Finished transactions a leader keeps in its panel view. */
const RECENT_OUTCOMES = 20;

export class ShardService implements ReplicatedService<ShardCommand, ShardResult> {
  private store = new Map<string, unknown[]>();
  private prepared = new Map<TxnId, ShardPrepared>();
  private locks = new Map<string, TxnId>();
  private outcomes = new Map<TxnId, Outcome>();
  private refused = new Set<TxnId>();
  private decisions = new Map<TxnId, { outcome: Outcome; shards: ShardId[] }>();
  /** Local clock bookkeeping (not replicated): when this replica applied each PREPARE. */
  private readonly preparedAtMs = new Map<TxnId, number>();
  /** Local, for the panel: the last outcomes applied here to prepared transactions, oldest first. */
  private readonly recentOutcomes: { txn: TxnId; outcome: Outcome; coord: ShardId }[] = [];

  constructor(readonly shard: ShardId) {}

  apply(command: ShardCommand, _index: number): ShardResult {
    switch (command.op) {
      case 'prepare':
        return { op: 'prepare', txn: command.txn, ...this.prepare(command) };
      case 'decide': {
        const earlier = this.decisions.get(command.txn);
        if (earlier) return { op: 'decide', txn: command.txn, ...earlier };
        const decision = { outcome: command.outcome, shards: [...command.shards] };
        this.decisions.set(command.txn, decision);
        // The deciding shard is one of the transaction's shards: it applies the outcome to
        // its own data in the same entry (one consensus round fewer holding its locks; a
        // single-shard transaction is then done). Commit is decided only after its yes, so
        // the transaction is prepared here.
        if (command.shards.includes(this.shard)) this.finish(command.txn, command.outcome);
        return { op: 'decide', txn: command.txn, ...decision };
      }
      case 'outcome':
        return { op: 'outcome', txn: command.txn, outcome: this.finish(command.txn, command.outcome) };
      default:
        return unreachable(command, 'shard command');
    }
  }

  private prepare(p: ShardPrepared): { vote: 'yes' | 'no'; reason?: string } {
    const done = this.outcomes.get(p.txn);
    if (done) return { vote: 'no', reason: `${p.txn} already ${done === 'commit' ? 'committed' : 'aborted'} on ${this.shard}` };
    if (this.refused.has(p.txn)) return { vote: 'no', reason: `${p.txn} was refused on ${this.shard}` };
    const earlier = this.prepared.get(p.txn);
    if (earlier) {
      // A re-sent PREPARE: the same vote, as long as it read what the first one read.
      return JSON.stringify(earlier.seen) === JSON.stringify(p.seen) ? { vote: 'yes' } : { vote: 'no', reason: `${p.txn} prepared on ${this.shard} with other reads` };
    }
    const conflict = p.keys.find((k) => this.locks.has(k));
    const stale = p.seen.find(([k, len]) => (this.store.get(k)?.length ?? 0) !== len);
    if (conflict !== undefined || stale !== undefined) {
      this.refused.add(p.txn);
      const reason =
        conflict !== undefined ? `"${conflict}" is locked on ${this.shard} by prepared ${this.locks.get(conflict)}` : `"${stale![0]}" changed on ${this.shard} since it was read`;
      return { vote: 'no', reason };
    }
    const rec: ShardPrepared = { txn: p.txn, coord: p.coord, shards: [...p.shards], keys: [...p.keys], appends: p.appends.map(([k, v]) => [k, v] as const), seen: p.seen.map(([k, n]) => [k, n] as const) };
    this.prepared.set(p.txn, rec);
    for (const k of rec.keys) this.locks.set(k, p.txn);
    return { vote: 'yes' };
  }

  private finish(txn: TxnId, outcome: Outcome): Outcome {
    const done = this.outcomes.get(txn);
    if (done) return done;
    const rec = this.prepared.get(txn);
    // A commit is decided only after every shard voted yes, so a shard applying one holds it prepared.
    invariant(outcome === 'abort' || rec !== undefined, () => `${txn} prepared on ${this.shard} before its commit is applied there`);
    if (rec) {
      if (outcome === 'commit') {
        for (const [key, value] of rec.appends) {
          const list = this.store.get(key) ?? [];
          list.push(value);
          this.store.set(key, list);
        }
      }
      for (const k of rec.keys) if (this.locks.get(k) === txn) this.locks.delete(k);
      this.prepared.delete(txn);
      this.preparedAtMs.delete(txn);
      this.recentOutcomes.push({ txn, outcome, coord: rec.coord });
      if (this.recentOutcomes.length > RECENT_OUTCOMES) this.recentOutcomes.shift();
    }
    this.outcomes.set(txn, outcome);
    return outcome;
  }

  afterApply(command: ShardCommand, result: ShardResult, _index: number, nowMs: number): void {
    if (result.op === 'prepare' && result.vote === 'yes' && !this.preparedAtMs.has(command.txn) && this.prepared.has(command.txn)) this.preparedAtMs.set(command.txn, nowMs);
  }

  /** The leader's read for an execute: committed lists plus the transaction's own appends. */
  read(txn: TxnId, ops: readonly RoutedOp[]): ShardRead {
    const done = this.outcomes.get(txn);
    if (done === 'commit') return { ok: false, known: 'commit', reason: `${txn} already committed on ${this.shard}` };
    if (done || this.refused.has(txn)) return { ok: false, reason: `${txn} already ended on ${this.shard}` };
    for (const { op } of ops) {
      const holder = this.locks.get(op[1]);
      if (holder !== undefined && holder !== txn) return { ok: false, reason: `"${op[1]}" is locked on ${this.shard} by prepared ${holder}` };
    }
    const reads: [number, unknown[]][] = [];
    const seen = new Map<string, number>();
    const own: [string, unknown][] = [];
    for (const { at, op } of ops) {
      if (op[0] === 'append') {
        own.push([op[1], op[2]]);
        continue;
      }
      const committed = this.store.get(op[1]) ?? [];
      if (!seen.has(op[1])) seen.set(op[1], committed.length);
      reads.push([at, [...committed, ...own.filter(([k]) => k === op[1]).map(([, v]) => v)]]);
    }
    return { ok: true, reads, seen: [...seen] };
  }

  /**
   * Prepared transactions without an outcome, with when this replica applied their
   * PREPARE (-Infinity when it was applied by an earlier incarnation or before leadership
   * was known: the caller starts its wait at the first time it looks).
   */
  waiting(): { rec: ShardPrepared; sinceMs: number }[] {
    return [...this.prepared.values()].map((rec) => ({ rec, sinceMs: this.preparedAtMs.get(rec.txn) ?? -Infinity }));
  }

  /** Marks the wait of a restored prepared transaction as starting now. */
  startWait(txn: TxnId, nowMs: number): void {
    if (this.prepared.has(txn) && !this.preparedAtMs.has(txn)) this.preparedAtMs.set(txn, nowMs);
  }

  decision(txn: TxnId): { outcome: Outcome; shards: readonly ShardId[] } | undefined {
    return this.decisions.get(txn);
  }

  outcome(txn: TxnId): Outcome | undefined {
    return this.outcomes.get(txn);
  }

  /** Every outcome applied here and every decision logged here (checkers). */
  outcomeEntries(): [TxnId, Outcome][] {
    return [...this.outcomes];
  }

  decisionEntries(): [TxnId, Outcome][] {
    return [...this.decisions].map(([txn, d]) => [txn, d.outcome]);
  }

  data(key: string): readonly unknown[] {
    return this.store.get(key) ?? [];
  }

  lockSnapshot(): Record<string, TxnId> {
    return Object.fromEntries(this.locks);
  }

  recent(): readonly { txn: TxnId; outcome: Outcome; coord: ShardId }[] {
    return this.recentOutcomes;
  }

  snapshotState(): ShardSnapshot {
    return {
      store: [...this.store].map(([k, v]) => [k, [...v]]),
      prepared: [...this.prepared.values()].map((p) => JSON.parse(JSON.stringify(p)) as ShardPrepared),
      outcomes: [...this.outcomes],
      refused: [...this.refused],
      decisions: [...this.decisions].map(([txn, d]) => [txn, { outcome: d.outcome, shards: [...d.shards] }]),
    };
  }

  restoreSnapshot(state: unknown): void {
    const s = state as ShardSnapshot;
    this.store = new Map(s.store.map(([k, v]) => [k, [...v]]));
    this.prepared = new Map(s.prepared.map((p) => [p.txn, p]));
    this.locks = new Map();
    for (const p of s.prepared) for (const k of p.keys) this.locks.set(k, p.txn);
    this.outcomes = new Map(s.outcomes);
    this.refused = new Set(s.refused);
    this.decisions = new Map(s.decisions.map(([txn, d]) => [txn, { outcome: d.outcome, shards: [...d.shards] }]));
    this.preparedAtMs.clear();
  }
}
