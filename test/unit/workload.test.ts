import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseHistory } from '../../core/check/history';
import type { Link } from '../../core/algorithms/common/partitions';
import type { CallResult } from '../../core/supervisor/cluster-client';
import type { ReplyFrame } from '../../core/supervisor/node-client';
import { LockWorkload } from '../../core/supervisor/workload/lock';
import { interpretReply } from '../../core/supervisor/workload/outcome';
import { RateLimiter } from '../../core/supervisor/workload/rate-limiter';
import { RegisterWorkload } from '../../core/supervisor/workload/register';
import { runWorkload, type RunTarget } from '../../core/supervisor/workload/run-workload';
import { TxnWorkload } from '../../core/supervisor/workload/txn';
import type { CallBody, Caller } from '../../core/supervisor/workload/types';

const reply = (r: Record<string, unknown>): CallResult => ({ reply: { type: 'reply', id: '1', ...r } as ReplyFrame, node: 'n1' });
const ok = (result: unknown): CallResult => reply({ ok: true, result });
const refused = (code: string): CallResult => reply({ ok: false, code, message: code });

/** A cluster with no processes: faults are not used by these tests. */
const noCluster: RunTarget = {
  ids: ['n1', 'n2', 'n3'],
  token: 't',
  endpoints: () => [],
  kill: async () => {},
  restart: async () => {},
  pause: () => {},
  resume: () => {},
  partition: (): Link[] => [],
  setLinkFault: () => {},
  setSkew: () => {},
  heal: () => {},
};

/** One in-memory lock service with leases on the wall clock (a correct one). */
class FakeLocks {
  private token = 0;
  private holder: { owner: string; token: number; deadline: number } | undefined;
  private readonly queue: { owner: string; ttlMs: number }[] = [];

  private expire(now: number): void {
    if (this.holder && now > this.holder.deadline) this.promote(now);
  }

  private promote(now: number): void {
    const next = this.queue.shift();
    this.holder = next ? { owner: next.owner, token: ++this.token, deadline: now + next.ttlMs } : undefined;
  }

  call(body: CallBody): CallResult {
    if (body.type !== 'lock') return refused('UNSUPPORTED');
    const op = body.op;
    const now = performance.now();
    this.expire(now);
    switch (op.type) {
      case 'acquire': {
        const renewed = this.holder?.owner === op.owner;
        if (!this.holder) this.holder = { owner: op.owner, token: ++this.token, deadline: now + op.ttlMs };
        if (this.holder.owner === op.owner) {
          this.holder.deadline = now + op.ttlMs;
          return ok({ ok: true, kind: 'granted', granted: true, lock: op.lock, owner: op.owner, token: this.holder.token, ttlMs: op.ttlMs, renewed });
        }
        let position = this.queue.findIndex((w) => w.owner === op.owner) + 1;
        if (position === 0) position = this.queue.push({ owner: op.owner, ttlMs: op.ttlMs });
        return ok({ ok: true, kind: 'queued', granted: false, queued: true, lock: op.lock, owner: op.owner, position });
      }
      case 'release':
        if (this.holder?.owner !== op.owner || this.holder.token !== op.token) return ok({ ok: false, code: 'LOCK_NOT_HELD', message: 'not held' });
        this.promote(now);
        return ok({ ok: true, kind: 'released', lock: op.lock, owner: op.owner, token: op.token, next: null });
      case 'cancel': {
        const i = this.queue.findIndex((w) => w.owner === op.owner);
        if (i < 0) return ok({ ok: false, code: 'NOT_QUEUED', message: 'not queued' });
        this.queue.splice(i, 1);
        return ok({ ok: true, kind: 'cancelled', lock: op.lock, owner: op.owner });
      }
      default:
        return refused('INVALID_ARGUMENT');
    }
  }
}

/** A linearizable in-memory register store (read/write/cas/append). */
class FakeKv {
  private readonly values = new Map<string, unknown>();
  timeoutEvery = 0;
  private calls = 0;
  call(body: CallBody): CallResult {
    if (body.type !== 'kv') return refused('UNSUPPORTED');
    if (this.timeoutEvery > 0 && ++this.calls % this.timeoutEvery === 0) return refused('TIMEOUT');
    const op = body.op;
    const cur = this.values.get(op.key) ?? null;
    switch (op.f) {
      case 'read':
        return ok({ ok: true, f: 'read', key: op.key, value: cur });
      case 'write':
        this.values.set(op.key, op.value);
        return ok({ ok: true, f: 'write', key: op.key, value: op.value });
      case 'cas': {
        const match = JSON.stringify(cur) === JSON.stringify(op.value[0]);
        if (match) this.values.set(op.key, op.value[1]);
        return ok({ ok: true, f: 'cas', key: op.key, result: match, value: this.values.get(op.key) });
      }
      case 'append': {
        const v = `${(cur as string | null) ?? ''}${op.value}`;
        this.values.set(op.key, v);
        return ok({ ok: true, f: 'append', key: op.key, value: v });
      }
      default:
        return refused('INVALID_ARGUMENT');
    }
  }
}

