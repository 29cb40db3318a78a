/**
 * The transaction workload: Elle's list-append. Each transaction is 1..4 micro-operations
 * over a few keys, appends of values unique per key and reads of whole lists; the ok
 * completion carries the node's answer with every read filled in. Checked by checkTxn as
 * strict-serializable: 2PC with strict two-phase locking promises real-time order too.
 * A node without a transaction service answers UNSUPPORTED; the run then stops cleanly and
 * says so instead of reporting an empty history as valid.
 */
import { checkTxn } from '../../check/txn';
import type { ConsistencyModel } from '../../check/txn-models';
import type { HistoryOp } from '../../check/history';
import type { CheckBudget, Verdict } from '../../check/verdict';
import { unknownVerdict } from '../../check/verdict';
import { interpretReply } from './outcome';
import { afterInfo, sleep, type ClientContext, type Workload } from './types';

export interface TxnWorkloadOptions {
  readonly keys?: number;
  readonly maxOps?: number;
  readonly checkTimeoutMs?: number;
  /**
   * The model the history is checked against. Default strict-serializable: the nodes run
   * 2PC with strict two-phase locking, which promises it.
   */
  readonly consistency?: ConsistencyModel;
  /** Put before every key (default none): as the register workload's keyPrefix, for a cluster earlier runs wrote to. */
  readonly keyPrefix?: string;
  /**
   * After a conflict abort, wait before the next attempt: exponential back-off with full
   * jitter drawn from the client's seeded PRNG (default off: retry at once, as no-wait
   * clients did). The next attempt keeps the aborted one's start timestamp, so under
   * wait-die and wound-wait a transaction that keeps losing gets older and wins in the end.
   */
  readonly backoff?: BackoffOptions;
}

export interface BackoffOptions {
  /** The first wait's ceiling; doubled per consecutive conflict abort. */
  readonly baseMs: number;
  readonly capMs: number;
}

export const DEFAULT_TXN_BACKOFF: BackoffOptions = { baseMs: 10, capMs: 500 };

/** Full jitter (AWS architecture blog): a uniform wait in [0, min(cap, base * 2^attempt)). */
export function backoffMs(b: BackoffOptions, attempt: number, random: () => number): number {
  return Math.floor(random() * Math.min(b.capMs, b.baseMs * 2 ** Math.min(attempt, 30)));
}

type MicroOp = ['append', string, number] | ['r', string, null];

const UNSUPPORTED_CODES: ReadonlySet<string> = new Set(['UNSUPPORTED', 'UNKNOWN_SERVICE']);

/** How the transactions of a run ended (the mode comparison's columns). */
export interface TxnTally {
  committed: number;
  /** Aborted because a participant found a key locked (or, wait-die/wound-wait, died or was wounded). */
  abortedByConflict: number;
  /** Aborted for another reason: a no vote, a decision timeout, the log chose abort. */
  abortedOther: number;
  /** No answer in time, or the cluster could not be reached (outcome unknown). */
  unavailable: number;
}


export class TxnWorkload implements Workload {
  readonly name = 'txn' as const;
  readonly model = 'txn';
  unsupported: string | undefined;
  private readonly keys: string[];
  private readonly nextValue = new Map<string, number>();
  readonly tally: TxnTally = { committed: 0, abortedByConflict: 0, abortedOther: 0, unavailable: 0 };

  constructor(private readonly options: TxnWorkloadOptions = {}) {
    this.keys = Array.from({ length: options.keys ?? 5 }, (_, i) => `${options.keyPrefix ?? ''}t${i}`);
  }

  nextTxn(ctx: Pick<ClientContext, 'prng'>): MicroOp[] {
    const n = ctx.prng.between(1, this.options.maxOps ?? 4);
    return Array.from({ length: n }, (): MicroOp => {
      const key = ctx.prng.pick(this.keys);
      if (ctx.prng.chance(0.5)) return ['r', key, null];
      const v = (this.nextValue.get(key) ?? 0) + 1;
      this.nextValue.set(key, v);
      return ['append', key, v];
    });
  }

  async runClient(ctx: ClientContext): Promise<void> {
    /** Consecutive conflict aborts, and the start timestamp they keep (wait-die/wound-wait age). */
    let conflicts = 0;
    let startedMs: number | undefined;
    while (!ctx.stopped() && this.unsupported === undefined) {
      await ctx.limiter.take();
      if (ctx.stopped() || this.unsupported !== undefined) return;
      const ops = this.nextTxn(ctx);
      startedMs ??= Date.now();
      const handle = ctx.recorder.invoke(ctx.process, 'txn', undefined, ops);
      const r = interpretReply((await ctx.caller.call({ type: 'txn', ops, ts: startedMs }, ops[0]?.[1])).reply);
      this.count(r);
      if (r.type === 'fail' && r.code === 'ABORTED') {
        conflicts++;
        if (this.options.backoff) await sleep(backoffMs(this.options.backoff, conflicts - 1, () => ctx.prng.next()));
      } else {
        conflicts = 0;
        startedMs = undefined;
      }
      if (r.type === 'ok') {
        const filled = filledOps(r.result);
        if (filled) ctx.recorder.complete(handle, 'ok', { value: filled });
        else {
          ctx.recorder.complete(handle, 'info', { error: `unreadable txn result ${JSON.stringify(r.result)}` });
          afterInfo(ctx);
        }
        continue;
      }
      if (UNSUPPORTED_CODES.has(r.code)) this.unsupported = `the nodes answered ${r.code}: ${r.message}`;
      // An abort's cause goes into the history: the figures count a failure abort as unavailability.
      ctx.recorder.complete(handle, r.type, { error: r.code, ...(r.cause !== undefined ? { cause: r.cause } : {}) });
      if (r.type === 'info') afterInfo(ctx);
    }
  }

  notes(): string[] {
    const t = this.tally;
    return [`transactions: ${t.committed} committed, ${t.abortedByConflict} aborted by a lock conflict, ${t.abortedOther} aborted otherwise, ${t.unavailable} unavailable (outcome unknown)`];
  }

  private count(r: ReturnType<typeof interpretReply>): void {
    if (r.type === 'ok') this.tally.committed++;
    else if (r.type === 'info') this.tally.unavailable++;
    else if (r.code === 'ABORTED' && r.cause === 'conflict') this.tally.abortedByConflict++;
    else this.tally.abortedOther++;
  }

  check(ops: HistoryOp[], budget: CheckBudget = {}): Verdict {
    if (this.unsupported !== undefined) return unknownVerdict(this.model, `UNSUPPORTED: transactions could not be checked because ${this.unsupported}.`);
    // The checker reads no clock of its own: the supervisor lends its wall clock to the timeout.
    return checkTxn(ops, { timeoutMs: budget.timeoutMs ?? this.options.checkTimeoutMs ?? 20_000, nowMs: budget.nowMs ?? (() => performance.now()), consistency: this.options.consistency ?? 'strict-serializable' });
  }
}

/** The node answers with the micro-ops (reads filled) or an object holding them. */
function filledOps(result: unknown): unknown[] | undefined {
  if (Array.isArray(result)) return result;
  if (typeof result === 'object' && result !== null) {
    const o = result as { ops?: unknown; txn?: unknown; value?: unknown };
    for (const c of [o.ops, o.txn, o.value]) if (Array.isArray(c)) return c;
  }
  return undefined;
}
