/**
 * The register workload (Jepsen's linearizable-register / Maelstrom's lin-kv): reads,
 * writes and compare-and-sets on a few keys, and appends on separate keys (appends on a
 * number would only be refused, teaching nothing). Checked by checkRegister
 * (linearizability per key).
 *
 * Built so that every key's history stays checkable, as Jepsen's independent-key
 * workloads are:
 *   - each key slot moves on to a fresh key after `opsPerKey` operations, so no key's
 *     history grows with the run (the checker's cost grows with a key's length and its
 *     concurrency, not with the number of keys);
 *   - every value written (a write's value, a cas's new value, an append's suffix) is
 *     unique in the run, so a read pins down which write it saw, and a crashed write that
 *     no read saw can be left out of the search (core/check/register-prune.ts);
 *   - a cas expects the value last seen on its key (so it matches often), not a random one.
 */
import { checkRegister } from '../../check/register';
import type { HistoryOp } from '../../check/history';
import type { CheckBudget, Verdict } from '../../check/verdict';
import { interpretReply } from './outcome';
import { afterInfo, type ClientContext, type Workload } from './types';

export interface RegisterWorkloadOptions {
  /** Key slots for read/write/cas (integers), used at once. Default 3. */
  readonly keys?: number;
  /** Key slots for read/append (strings). Default 1; 0 disables appends. */
  readonly appendKeys?: number;
  /** A slot moves on to a fresh key after this many operations on it. Default 300. */
  readonly opsPerKey?: number;
  /** Checker time budget. Default 20 s. */
  readonly checkTimeoutMs?: number;
  /**
   * Put before every key (default none). A run on a cluster that earlier runs wrote to
   * (the Lab keeps its cluster between runs) needs keys no earlier run used: the checker
   * starts every key at null, and values restart at 1 in each run.
   */
  readonly keyPrefix?: string;
}

type RegisterOp =
  | { readonly f: 'read'; readonly key: string }
  | { readonly f: 'write'; readonly key: string; readonly value: number }
  | { readonly f: 'cas'; readonly key: string; readonly value: [number | null, number] }
  | { readonly f: 'append'; readonly key: string; readonly value: string };

/** One family of keys (`r` or `s`): which key each slot is on and how far along it is. */
class KeySlots {
  private readonly generation: number[];
  private readonly used: number[];

  constructor(
    private readonly prefix: string,
    slots: number,
    private readonly opsPerKey: number,
  ) {
    this.generation = Array.from({ length: slots }, () => 0);
    this.used = Array.from({ length: slots }, () => 0);
  }

  get size(): number {
    return this.generation.length;
  }

  /** The key for the next operation on `slot`, moving the slot on when its key is used up. */
  take(slot: number): string {
    if ((this.used[slot] as number) >= this.opsPerKey) {
      this.generation[slot] = (this.generation[slot] as number) + 1;
      this.used[slot] = 0;
    }
    this.used[slot] = (this.used[slot] as number) + 1;
    return `${this.prefix}${slot}.${this.generation[slot]}`;
  }
}

export class RegisterWorkload implements Workload {
  readonly name = 'register' as const;
  readonly model = 'register';
  private readonly intKeys: KeySlots;
  private readonly strKeys: KeySlots;
  /** The source of unique values (writes, cas new values, append suffixes). */
  private nextValue = 0;
  /** The value last seen on each key (read, written, or installed by a cas), for cas to expect. */
  private readonly lastSeen = new Map<string, number | null>();
  /** Operations the cluster refused as UNSUPPORTED (ABD replicas have no cas/append). */
  readonly unsupportedOps = new Set<'cas' | 'append'>();
  /** Writes and appends acknowledged ok, and those a semi-sync primary acknowledged alone (fallback). */
  private writesOk = 0;
  private writesAlone = 0;

