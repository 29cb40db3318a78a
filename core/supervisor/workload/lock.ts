/**
 * The lock workload: clients contend for a few leased locks and, while holding one, write
 * to the protected resource behind it with their fencing token. The resource
 * (FencedResource) lives here in the workload process, as the storage service would in
 * Kleppmann's example. History in DESIGN.md's lock model, checked by checkLocks:
 *   acquire (key = lock)          ok value = token | fail (gave up waiting) | info
 *   write   (key = resource)      value {token, data}: ok accepted | fail refused as stale
 *   release (key = lock, value = token)  ok | fail (no longer the holder) | info
 *
 * A polite client checks its lease before each write (counted from when it SENT the
 * request that was granted, see locks/types.ts). The "GC pause" client checks too, then
 * stalls for gcPauseMs before writing — longer than its lease — and writes anyway: the
 * classic failure that only fencing stops. `fencing: false` is the negative control.
 */
import { FencedResource } from '../../algorithms/locks/fenced-resource';
import type { LockResult } from '../../algorithms/locks/types';
import { checkLocks } from '../../check/locks';
import type { HistoryOp } from '../../check/history';
import type { Verdict } from '../../check/verdict';
import { runSigstopGcClient } from './gc-client';
import { interpretReply } from './outcome';
import { afterInfo, sleep, type ClientContext, type Workload } from './types';

export interface LockWorkloadOptions {
  /** How many locks the clients share. Default 1 (maximum contention). */
  readonly locks?: number;
  readonly ttlMs?: number;
  /** false: the resource accepts every token (the negative control). Default true. */
  readonly fencing?: boolean;
  /** > 0: client 0 stalls this long after each grant before its first write. */
  readonly gcPauseMs?: number;
  /**
   * With gcPauseMs: client 0 runs as its own process and is frozen by a real SIGSTOP
   * (gc-client.ts) instead of sleeping in this one. Default false.
   */
  readonly gcSigstop?: boolean;
  /** Writes per hold. Default 2. */
  readonly writesPerHold?: number;
  /** How long a queued client waits before it cancels. Default 3 × ttl. */
  readonly giveUpMs?: number;
  /** How often a queued client re-sends acquire to learn it was promoted. Default 50 ms. */
  readonly pollMs?: number;
  /** Margin a polite client keeps before its lease ends. Default 20% of ttl. */
  readonly safetyMs?: number;
}

export class LockWorkload implements Workload {
  readonly name = 'lock' as const;
  readonly model = 'lock';
  readonly resources = new Map<string, FencedResource>();
  private readonly lockNames: string[];
  private readonly ttlMs: number;
  /** Tokens recorded as ok grants, per client. */
  private readonly grants = new Map<string, Set<number>>();
  private gcPauses = 0;
  private sigstops = 0;
  private readonly childLoad: Record<string, number> = {};
  private skippedWrites = 0;

  constructor(private readonly options: LockWorkloadOptions = {}) {
    this.lockNames = Array.from({ length: options.locks ?? 1 }, (_, i) => `lock${i}`);
    this.ttlMs = options.ttlMs ?? 1_500;
    for (const l of this.lockNames) this.resources.set(resourceOf(l), new FencedResource({ enforce: options.fencing ?? true }));
  }

  async runClient(ctx: ClientContext): Promise<void> {
    const gcPauseMs = this.options.gcPauseMs ?? 0;
    if (ctx.index === 0 && gcPauseMs > 0 && this.options.gcSigstop && ctx.cluster) return this.runSigstopClient(ctx, gcPauseMs, ctx.cluster);
    while (!ctx.stopped()) {
      await ctx.limiter.take();
      if (ctx.stopped()) return;
      const lock = ctx.prng.pick(this.lockNames);
      const grant = await this.acquire(ctx, lock);
      if (grant === undefined) continue;
      await this.hold(ctx, lock, grant);
      await this.release(ctx, lock, grant.token);
    }
  }

