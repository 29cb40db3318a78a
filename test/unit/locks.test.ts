/**
 * The lock service, scripted as the log would drive it: each `log(cmd)` is the next chosen
 * slot, applied (and, unless said otherwise, followed by afterApply at the current clock).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FencedResource,
  LockService,
  type LockCommand,
  type LockResult,
  type LockServiceOptions,
} from '../../core/algorithms/locks';

const TTL = 1000;

class Replica {
  readonly svc: LockService;
  index = 0;
  nowMs = 0;
  constructor(opts: LockServiceOptions = {}) {
    this.svc = new LockService(opts);
  }
  log(cmd: LockCommand, opts: { afterApply?: boolean } = {}): LockResult {
    const index = ++this.index;
    const result = this.svc.apply(cmd, index);
    if (opts.afterApply ?? true) this.svc.afterApply(cmd, result, index, this.nowMs);
    return result;
  }
  acquire(owner: string, lock = 'L', ttlMs = TTL): LockResult {
    return this.log({ type: 'acquire', lock, owner, ttlMs });
  }
  holder(lock = 'L'): LockResult {
    return this.svc.queryLocal({ type: 'holder', lock });
  }
}

function tokenOf(r: LockResult): number {
  if (r.ok && (r.kind === 'granted' || r.kind === 'renewed')) return r.token;
  throw new Error(`expected a grant, got ${JSON.stringify(r)}`);
}

describe('grants and fencing tokens', () => {
  it('grants a free lock with token = log index of the acquire', () => {
    const r = new Replica();
    r.log({ type: 'holder', lock: 'other' }); // slot 1: unrelated
    const g = r.acquire('alice'); // slot 2
    expect(g).toEqual({ ok: true, kind: 'granted', granted: true, lock: 'L', owner: 'alice', token: 2, ttlMs: TTL, renewed: false });
    expect(r.holder()).toMatchObject({ holder: { owner: 'alice', token: 2 }, waiters: [] });
  });

  it('acquire by the holder renews and returns the same token', () => {
    const r = new Replica();
    const t = tokenOf(r.acquire('alice'));
    const again = r.acquire('alice');
    expect(again).toMatchObject({ granted: true, token: t, renewed: true });
    expect(r.svc.replicatedState()[0]?.holder?.renewedAt).toBe(2);
  });

  it('tokens strictly increase across grant, release, expire and re-grant', () => {
    const r = new Replica();
    const tokens: number[] = [];
    tokens.push(tokenOf(r.acquire('a')));
    r.acquire('b'); // queued
    const rel = r.log({ type: 'release', lock: 'L', owner: 'a', token: tokens[0]! });
    expect(rel).toMatchObject({ kind: 'released', next: { owner: 'b' } });
    tokens.push(tokenOf(r.acquire('b'))); // b learns it was promoted
    const exp = r.log({ type: 'expire', lock: 'L', token: tokens[1]! });
    expect(exp).toMatchObject({ kind: 'expired', owner: 'b', next: null });
    tokens.push(tokenOf(r.acquire('a')));
    tokens.push(tokenOf(r.acquire('c', 'M'))); // another lock: tokens are global log indexes
    for (let i = 1; i < tokens.length; i++) expect(tokens[i]!).toBeGreaterThan(tokens[i - 1]!);
  });
});

describe('FIFO wait queue', () => {
  it('queues waiters in order and hands off to the head with token = index of the release', () => {
    const r = new Replica();
    const ta = tokenOf(r.acquire('a'));
    expect(r.acquire('b')).toMatchObject({ ok: true, kind: 'queued', granted: false, queued: true, position: 1 });
    expect(r.acquire('c')).toMatchObject({ queued: true, position: 2 });
    expect(r.acquire('c')).toMatchObject({ queued: true, position: 2 }); // asking again keeps the place
    const rel = r.log({ type: 'release', lock: 'L', owner: 'a', token: ta });
    const releaseIndex = r.index;
    expect(rel).toEqual({ ok: true, kind: 'released', lock: 'L', owner: 'a', token: ta, next: { owner: 'b', token: releaseIndex, ttlMs: TTL } });
    expect(r.holder()).toMatchObject({ holder: { owner: 'b', token: releaseIndex }, waiters: ['c'] });
    expect(r.acquire('c')).toMatchObject({ queued: true, position: 1 });
    // b re-sends acquire to learn it holds the lock; that also renews its lease.
    expect(r.acquire('b')).toMatchObject({ granted: true, token: releaseIndex, renewed: true });
  });

  it('an expiry hands off to the head of the queue too', () => {
    const r = new Replica();
    const ta = tokenOf(r.acquire('a'));
    r.acquire('b');
    const exp = r.log({ type: 'expire', lock: 'L', token: ta });
    expect(exp).toMatchObject({ kind: 'expired', token: ta, owner: 'a', next: { owner: 'b', token: r.index } });
  });

  it('refuses waiters beyond the bound without changing the queue', () => {
    const r = new Replica({ maxWaiters: 2 });
    r.acquire('a');
    r.acquire('b');
    r.acquire('c');
    const before = r.svc.replicatedState();
    expect(r.acquire('d')).toMatchObject({ ok: false, code: 'QUEUE_FULL' });
    expect(r.svc.replicatedState()).toEqual(before);
  });

  it('a waiter can cancel; a non-waiter cannot', () => {
    const r = new Replica();
    r.acquire('a');
    r.acquire('b');
    r.acquire('c');
    expect(r.log({ type: 'cancel', lock: 'L', owner: 'b' })).toMatchObject({ ok: true, kind: 'cancelled' });
    expect(r.holder()).toMatchObject({ waiters: ['c'] });
    expect(r.log({ type: 'cancel', lock: 'L', owner: 'a' })).toMatchObject({ ok: false, code: 'NOT_QUEUED' });
    expect(r.log({ type: 'cancel', lock: 'L', owner: 'zed' })).toMatchObject({ ok: false, code: 'NOT_QUEUED' });
  });
});

describe('refusals leave the table unchanged', () => {
  it('release by a non-owner or with a wrong token is refused', () => {
    const r = new Replica();
    r.acquire('a'); // token 1
    r.acquire('x', 'M'); // token 2 on another lock
    const t = tokenOf(r.acquire('a', 'L')); // renewal, still 1
    r.acquire('b');
    const before = r.svc.replicatedState();
    expect(r.log({ type: 'release', lock: 'L', owner: 'b', token: t })).toMatchObject({ ok: false, code: 'LOCK_NOT_HELD' });
    expect(r.log({ type: 'release', lock: 'L', owner: 'a', token: t + 100 })).toMatchObject({ ok: false, code: 'LOCK_NOT_HELD' });
    expect(r.log({ type: 'release', lock: 'nope', owner: 'a', token: t })).toMatchObject({ ok: false, code: 'LOCK_NOT_HELD' });
    expect(r.svc.replicatedState()).toEqual(before);
  });

  it('an old holder presenting its old token after a re-grant gets STALE_FENCING_TOKEN', () => {
    const r = new Replica();
    const old = tokenOf(r.acquire('a'));
    r.log({ type: 'expire', lock: 'L', token: old });
    const fresh = tokenOf(r.acquire('a'));
    expect(fresh).toBeGreaterThan(old);
    const res = r.log({ type: 'release', lock: 'L', owner: 'a', token: old });
    expect(res).toMatchObject({ ok: false, code: 'STALE_FENCING_TOKEN' });
    expect(res.ok ? '' : res.message).toMatch(new RegExp(`token ${old}.*token ${fresh}`));
    expect(r.holder()).toMatchObject({ holder: { owner: 'a', token: fresh } });
  });

  it('keepalive by a non-holder or a queued owner is refused', () => {
    const r = new Replica();
    const t = tokenOf(r.acquire('a'));
    r.acquire('b');
    const before = r.svc.replicatedState();
    expect(r.log({ type: 'keepalive', lock: 'L', owner: 'b', token: t })).toMatchObject({ ok: false, code: 'LOCK_NOT_HELD' });
    expect(r.log({ type: 'keepalive', lock: 'free', owner: 'a', token: t })).toMatchObject({ ok: false, code: 'LOCK_NOT_HELD' });
    expect(r.svc.replicatedState()).toEqual(before);
    expect(r.log({ type: 'keepalive', lock: 'L', owner: 'a', token: t })).toMatchObject({ ok: true, kind: 'renewed', token: t });
  });

  it('refuses malformed commands with INVALID_ARGUMENT', () => {
    const r = new Replica({ maxTtlMs: 5000 });
    expect(r.acquire('a', 'L', 0)).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
    expect(r.acquire('a', 'L', 5001)).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT', message: expect.stringMatching(/5001/) });
    expect(r.acquire('', 'L')).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
    expect(r.acquire('a', '')).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
    expect(r.log({ type: 'release', lock: 'L', owner: 'a', token: -1 })).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
    expect(r.log({ type: 'bogus', lock: 'L' } as unknown as LockCommand)).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
    expect(r.svc.replicatedState()).toEqual([]);
  });

  it('refuses to apply a log index that does not increase', () => {
    const svc = new LockService();
    svc.apply({ type: 'acquire', lock: 'L', owner: 'a', ttlMs: TTL }, 5);
    expect(() => svc.apply({ type: 'acquire', lock: 'M', owner: 'a', ttlMs: TTL }, 5)).toThrow(/strictly increasing/);
  });
});

describe('expire is idempotent', () => {
  it('ignores an expire whose token no longer holds the lock', () => {
    const r = new Replica();
    const t1 = tokenOf(r.acquire('a'));
    r.log({ type: 'release', lock: 'L', owner: 'a', token: t1 });
    const t2 = tokenOf(r.acquire('b'));
    expect(r.log({ type: 'expire', lock: 'L', token: t1 })).toMatchObject({ ok: true, kind: 'expire-ignored', reason: 'TOKEN_NOT_CURRENT' });
    expect(r.holder()).toMatchObject({ holder: { owner: 'b', token: t2 } });
    // The same expire twice (re-proposed by the leader): the second one is a no-op.
    expect(r.log({ type: 'expire', lock: 'L', token: t2 })).toMatchObject({ kind: 'expired' });
    expect(r.log({ type: 'expire', lock: 'L', token: t2 })).toMatchObject({ kind: 'expire-ignored' });
  });

  it('ignores an expire decided before a renewal that reached the log first', () => {
    const r = new Replica();
    const t = tokenOf(r.acquire('a')); // renewedAt 1
    r.log({ type: 'keepalive', lock: 'L', owner: 'a', token: t }); // renewedAt 2
    expect(r.log({ type: 'expire', lock: 'L', token: t, renewedAt: 1 })).toMatchObject({ kind: 'expire-ignored', reason: 'RENEWED_SINCE' });
    expect(r.holder()).toMatchObject({ holder: { owner: 'a', token: t } });
    expect(r.log({ type: 'expire', lock: 'L', token: t, renewedAt: 2 })).toMatchObject({ kind: 'expired' });
  });
});

describe('lease expiry through the log', () => {
  it('the leader proposes expire only after the deadline, and once per retry interval', () => {
    const r = new Replica({ expireRetryMs: 300 });
    r.svc.onLeadership(0);
    r.nowMs = 100;
    const t = tokenOf(r.acquire('a')); // deadline 1100
    expect(r.svc.leaderTick(1099)).toEqual([]);
    expect(r.svc.snapshot()[0]?.deadlineMs).toBe(1100);
    const expire = { type: 'expire', lock: 'L', token: t, renewedAt: 1 };
    expect(r.svc.leaderTick(1100)).toEqual([expire]);
    expect(r.svc.leaderTick(1101)).toEqual([]); // proposed, not yet applied: do not flood
    expect(r.svc.leaderTick(1399)).toEqual([]);
    expect(r.svc.leaderTick(1400)).toEqual([expire]); // lost? propose again
    r.nowMs = 1450;
    expect(r.log(expire as LockCommand)).toMatchObject({ kind: 'expired' });
    expect(r.svc.leaderTick(5000)).toEqual([]);
    expect(r.svc.snapshot()).toEqual([]);
  });

  it('a renewal pushes the deadline out', () => {
    const r = new Replica();
    r.svc.onLeadership(0);
    const t = tokenOf(r.acquire('a'));
    r.nowMs = 900;
    r.log({ type: 'keepalive', lock: 'L', owner: 'a', token: t });
    expect(r.svc.leaderTick(1500)).toEqual([]);
    expect(r.svc.leaderTick(1900)).toEqual([{ type: 'expire', lock: 'L', token: t, renewedAt: 2 }]);
  });

  it('a promoted waiter gets a lease from the handoff', () => {
    const r = new Replica();
    r.svc.onLeadership(0);
    const ta = tokenOf(r.acquire('a'));
    r.acquire('b', 'L', 2000);
    r.nowMs = 500;
    r.log({ type: 'release', lock: 'L', owner: 'a', token: ta });
    expect(r.svc.snapshot()[0]).toMatchObject({ holder: { owner: 'b', token: 3 }, deadlineMs: 2500 });
    expect(r.svc.leaderTick(2499)).toEqual([]);
    expect(r.svc.leaderTick(2500)).toEqual([{ type: 'expire', lock: 'L', token: 3, renewedAt: 3 }]);
  });

  it('a new leader extends every lease to its election time + ttl, never shortens one', () => {
    const r = new Replica();
    r.nowMs = 0;
    r.acquire('a', 'short', 100); // deadline 100
    r.acquire('b', 'long', 5000); // deadline 5000
    r.nowMs = 50;
    r.acquire('b', 'long', 100); // renewed with a shorter ttl: the lease promised until 5000 stands
    r.svc.onLeadership(1000); // short: max(100, 1000 + 100); long: max(5000, 1000 + 100)
    const deadlines = Object.fromEntries(r.svc.snapshot().map((s) => [s.lock, s.deadlineMs]));
    expect(deadlines).toEqual({ long: 5000, short: 1100 });
    expect(r.svc.leaderTick(1099)).toEqual([]);
    expect(r.svc.leaderTick(1100).map((c) => c.lock)).toEqual(['short']);
  });

  it('a lock applied without afterApply gets a conservative lease counted from the tick', () => {
    const r = new Replica();
    r.nowMs = 0;
    r.acquire('a', 'L', 1000);
    r.svc.onLeadership(0);
    r.log({ type: 'acquire', lock: 'L', owner: 'a', ttlMs: 1000 }, { afterApply: false }); // renewal, clock unknown
    expect(r.svc.leaderTick(700)).toEqual([]); // re-counted from 700
    expect(r.svc.leaderTick(1500)).toEqual([]);
    expect(r.svc.leaderTick(1700)).toHaveLength(1);
  });

  it('answers local reads (possibly stale) but refuses to change state locally', () => {
    const r = new Replica();
    r.acquire('a');
    expect(r.svc.queryLocal({ type: 'holder', lock: 'L' })).toMatchObject({ kind: 'holder', holder: { owner: 'a' } });
    expect(r.svc.queryLocal({ type: 'acquire', lock: 'L', owner: 'b', ttlMs: TTL })).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
    expect(r.svc.replicatedState()[0]?.waiters).toEqual([]);
  });
});

// ---- properties -------------------------------------------------------------------------

const OWNERS = ['a', 'b', 'c'];
const LOCKS = ['L', 'M'];

/** Steps of the lease property. Holder-directed steps are resolved against the table at run time. */
type Step =
  | { kind: 'cmd'; cmd: LockCommand; advanceMs: number }
  | { kind: 'holder-acquires'; lock: string; ttlMs: number; advanceMs: number }
  | { kind: 'holder-keepalive'; lock: string; advanceMs: number }
  | { kind: 'holder-releases'; lock: string; advanceMs: number }
  | { kind: 'leadership'; advanceMs: number }
  | { kind: 'tick'; advanceMs: number }
  | { kind: 'apply-proposed'; advanceMs: number };

