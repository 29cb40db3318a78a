/**
 * The register workload (Jepsen's linearizable-register / Maelstrom's lin-kv): reads,
 * writes and compare-and-sets of small integers on a few keys, and appends of unique
 * strings on separate keys (appends on a number would only be refused, teaching nothing).
 * Checked by checkRegister (linearizability per key).
 */
import { checkRegister } from '../../check/register';
import type { HistoryOp } from '../../check/history';
import type { Verdict } from '../../check/verdict';
import { interpretReply } from './outcome';
import { afterInfo, type ClientContext, type Workload } from './types';

export interface RegisterWorkloadOptions {
  /** Keys for read/write/cas (integers). Default 3. */
  readonly keys?: number;
  /** Keys for read/append (strings). Default 1; 0 disables appends. */
  readonly appendKeys?: number;
  /** Values are drawn from 0..valueRange-1, so cas sometimes matches. Default 5. */
  readonly valueRange?: number;
  /** Checker budget. Default 20 s. */
  readonly checkTimeoutMs?: number;
}

type RegisterOp =
  | { readonly f: 'read'; readonly key: string }
  | { readonly f: 'write'; readonly key: string; readonly value: number }
  | { readonly f: 'cas'; readonly key: string; readonly value: [number, number] }
  | { readonly f: 'append'; readonly key: string; readonly value: string };

export class RegisterWorkload implements Workload {
  readonly name = 'register' as const;
  readonly model = 'register';
  private readonly intKeys: string[];
  private readonly strKeys: string[];
  private readonly valueRange: number;
  private appendSeq = 0;
  /** Operations the cluster refused as UNSUPPORTED (ABD replicas have no cas/append). */
  readonly unsupportedOps = new Set<'cas' | 'append'>();

  constructor(private readonly options: RegisterWorkloadOptions = {}) {
    this.intKeys = Array.from({ length: options.keys ?? 3 }, (_, i) => `r${i}`);
    this.strKeys = Array.from({ length: options.appendKeys ?? 1 }, (_, i) => `s${i}`);
    this.valueRange = options.valueRange ?? 5;
  }

  /** The next operation (exported for tests through the class). */
  nextOp(ctx: Pick<ClientContext, 'prng' | 'index'>): RegisterOp {
    const { prng } = ctx;
    if (this.strKeys.length > 0 && !this.unsupportedOps.has('append') && prng.chance(0.2)) {
      const key = prng.pick(this.strKeys);
      return prng.chance(0.5) ? { f: 'read', key } : { f: 'append', key, value: `${ctx.index}.${++this.appendSeq};` };
    }
    const key = prng.pick(this.intKeys);
    const x = prng.next();
    if (x < 0.45) return { f: 'read', key };
    if (x < 0.75 || this.unsupportedOps.has('cas')) return { f: 'write', key, value: prng.int(this.valueRange) };
    return { f: 'cas', key, value: [prng.int(this.valueRange), prng.int(this.valueRange)] };
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
        if (op.f === 'read') ctx.recorder.complete(handle, 'ok', { value: res.value ?? null });
        else if (op.f === 'cas') ctx.recorder.complete(handle, 'ok', { result: res.result === true });
        else ctx.recorder.complete(handle, 'ok');
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
    return off.length === 0 ? [] : [`${off.join(' and ')} answered UNSUPPORTED by this mode's replicas; the run went on without them`];
  }

  check(ops: HistoryOp[]): Verdict {
    return checkRegister(ops, { timeoutMs: this.options.checkTimeoutMs ?? 20_000 });
  }
}