  private lockCall(ctx: ClientContext, op: { type: 'acquire'; ttlMs: number } | { type: 'release'; token: number } | { type: 'cancel' }, lock: string) {
    return ctx.caller.call({ type: 'lock', op: { ...op, lock, owner: ctx.name } }, lock);
  }

  private grantedTo(client: string): Set<number> {
    let set = this.grants.get(client);
    if (!set) this.grants.set(client, (set = new Set()));
    return set;
  }

  /** Acquires (polling while queued); the lease start the client may count on, or undefined. */
  private async acquire(ctx: ClientContext, lock: string): Promise<{ token: number; leaseStartMs: number } | undefined> {
    const handle = ctx.recorder.invoke(ctx.process, 'acquire', lock, null);
    const giveUpAt = ctx.nowMs() + (this.options.giveUpMs ?? 3 * this.ttlMs);
    for (;;) {
      const sentAt = ctx.nowMs();
      const r = interpretReply((await this.lockCall(ctx, { type: 'acquire', ttlMs: this.ttlMs }, lock)).reply);
      if (r.type !== 'ok') {
        ctx.recorder.complete(handle, r.type, { value: null, error: r.code });
        if (r.type === 'info') afterInfo(ctx);
        return undefined;
      }
      const res = r.result as LockResult;
      if (res.ok && res.kind === 'granted') {
        const mine = this.grantedTo(ctx.name);
        if (mine.has(res.token)) {
          // A renewal of a grant already recorded for this client (an earlier release's
          // outcome was unknown and it still holds the lock): nothing new was granted, so
          // it is not an ok acquire in the lock model. It still holds the lock: hold, release.
          // (`renewed` alone cannot tell: a promoted waiter's first grant is also a renewal.)
          ctx.recorder.complete(handle, 'info', { value: null, error: `renewed the grant of token ${res.token} this client already held` });
          afterInfo(ctx);
        } else {
          mine.add(res.token);
          ctx.recorder.complete(handle, 'ok', { value: res.token });
        }
        return { token: res.token, leaseStartMs: sentAt };
      }
      if (!(res.ok && res.kind === 'queued')) {
        ctx.recorder.complete(handle, 'info', { value: null, error: `unexpected reply ${JSON.stringify(res)}` });
        afterInfo(ctx);
        return undefined;
      }
      if (ctx.stopped() || ctx.nowMs() >= giveUpAt) return this.giveUp(ctx, lock, handle);
      await sleep(this.options.pollMs ?? 50);
    }
  }

  /** Leaves the queue. Only a confirmed cancel makes the acquire a certain `fail`. */
  private async giveUp(ctx: ClientContext, lock: string, handle: ReturnType<ClientContext['recorder']['invoke']>): Promise<undefined> {
    const r = interpretReply((await this.lockCall(ctx, { type: 'cancel' }, lock)).reply);
    if (r.type === 'ok') {
      ctx.recorder.complete(handle, 'fail', { value: null, error: 'GAVE_UP_WAITING' });
    } else {
      // Promoted meanwhile (NOT_QUEUED) or no answer: it may hold the lock now.
      ctx.recorder.complete(handle, 'info', { value: null, error: `cancel: ${r.code}` });
      afterInfo(ctx);
    }
    return undefined;
  }