const callerOf = (server: { call(body: CallBody): CallResult }): Caller => ({
  call: async (body) => {
    await new Promise((r) => setTimeout(r, 1));
    return server.call(body);
  },
});

const lockRun = (fencing: boolean) => {
  const locks = new FakeLocks();
  const workload = new LockWorkload({ fencing, ttlMs: 100, gcPauseMs: 300, pollMs: 10, writesPerHold: 2 });
  return runWorkload(noCluster, { workload, clients: 3, rate: 400, durationMs: 1_500, seed: 5, faults: [], makeCaller: () => callerOf(locks), liveCheckEveryMs: 200 }).then((result) => ({ result, workload }));
};

describe('lock workload (in-memory lock service, GC-pausing client 0)', () => {
  it('with fencing: the paused holder writes with a stale token, the resource refuses it, and checkLocks finds the history valid', async () => {
    const { result, workload } = await lockRun(true);
    expect(result.verdict.valid).toBe(true);
    expect(workload.resources.get('lock0-resource')!.staleWrites).toBeGreaterThan(0);
    expect(result.counts.fail).toBeGreaterThan(0);
    expect(result.live.firstViolationMs).toBeNull();
  });

  it('without fencing (the negative control): the stale write is accepted and checkLocks reports it with both writes as evidence', async () => {
    const { result } = await lockRun(false);
    expect(result.verdict.valid).toBe(false);
    expect(result.verdict.summary).toMatch(/^STALE_WRITE_ACCEPTED/);
    const ev = result.verdict.evidence as { violations: { code: string; key: string; operations: unknown[] }[] };
    const v = ev.violations.find((x) => x.code === 'STALE_WRITE_ACCEPTED')!;
    expect(v.key).toBe('lock0-resource');
    expect(v.operations).toHaveLength(2);
    expect(result.live.firstViolationMs).not.toBeNull();
  });
});

describe('lock workload after an unknown release', () => {
  it('records a re-acquire that only renewed the grant it still held as info, not as a second grant of the same token', async () => {
    const locks = new FakeLocks();
    // Releases time out without reaching the service: the client still holds the lock.
    const lossy: Caller = { call: async (body) => (body.type === 'lock' && body.op.type === 'release' ? refused('TIMEOUT') : locks.call(body)) };
    const workload = new LockWorkload({ ttlMs: 10_000, pollMs: 5 });
    const historyFile = join(await mkdtemp(join(tmpdir(), 'faultline-wl-')), 'history.jsonl');
    // Long enough for several re-acquires even on a loaded machine (200 ms gave only 2 there).
    const result = await runWorkload(noCluster, { workload, clients: 1, rate: 200, durationMs: 1_500, seed: 3, faults: [], makeCaller: () => lossy, historyFile });
    expect(result.verdict.valid).toBe(true);
    const acquires = parseHistory(await readFile(historyFile, 'utf8')).filter((op) => op.f === 'acquire' && op.type !== 'invoke');
    expect(acquires.length).toBeGreaterThan(3);
    // Exactly one real grant; every later acquire only renewed it.
    expect(acquires.filter((op) => op.type === 'ok')).toHaveLength(1);
    expect(acquires.slice(1).every((op) => op.type === 'info' && String(op.error).includes('renewed'))).toBe(true);
    await rm(dirname(historyFile), { recursive: true, force: true });
  });
});