const ttlArb = fc.constantFrom(5, 40, 200);
const commandArb: fc.Arbitrary<LockCommand> = fc.oneof(
  fc.record({ type: fc.constant('acquire' as const), lock: fc.constantFrom(...LOCKS), owner: fc.constantFrom(...OWNERS), ttlMs: ttlArb }),
  fc.record({ type: fc.constant('keepalive' as const), lock: fc.constantFrom(...LOCKS), owner: fc.constantFrom(...OWNERS), token: fc.integer({ min: 1, max: 60 }) }),
  fc.record({ type: fc.constant('release' as const), lock: fc.constantFrom(...LOCKS), owner: fc.constantFrom(...OWNERS), token: fc.integer({ min: 1, max: 60 }) }),
  fc.record({ type: fc.constant('cancel' as const), lock: fc.constantFrom(...LOCKS), owner: fc.constantFrom(...OWNERS) }),
  fc.record({ type: fc.constant('expire' as const), lock: fc.constantFrom(...LOCKS), token: fc.integer({ min: 1, max: 60 }) }),
);

// Small steps, so ticks land close to deadlines, where an early expire would show.
const advance = fc.integer({ min: 0, max: 30 });
const lockArb = fc.constantFrom(...LOCKS);
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('cmd' as const), cmd: commandArb, advanceMs: advance }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('holder-acquires' as const), lock: lockArb, ttlMs: ttlArb, advanceMs: advance }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('holder-keepalive' as const), lock: lockArb, advanceMs: advance }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('holder-releases' as const), lock: lockArb, advanceMs: advance }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('leadership' as const), advanceMs: advance }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('tick' as const), advanceMs: advance }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('apply-proposed' as const), advanceMs: advance }) },
);