  private async hold(ctx: ClientContext, lock: string, grant: { token: number; leaseStartMs: number }): Promise<void> {
    const resourceKey = resourceOf(lock);
    const resource = this.resources.get(resourceKey)!;
    const safetyMs = this.options.safetyMs ?? Math.round(this.ttlMs * 0.2);
    const leaseValid = (): boolean => ctx.nowMs() < grant.leaseStartMs + this.ttlMs - safetyMs;
    const gcPauseMs = this.options.gcPauseMs ?? 0;
    const writes = this.options.writesPerHold ?? 2;
    for (let i = 0; i < writes && !ctx.stopped(); i++) {
      if (!leaseValid()) {
        this.skippedWrites++;
        return;
      }
      if (i === 0 && gcPauseMs > 0 && ctx.index === 0) {
        // The lease was valid a moment ago; now the "process" stalls and writes anyway.
        this.gcPauses++;
        await sleep(gcPauseMs);
      }
      const value = { token: grant.token, data: `${ctx.name}#${i}` };
      const handle = ctx.recorder.invoke(ctx.process, 'write', resourceKey, value);
      const res = resource.write(grant.token, value.data);
      if (res.ok) ctx.recorder.complete(handle, 'ok', res.wouldReject ? { error: `accepted although token ${res.wouldReject.highest} was seen (no fencing)` } : {});
      else ctx.recorder.complete(handle, 'fail', { error: res.code });
      await sleep(5);
    }
  }

  private async release(ctx: ClientContext, lock: string, token: number): Promise<void> {
    const handle = ctx.recorder.invoke(ctx.process, 'release', lock, token);
    const r = interpretReply((await this.lockCall(ctx, { type: 'release', token }, lock)).reply);
    if (r.type === 'ok') {
      const res = r.result as LockResult;
      if (res.ok && res.kind === 'released') ctx.recorder.complete(handle, 'ok');
      else {
        ctx.recorder.complete(handle, 'info', { error: `unexpected reply ${JSON.stringify(res)}` });
        afterInfo(ctx);
      }
      return;
    }
    ctx.recorder.complete(handle, r.type, { error: r.code });
    if (r.type === 'info') afterInfo(ctx);
  }

  /** Client 0 as a separate process, frozen by SIGSTOP between its lease check and its write. */
  private async runSigstopClient(ctx: ClientContext, gcPauseMs: number, cluster: NonNullable<ClientContext['cluster']>): Promise<void> {
    const lock = this.lockNames[0]!;
    const resourceKey = resourceOf(lock);
    const stats = await runSigstopGcClient(ctx, {
      lock,
      resourceKey,
      resource: this.resources.get(resourceKey)!,
      ttlMs: this.ttlMs,
      gcPauseMs,
      cluster,
      config: {
        safetyMs: this.options.safetyMs ?? Math.round(this.ttlMs * 0.2),
        timeoutMs: 1_500,
        pollMs: this.options.pollMs ?? 50,
        giveUpMs: this.options.giveUpMs ?? 3 * this.ttlMs,
        prepareWriteMs: 100,
        seed: ctx.prng.nextUint32(),
      },
    });
    this.sigstops += stats.stops;
    for (const [node, n] of Object.entries(stats.load)) this.childLoad[node] = (this.childLoad[node] ?? 0) + n;
  }

  check(ops: HistoryOp[]): Verdict {
    return checkLocks(ops);
  }

  liveCheck(ops: HistoryOp[]): Verdict {
    return checkLocks(ops);
  }

  extraLoad(): Record<string, number> {
    return this.childLoad;
  }

  notes(): string[] {
    const lines: string[] = [];
    for (const [key, r] of this.resources) {
      lines.push(`${key}: fencing ${r.enforce ? 'on' : 'OFF'}, highest token ${r.highest}, ${r.staleWrites} stale write(s) ${r.enforce ? 'refused' : 'accepted'}`);
    }
    if (this.sigstops > 0) lines.push(`client 0 (its own process) was frozen by SIGSTOP ${this.sigstops} time(s) for ${this.options.gcPauseMs} ms between its lease check and its write (lease ${this.ttlMs} ms)`);
    if (this.gcPauses > 0) lines.push(`client 0 stalled ${this.gcPauses} time(s) for ${this.options.gcPauseMs} ms after a grant (lease ${this.ttlMs} ms)`);
    if (this.skippedWrites > 0) lines.push(`${this.skippedWrites} hold(s) stopped writing because the lease was about to end`);
    return lines;
  }
}

export function resourceOf(lock: string): string {
  return `${lock}-resource`;
}