describe('register workload (in-memory linearizable store)', () => {
  it('produces a linearizable history; after an unknown outcome the client continues as a new process', async () => {
    const kv = new FakeKv();
    kv.timeoutEvery = 7;
    const workload = new RegisterWorkload();
    const result = await runWorkload(noCluster, { workload, clients: 4, rate: 500, durationMs: 600, seed: 9, faults: [], makeCaller: () => callerOf(kv) });
    expect(result.verdict.valid).toBe(true);
    expect(result.counts.info).toBeGreaterThan(0);
    expect(result.counts.ok).toBeGreaterThan(20);
    expect(result.availability.overall.ops).toBe(result.counts.invoked);
  });

  it('moves each key slot to a fresh key every opsPerKey operations, never writes a value twice, and its cas often match', async () => {
    const kv = new FakeKv();
    kv.timeoutEvery = 11;
    const workload = new RegisterWorkload({ keys: 2, appendKeys: 1, opsPerKey: 25 });
    const dir = await mkdtemp(join(tmpdir(), 'faultline-register-'));
    try {
      const historyFile = join(dir, 'history.jsonl');
      const result = await runWorkload(noCluster, { workload, clients: 4, rate: 1000, durationMs: 600, seed: 4, faults: [], historyFile, makeCaller: () => callerOf(kv) });
      expect(result.verdict.valid).toBe(true);
      const ops = parseHistory(await readFile(historyFile, 'utf8'));
      const invokes = ops.filter((op) => op.type === 'invoke');
      const perKey = new Map<string, number>();
      for (const op of invokes) perKey.set(op.key!, (perKey.get(op.key!) ?? 0) + 1);
      expect(Math.max(...perKey.values())).toBeLessThanOrEqual(25);
      expect(perKey.size).toBeGreaterThan(3); // more keys than the three slots: they moved on
      // Every value produced (a write's, a cas's new value, an append's suffix) is new.
      const produced = invokes.flatMap((op) => (op.f === 'write' || op.f === 'append' ? [op.value] : op.f === 'cas' ? [(op.value as unknown[])[1]] : []));
      expect(new Set(produced).size).toBe(produced.length);
      // A cas expects the value last seen on its key, so some match (random values rarely would).
      expect(ops.some((op) => op.type === 'ok' && op.f === 'cas' && op.result === true)).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('stops asking for cas/append once the replicas answer UNSUPPORTED', async () => {
    const workload = new RegisterWorkload();
    const kv = new FakeKv();
    const quorumLike: Caller = {
      call: async (body) => (body.type === 'kv' && (body.op.f === 'cas' || body.op.f === 'append') ? refused('UNSUPPORTED') : kv.call(body)),
    };
    const result = await runWorkload(noCluster, { workload, clients: 2, rate: 500, durationMs: 400, seed: 2, faults: [], makeCaller: () => quorumLike });
    expect([...workload.unsupportedOps].sort()).toEqual(['append', 'cas']);
    expect(result.counts.fail).toBeLessThanOrEqual(4); // each client may hit each once before learning
    expect(result.verdict.valid).toBe(true);
  });
});

describe('txn workload', () => {
  it('stops cleanly and says UNSUPPORTED when the nodes serve no transactions', async () => {
    const workload = new TxnWorkload();
    const result = await runWorkload(noCluster, { workload, clients: 3, rate: 500, durationMs: 2_000, seed: 1, faults: [], makeCaller: () => ({ call: async () => refused('UNSUPPORTED') }) });
    expect(result.unsupported).toContain('UNSUPPORTED');
    expect(result.verdict.valid).toBe('unknown');
    expect(result.verdict.summary).toMatch(/^UNSUPPORTED/);
    expect(result.counts.invoked).toBeLessThanOrEqual(3);
  });

  it('records the filled-in reads of an ok transaction', async () => {
    const workload = new TxnWorkload();
    const lists = new Map<string, number[]>();
    const caller: Caller = {
      call: async (body) => {
        if (body.type !== 'txn') return refused('UNSUPPORTED');
        const out = body.ops.map((m) => {
          if (m[0] === 'append') {
            lists.set(m[1], [...(lists.get(m[1]) ?? []), m[2] as number]);
            return m;
          }
          return ['r', m[1], [...(lists.get(m[1]) ?? [])]];
        });
        return ok({ ops: out });
      },
    };
    const result = await runWorkload(noCluster, { workload, clients: 2, rate: 500, durationMs: 300, seed: 4, faults: [], makeCaller: () => caller });
    expect(result.verdict.valid).toBe(true);
    expect(result.counts.ok).toBeGreaterThan(5);
  });
});

describe('interpretReply', () => {
  it('unknown for timeouts, lost connections and lost leadership; fail for definite refusals, also from the service inside an ok frame', () => {
    expect(interpretReply(refused('TIMEOUT').reply).type).toBe('info');
    expect(interpretReply(refused('UNAVAILABLE').reply).type).toBe('info');
    expect(interpretReply(refused('LEADERSHIP_LOST').reply).type).toBe('info');
    expect(interpretReply(refused('NOT_LEADER').reply).type).toBe('fail');
    expect(interpretReply(ok({ ok: false, code: 'LOCK_NOT_HELD', message: 'x' }).reply)).toMatchObject({ type: 'fail', code: 'LOCK_NOT_HELD' });
    expect(interpretReply(ok({ ok: true, f: 'read', value: 3 }).reply)).toMatchObject({ type: 'ok' });
  });
});

describe('RateLimiter', () => {
  it('spaces slots 1/rate apart across callers and does not save up missed slots', () => {
    let now = 0;
    const limiter = new RateLimiter(100, () => now);
    expect([limiter.reserve(), limiter.reserve(), limiter.reserve()]).toEqual([0, 10, 20]);
    now = 1_000;
    expect(limiter.reserve()).toBe(0);
    expect(limiter.reserve()).toBe(10);
  });
});