  constructor(private readonly options: RegisterWorkloadOptions = {}) {
    const opsPerKey = options.opsPerKey ?? 300;
    if (!(Number.isInteger(opsPerKey) && opsPerKey >= 1)) throw new RangeError(`opsPerKey must be a positive integer, got ${opsPerKey}`);
    const prefix = options.keyPrefix ?? '';
    this.intKeys = new KeySlots(`${prefix}r`, options.keys ?? 3, opsPerKey);
    this.strKeys = new KeySlots(`${prefix}s`, options.appendKeys ?? 1, opsPerKey);
  }

  /** The next operation (exported for tests through the class). */
  nextOp(ctx: Pick<ClientContext, 'prng' | 'index'>): RegisterOp {
    const { prng } = ctx;
    if (this.strKeys.size > 0 && !this.unsupportedOps.has('append') && prng.chance(0.2)) {
      const key = this.strKeys.take(prng.int(this.strKeys.size));
      return prng.chance(0.5) ? { f: 'read', key } : { f: 'append', key, value: `${ctx.index}.${++this.nextValue};` };
    }
    const key = this.intKeys.take(prng.int(this.intKeys.size));
    const x = prng.next();
    if (x < 0.45) return { f: 'read', key };
    if (x < 0.75 || this.unsupportedOps.has('cas')) return { f: 'write', key, value: ++this.nextValue };
    return { f: 'cas', key, value: [this.lastSeen.get(key) ?? null, ++this.nextValue] };
  }

  async runClient(ctx: ClientContext): Promise<void> {
    while (!ctx.stopped()) {
      await ctx.limiter.take();
      if (ctx.stopped()) return;
      const op = this.nextOp(ctx);
      const handle = ctx.recorder.invoke(ctx.process, op.f, op.key, op.f === 'read' ? null : op.value);
      const { reply } = await ctx.caller.call({ type: 'kv', op }, op.key);
      const r = interpretReply(reply);
      if (r.type === 'ok') {
        const res = (r.result ?? {}) as { value?: unknown; result?: unknown };
        if (op.f === 'read') {
          ctx.recorder.complete(handle, 'ok', { value: res.value ?? null });
          if (typeof res.value === 'number' || res.value == null) this.lastSeen.set(op.key, res.value ?? null);
        } else if (op.f === 'cas') {
          ctx.recorder.complete(handle, 'ok', { result: res.result === true });
          if (res.result === true) this.lastSeen.set(op.key, op.value[1]);
        } else {
          ctx.recorder.complete(handle, 'ok');
          if (op.f === 'write') this.lastSeen.set(op.key, op.value);
          this.writesOk++;
          if ((res as { alone?: unknown }).alone === true) this.writesAlone++;
        }
      } else {
        // A definite refusal of the operation itself: stop asking for it in this run.
        if (r.code === 'UNSUPPORTED' && (op.f === 'cas' || op.f === 'append')) this.unsupportedOps.add(op.f);
        ctx.recorder.complete(handle, r.type, { error: r.code });
        if (r.type === 'info') afterInfo(ctx);
      }
    }
  }

  notes(): string[] {
    const off = [...this.unsupportedOps];
    const notes = off.length === 0 ? [] : [`${off.join(' and ')} answered UNSUPPORTED by this mode's replicas; the run went on without them`];
    // Only semi-sync's primaries say so; there it is the lesson: these are the writes a failover can lose.
    if (this.writesAlone > 0) {
      notes.push(`semi-sync: ${this.writesAlone} of ${this.writesOk} acknowledged writes were acknowledged by their primary alone (it had fallen back: no backup confirmed in time); a failover before a backup copies them loses them`);
    }
    return notes;
  }

  check(ops: HistoryOp[], budget: CheckBudget = {}): Verdict {
    // The checker reads no clock of its own: the supervisor lends its wall clock to the timeout.
    return checkRegister(ops, { ...budget, timeoutMs: budget.timeoutMs ?? this.options.checkTimeoutMs ?? 20_000, nowMs: budget.nowMs ?? (() => performance.now()) });
  }
}