describe('properties', () => {
  it('no expire is proposed before any locally applied grant/renewal of that token + its ttl', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 10, maxLength: 120, size: 'max' }), (steps) => {
        const svc = new LockService({ expireRetryMs: 50 });
        let nowMs = 0;
        let index = 0;
        let leader = false;
        const pending: LockCommand[] = [];
        // (lock, token) -> the latest local time a grant/renewal promised the lease until.
        const promisedUntil = new Map<string, number>();
        const applyLogged = (cmd: LockCommand): void => {
          const result = svc.apply(cmd, ++index);
          svc.afterApply(cmd, result, index, nowMs);
          if (result.ok && (result.kind === 'granted' || result.kind === 'renewed')) {
            const key = `${result.lock}#${result.token}`;
            promisedUntil.set(key, Math.max(promisedUntil.get(key) ?? 0, nowMs + result.ttlMs));
          }
          if (result.ok && (result.kind === 'released' || result.kind === 'expired') && result.next) {
            promisedUntil.set(`${result.lock}#${result.next.token}`, nowMs + result.next.ttlMs);
          }
        };
        const holderOf = (lock: string) => {
          const view = svc.queryLocal({ type: 'holder', lock });
          return view.ok && view.kind === 'holder' ? view.holder : null;
        };
        for (const step of steps) {
          nowMs += step.advanceMs;
          switch (step.kind) {
            case 'cmd':
              applyLogged(step.cmd);
              break;
            case 'holder-acquires': {
              const h = holderOf(step.lock);
              if (h) applyLogged({ type: 'acquire', lock: step.lock, owner: h.owner, ttlMs: step.ttlMs });
              break;
            }
            case 'holder-keepalive': {
              const h = holderOf(step.lock);
              if (h) applyLogged({ type: 'keepalive', lock: step.lock, owner: h.owner, token: h.token });
              break;
            }
            case 'holder-releases': {
              const h = holderOf(step.lock);
              if (h) applyLogged({ type: 'release', lock: step.lock, owner: h.owner, token: h.token });
              break;
            }
            case 'leadership':
              leader = true;
              svc.onLeadership(nowMs);
              break;
            case 'tick':
              if (!leader) break;
              for (const cmd of svc.leaderTick(nowMs)) {
                if (cmd.type !== 'expire') throw new Error(`leaderTick proposed ${cmd.type}`);
                const until = promisedUntil.get(`${cmd.lock}#${cmd.token}`) ?? -Infinity;
                expect(nowMs).toBeGreaterThanOrEqual(until);
                pending.push(cmd);
              }
              break;
            case 'apply-proposed': {
              const cmd = pending.shift();
              if (cmd) applyLogged(cmd);
              break;
            }
            default:
              throw new Error('unknown step');
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it('tokens of successive grants of a lock strictly increase, and a lock has at most one holder', () => {
    fc.assert(
      fc.property(fc.array(commandArb, { maxLength: 80, size: 'max' }), (cmds) => {
        const svc = new LockService();
        const lastToken = new Map<string, number>();
        cmds.forEach((cmd, i) => {
          const r = svc.apply(cmd, i + 1);
          const grants: { lock: string; token: number }[] = [];
          if (r.ok && r.kind === 'granted' && !r.renewed) grants.push(r);
          if (r.ok && (r.kind === 'released' || r.kind === 'expired') && r.next) grants.push({ lock: r.lock, token: r.next.token });
          for (const g of grants) {
            expect(g.token).toBeGreaterThan(lastToken.get(g.lock) ?? 0);
            lastToken.set(g.lock, g.token);
          }
          for (const s of svc.replicatedState()) {
            expect(s.holder).not.toBeNull(); // a free lock has no waiters and no entry
            expect(new Set(s.waiters.map((w) => w.owner)).size).toBe(s.waiters.length);
            expect(s.waiters.some((w) => w.owner === s.holder?.owner)).toBe(false);
          }
        });
      }),
      { numRuns: 300 },
    );
  });

  it('is deterministic: two replicas fed the same log reach the same table and results', () => {
    fc.assert(
      fc.property(fc.array(commandArb, { maxLength: 60, size: 'max' }), fc.array(fc.integer({ min: 0, max: 100 }), { maxLength: 60, size: 'max' }), (cmds, clocks) => {
        const a = new LockService();
        const b = new LockService();
        cmds.forEach((cmd, i) => {
          const ra = a.apply(cmd, i + 1);
          const rb = b.apply(cmd, i + 1);
          expect(rb).toEqual(ra);
          // Different local clocks change deadlines, never the replicated table.
          a.afterApply(cmd, ra, i + 1, clocks[i] ?? 0);
          b.afterApply(cmd, rb, i + 1, 7 * i);
        });
        expect(b.replicatedState()).toEqual(a.replicatedState());
        expect(b.snapshot().map(({ deadlineMs: _d, ...s }) => s)).toEqual(a.snapshot().map(({ deadlineMs: _d, ...s }) => s));
      }),
      { numRuns: 200 },
    );
  });
});

describe('FencedResource', () => {
  it('accepts equal and higher tokens and rejects lower ones', () => {
    const res = new FencedResource();
    expect(res.write(5, 'a')).toEqual({ ok: true });
    expect(res.write(5, 'b')).toEqual({ ok: true }); // same holder, second write
    expect(res.write(9, 'c')).toEqual({ ok: true });
    const stale = res.write(5, 'late');
    expect(stale).toMatchObject({ ok: false, code: 'STALE_FENCING_TOKEN', highest: 9 });
    expect(res.value).toBe('c');
    expect(res.highest).toBe(9);
    expect(res.staleWrites).toBe(1);
  });

  it('without enforcement accepts everything but reports what it would have rejected', () => {
    const res = new FencedResource({ enforce: false });
    expect(res.write(9, 'new holder')).toEqual({ ok: true });
    expect(res.write(5, 'paused old holder')).toEqual({ ok: true, wouldReject: { highest: 9 } });
    expect(res.value).toBe('paused old holder'); // the damage the lab shows
    expect(res.writes.map((w) => w.fenced)).toEqual([true, false]);
    expect(res.staleWrites).toBe(1);
  });

  it('end to end: a holder paused past its lease is stopped by its token', () => {
    const r = new Replica();
    const storage = new FencedResource();
    const ta = tokenOf(r.acquire('a'));
    expect(storage.write(ta, 'a1').ok).toBe(true);
    r.log({ type: 'expire', lock: 'L', token: ta }); // a paused; its lease ran out
    const tb = tokenOf(r.acquire('b'));
    expect(storage.write(tb, 'b1').ok).toBe(true);
    expect(storage.write(ta, 'a2 after waking up')).toMatchObject({ ok: false, code: 'STALE_FENCING_TOKEN' });
  });
});
