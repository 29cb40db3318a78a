/**
 * Scripted scenarios for ReplicationNode, in the style of etcd's raft tests: a tiny
 * synchronous cluster where the test decides which messages arrive, who is down, who is
 * suspected, and when time passes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { NodeId } from '../../core/algorithms/common/types';
import { compareVersions, ReplicaStore, ReplicationNode, type ReplMsg, type ReplRecord } from '../../core/algorithms/replication';
import { keyWhere, N3, ReplCluster as Cluster, ringOf, type Wire } from '../support/repl-cluster';

describe('versions', () => {
  it('order by counter first, then break ties by node id', () => {
    expect(compareVersions({ counter: 2, node: 'n1' }, { counter: 1, node: 'n9' })).toBeGreaterThan(0);
    expect(compareVersions({ counter: 1, node: 'n1' }, { counter: 1, node: 'n2' })).toBeLessThan(0);
    expect(compareVersions({ counter: 1, node: 'n2' }, { counter: 1, node: 'n2' })).toBe(0);
  });

  it('a replica keeps the higher of two versions with the same counter whatever the arrival order', () => {
    for (const order of [
      ['n1', 'n2'],
      ['n2', 'n1'],
    ]) {
      const store = new ReplicaStore(N3);
      for (const node of order) store.apply({ type: 'stored', key: 'k', version: { counter: 1, node }, value: `from-${node}` });
      expect(store.get('k')).toEqual({ version: { counter: 1, node: 'n2' }, value: 'from-n2' });
    }
  });
});

describe('replica store', () => {
  it('converges to the highest version whatever order (and duplication) its stored records arrive in', () => {
    const record = fc.record({
      counter: fc.integer({ min: 0, max: 5 }),
      node: fc.constantFrom('n1', 'n2', 'n3'),
      key: fc.constantFrom('a', 'b'),
    });
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 20 }), fc.integer(), (recs, shuffleSeed) => {
        const asRecord = (r: { counter: number; node: string; key: string }): ReplRecord => ({
          type: 'stored',
          key: r.key,
          version: { counter: r.counter, node: r.node },
          value: `${r.key}:${r.counter}@${r.node}`,
        });
        const shuffled = [...recs, ...recs.slice(0, 3)].sort((x, y) => ((x.counter * 7 + shuffleSeed) % 11) - ((y.counter * 7 + shuffleSeed) % 11));
        const a = new ReplicaStore(N3);
        const b = new ReplicaStore(N3);
        for (const r of recs) a.apply(asRecord(r));
        for (const r of shuffled) b.apply(asRecord(r));
        for (const key of ['a', 'b']) {
          expect(b.get(key)).toEqual(a.get(key));
          const mine = recs.filter((r) => r.key === key);
          if (mine.length === 0) continue;
          const best = mine.reduce((x, y) => (compareVersions(x, y) >= 0 ? x : y));
          expect(a.get(key)?.version).toEqual({ counter: best.counter, node: best.node });
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('quorum mode (ABD)', () => {
  it('a write acknowledged by one coordinator is read by another', () => {
    const c = new Cluster(N3);
    const w = c.write('n1', 'x', 'hello');
    c.deliver();
    expect(c.reply(w)).toMatchObject({ ok: true, version: { counter: 1, node: 'n1' } });
    const r = c.read('n3', 'x');
    c.deliver();
    expect(c.reply(r)).toMatchObject({ ok: true, value: 'hello' });
  });

  it('a write first learns the highest version from a majority, then writes a higher one', () => {
    const c = new Cluster(N3);
    c.write('n1', 'x', 'a');
    c.deliver();
    const w = c.write('n2', 'x', 'b');
    c.deliver();
    expect(c.reply(w)).toMatchObject({ ok: true, version: { counter: 2, node: 'n2' } });
    // The put of phase 2 went out only after get-acks of phase 1.
    const puts = c.sentOf('put').filter((p) => p.from === 'n2');
    expect(puts.every((p) => p.msg.type === 'put' && p.msg.version?.counter === 2)).toBe(true);
  });

  it('a read that sees a newer version on part of its majority writes it back before answering', () => {
    const c = new Cluster(N3);
    // n1's write reaches only n1's own replica: the others never get its put.
    const w = c.write('n1', 'x', 'new');
    c.deliver((m) => m.msg.type === 'put' && m.from === 'n1' && m.to !== 'n1');
    expect(c.replies.has(w)).toBe(false);
    expect(c.node('n2').stored('x')).toBeNull();

    // n2 reads with n3 cut off: its majority is {n1, n2} and n1 has the new value.
    const r = c.read('n2', 'x');
    c.deliver((m) => m.to === 'n3' || m.from === 'n3');
    expect(c.reply(r)).toMatchObject({ ok: true, value: 'new' });
    const writeBack = c.sentOf('put').filter((p) => p.from === 'n2' && p.msg.type === 'put' && p.msg.rid === `${r}#update`);
    expect(writeBack.length).toBeGreaterThan(0);
    // Before the reply, a majority holds the value: n2 itself stored it durably.
    expect(c.node('n2').stored('x')?.value).toBe('new');

    // With n1 gone, any later read still sees it (n2 + n3 intersect the write-back majority).
    c.crash('n1');
    const r2 = c.read('n3', 'x');
    c.deliver();
    expect(c.reply(r2)).toMatchObject({ ok: true, value: 'new' });
  });

  it('a read whose majority already agrees answers without a write-back round', () => {
    const c = new Cluster(N3);
    c.write('n1', 'x', 'v');
    c.deliver();
    const r = c.read('n2', 'x');
    c.deliver();
    expect(c.reply(r)).toMatchObject({ ok: true, value: 'v' });
    expect(c.sentOf('put').filter((p) => p.msg.type === 'put' && p.msg.rid === `${r}#update`)).toEqual([]);
  });

  it('a replica acknowledges a put only in the Ready that persists it, record first', () => {
    const node = new ReplicationNode({ id: 'n2', members: N3, mode: 'quorum' });
    const put: ReplMsg = { type: 'put', rid: 'w1#update', key: 'x', value: 7, version: { counter: 1, node: 'n1' } };
    const ready = node.step({ kind: 'message', from: 'n1', msg: put, nowMs: 0 });
    expect(ready.persist).toEqual([{ type: 'stored', key: 'x', version: { counter: 1, node: 'n1' }, value: 7 }]);
    expect(ready.send).toEqual([{ to: 'n1', msg: { type: 'put-ack', rid: 'w1#update', key: 'x', version: { counter: 1, node: 'n1' } } }]);

    // An older version is already covered by what is durable: ack without a new record.
    const older = node.step({ kind: 'message', from: 'n3', msg: { ...put, rid: 'w0#update', version: { counter: 0, node: 'n3' } }, nowMs: 0 });
    expect(older.persist).toEqual([]);
    expect(older.send).toHaveLength(1);
    expect(node.stored('x')?.value).toBe(7);
  });

  it('the coordinator replies to a write only after a majority acknowledged durably', () => {
    const c = new Cluster(N3);
    const w = c.write('n1', 'x', 1);
    // Phase 1 completes, but every remote put is lost: only n1's own ack exists.
    c.deliver((m) => m.msg.type === 'put' && m.to !== 'n1');
    expect(c.replies.has(w)).toBe(false);
    // The retry re-sends the puts; now they arrive.
    c.tick(100);
    expect(c.reply(w)).toMatchObject({ ok: true });
    const replyReady = c.readies.find(({ ready }) => ready.replies.some((x) => x.id === w));
    expect(replyReady?.node).toBe('n1');
  });

  it('survives a restart from its durable records', () => {
    const c = new Cluster(N3);
    c.write('n1', 'x', 'kept');
    c.deliver();
    c.crash('n2');
    c.restart('n2');
    expect(c.node('n2').stored('x')?.value).toBe('kept');
    c.crash('n1');
    const r = c.read('n2', 'x');
    c.deliver();
    expect(c.reply(r)).toMatchObject({ ok: true, value: 'kept' });
  });

  it('a restarted coordinator never reissues a version it issued before the crash', () => {
    const N4 = ['n1', 'n2', 'n3', 'n4'];
    const key = keyWhere(N4, 3, (p) => !p.includes('n1')); // n1 coordinates but stores nothing
    const a = ringOf(N4).preferenceList(key, 3)[0] as NodeId;
    const c = new Cluster(N4);
    // n1 issues 1@n1, but its put reaches only one replica; then n1 crashes.
    c.write('n1', key, 'before-crash');
    c.deliver((m) => m.msg.type === 'put' && m.to !== a);
    expect(c.disks.get('n1')).toContainEqual({ type: 'issued', key, counter: 1 });
    c.crash('n1');
    c.restart('n1');
    // Phase 1 hears only from the two replicas that have nothing: the durable record still lifts the counter.
    const w = c.write('n1', key, 'after-restart');
    c.deliver((m) => m.from === a && m.msg.type === 'get-ack');
    expect(c.reply(w)).toMatchObject({ ok: true, version: { counter: 2, node: 'n1' } });
  });

  it('a duplicated client request is applied once and answered with the same reply', () => {
    const c = new Cluster(N3);
    const id = c.write('n1', 'x', 'once');
    c.request('n1', { id, kind: 'write', key: 'x', value: 'once' }); // in progress: ignored
    c.deliver();
    const first = c.reply(id);
    c.replies.delete(id);
    c.request('n1', { id, kind: 'write', key: 'x', value: 'once' }); // answered: same reply again
    expect(c.reply(id)).toEqual(first);
    expect(c.disks.get('n1')?.filter((rec) => rec.type === 'issued')).toHaveLength(1);
  });

  it('times out with an unknown outcome once a put went out, and a plain failure before', () => {
    const c = new Cluster(N3, { opTimeoutMs: 500 });
    c.crash('n2');
    c.crash('n3');
    const r = c.read('n1', 'x');
    const w = c.write('n1', 'x', 1);
    c.deliver();
    c.tick(600);
    expect(c.reply(r)).toMatchObject({ ok: false, outcome: 'fail', code: 'TIMEOUT' });
    // The write never passed phase 1 (no majority answered): it certainly had no effect.
    expect(c.reply(w)).toMatchObject({ ok: false, outcome: 'fail', code: 'TIMEOUT' });

    const c2 = new Cluster(N3, { opTimeoutMs: 500 });
    const w2 = c2.write('n1', 'x', 1);
    c2.deliver((m) => m.msg.type === 'put' && m.to !== 'n1'); // phase 2 reaches n1 only
    c2.crash('n2');
    c2.crash('n3');
    c2.tick(600);
    expect(c2.reply(w2)).toMatchObject({ ok: false, outcome: 'unknown', code: 'TIMEOUT' });
  });
});

describe('read repair', () => {
  for (const mode of ['sloppy', 'quorum'] as const) {
    it(`${mode}: a read that sees an older version on a replica brings it up to date`, () => {
      const key = keyWhere(N3, 3, (p) => p[0] === 'n1');
      const c = new Cluster(N3, {}, mode);
      c.crash('n3');
      c.write('n1', key, 'v1');
      c.deliver();
      c.down.delete('n3'); // back, but it missed the write
      expect(c.node('n3').stored(key)).toBeNull();
      const r = c.read('n1', key);
      c.deliver();
      expect(c.reply(r)).toMatchObject({ ok: true, value: 'v1' });
      if (mode === 'sloppy') {
        expect(c.events.some((e) => e.node === 'n1' && e.event.type === 'read-repair' && e.event.to === 'n3')).toBe(true);
      }
      expect(c.node('n3').stored(key)?.value).toBe('v1');
    });
  }

  it('quorum: a stale replica that answers after the read completed is repaired in the background', () => {
    const c = new Cluster(N3);
    c.crash('n3');
    c.write('n1', 'x', 'v1');
    c.deliver();
    c.down.delete('n3');
    const r = c.read('n1', 'x');
    // n3's answer is held back until after n2's: the majority {n1, n2} agrees, no write-back.
    const held: Wire[] = [];
    c.deliver((w) => (w.from === 'n3' ? (held.push(w), true) : false));
    expect(c.reply(r)).toMatchObject({ ok: true, value: 'v1' });
    c.wire.push(...held);
    c.deliver();
    expect(c.events.some((e) => e.node === 'n1' && e.event.type === 'read-repair' && e.event.to === 'n3')).toBe(true);
    expect(c.node('n3').stored('x')?.value).toBe('v1');
  });
});

describe('hinted hand-off', () => {
  const N4 = ['n1', 'n2', 'n3', 'n4'];
  const key = keyWhere(N4, 3, (p) => p[0] === 'n1' && !p.includes('n4'));
  const owner = ['n1', 'n2', 'n3'].find((m) => m !== 'n1' && m !== 'n2') as NodeId; // the replica that goes away

  for (const mode of ['sloppy', 'quorum'] as const) {
    it(`${mode}: a write for a suspected replica goes to the next node with a hint, handed over on recovery`, () => {
      const c = new Cluster(N4, {}, mode);
      c.crash(owner);
      c.suspects.add(owner);
      const w = c.write('n1', key, 'while-away');
      c.deliver();
      expect(c.reply(w)).toMatchObject({ ok: true });
      expect(c.node('n4').hints()).toEqual([{ key, owner, version: { counter: 1, node: 'n1' } }]);
      expect(c.node('n4').stored(key)).toBeNull(); // a hint, not an ownership

      c.tick(100);
      expect(c.node('n4').hints()).toHaveLength(1); // still suspected: it waits

      c.restart(owner);
      c.suspects.delete(owner);
      c.tick(100);
      expect(c.node(owner).stored(key)?.value).toBe('while-away');
      expect(c.node('n4').hints()).toEqual([]);
      expect(c.disks.get('n4')?.some((rec) => rec.type === 'hint-delivered' && rec.owner === owner)).toBe(true);
      expect(c.events.some((e) => e.event.type === 'hint-handed-off' && e.event.owner === owner)).toBe(true);
    });
  }

  it('a hint survives the stand-in restarting', () => {
    const c = new Cluster(N4, {}, 'sloppy');
    c.crash(owner);
    c.suspects.add(owner);
    c.write('n1', key, 'v');
    c.deliver();
    c.crash('n4');
    c.restart('n4');
    expect(c.node('n4').hints()).toHaveLength(1);
    c.restart(owner);
    c.suspects.delete(owner);
    c.tick(100);
    expect(c.node(owner).stored(key)?.value).toBe('v');
  });
});

describe('membership changes', () => {
  const before = ['n1', 'n2', 'n3', 'n4'];
  const after = [...before, 'n5'];
  const keys = Array.from({ length: 60 }, (_, i) => `key-${i}`);

  it('a join moves only the keys whose replica set changed, and leavers drop them', () => {
    const c = new Cluster(after, { members: before });
    for (const k of keys) c.write(before[keys.indexOf(k) % 4] as NodeId, k, `v-${k}`);
    c.deliver();
    expect(c.node('n5').storedKeys()).toEqual([]);

    for (const id of after) c.request(id, { kind: 'membership', members: after });
    c.deliver();

    const oldRing = ringOf(before);
    const newRing = ringOf(after);
    const changed = keys.filter((k) => {
      const a = oldRing.preferenceList(k, 3);
      const b = newRing.preferenceList(k, 3);
      return a.some((m) => !b.includes(m));
    });
    expect(changed.length).toBeGreaterThan(0);
    expect(changed.length).toBeLessThan(keys.length);

    const moved = new Set(c.events.flatMap((e) => (e.event.type === 'key-moved' ? [e.event.key] : [])));
    expect([...moved].sort()).toEqual([...changed].sort());
    expect(c.sentOf('copy').every((w) => w.msg.type === 'copy' && changed.includes(w.msg.key))).toBe(true);

    // Afterwards each key lives exactly on its new preference list, with its value.
    for (const k of keys) {
      const holders = after.filter((m) => c.node(m).stored(k) !== null).sort();
      expect(holders).toEqual(newRing.preferenceList(k, 3).sort());
      for (const m of holders) expect(c.node(m).stored(k)?.value).toBe(`v-${k}`);
    }
    const r = c.read('n5', changed[0] as string);
    c.deliver();
    expect(c.reply(r)).toMatchObject({ ok: true, value: `v-${changed[0]}` });
  });

  it('a leave streams the leaver\'s keys to their new owners and survives a restart', () => {
    const c = new Cluster(before);
    for (const k of keys) c.write('n1', k, k);
    c.deliver();
    const remaining = before.filter((m) => m !== 'n4');
    for (const id of before) c.request(id, { kind: 'membership', members: remaining });
    c.deliver();
    expect(c.node('n4').storedKeys()).toEqual([]);
    c.crash('n1');
    c.restart('n1');
    expect(c.node('n1').members()).toEqual(remaining);
    const newRing = ringOf(remaining);
    for (const k of keys) {
      for (const m of newRing.preferenceList(k, 3)) expect(c.node(m).stored(k)?.value).toBe(k);
    }
  });
});

describe('membership changes across a restart', () => {
  it('a leaver that crashes before its keys were acknowledged streams them again after restarting', () => {
    const before = ['n1', 'n2', 'n3', 'n4'];
    const remaining = ['n1', 'n2', 'n3'];
    const key = keyWhere(before, 3, (p) => p.includes('n4'));
    const c = new Cluster(before);
    c.write('n4', key, 'moving');
    c.deliver();
    const newOwners = ringOf(remaining).preferenceList(key, 3);
    const missing = newOwners.find((m) => c.node(m).stored(key) === null) as NodeId;
    expect(missing).toBeDefined();
    for (const id of before) c.request(id, { kind: 'membership', members: remaining });
    c.deliver((w) => w.msg.type === 'copy'); // every transfer is lost...
    c.crash('n4'); // ...and the leaver crashes
    c.restart('n4');
    expect(c.node('n4').stored(key)?.value).toBe('moving');
    c.tick(100); // the retry timer resends from the durable store
    expect(c.node(missing).stored(key)?.value).toBe('moving');
    expect(c.node('n4').stored(key)).toBeNull();
  });
});

describe('async mode', () => {
  it('the first replica acknowledges alone and copies to the others in the background', () => {
    const key = keyWhere(N3, 3, (p) => p[0] === 'n2');
    const c = new Cluster(N3, { asyncCopyDelayMs: 50 }, 'async');
    const w = c.write('n1', key, 'fast');
    c.deliver();
    expect(c.reply(w)).toMatchObject({ ok: true, version: { counter: 1, node: 'n2' } });
    expect(c.node('n2').stored(key)?.value).toBe('fast');
    expect(c.node('n3').stored(key)).toBeNull();
    c.tick(60);
    expect(c.node('n3').stored(key)?.value).toBe('fast');
    expect(c.node('n1').stored(key)?.value).toBe('fast');
  });

  it('loses an acknowledged write when the primary fails before copying', () => {
    const key = keyWhere(N3, 3, (p) => p[0] === 'n2');
    const c = new Cluster(N3, { asyncCopyDelayMs: 50 }, 'async');
    c.write('n1', key, 'old');
    c.deliver();
    c.tick(60);
    const w = c.write('n1', key, 'acked');
    c.deliver();
    expect(c.reply(w)).toMatchObject({ ok: true });
    c.crash('n2');
    c.suspects.add('n2');
    const r = c.read('n3', key);
    c.deliver();
    expect(c.reply(r)).toMatchObject({ ok: true, value: 'old' }); // the acknowledged write is gone
  });
});

describe('sloppy mode', () => {
  it('with R=1 and W=1 a read can miss an acknowledged write (no write-back, no intersection)', () => {
    const key = keyWhere(N3, 3, (p) => p[0] === 'n1');
    const c = new Cluster(N3, { readQuorum: 1, writeQuorum: 1 }, 'sloppy');
    const w = c.write('n1', key, 'new');
    // Phase 1 answered by n1 itself; the puts to the others are lost.
    c.deliver((m) => m.msg.type === 'put' && m.to !== 'n1');
    expect(c.reply(w)).toMatchObject({ ok: true });
    const r = c.read('n2', key); // n2 answers itself first
    c.deliver((m) => m.to === 'n1');
    expect(c.reply(r)).toMatchObject({ ok: true, value: null });
  });

  it('rejects nothing and needs no write-back round when R replies agree', () => {
    const c = new Cluster(N3, { readQuorum: 2, writeQuorum: 2 }, 'sloppy');
    c.write('n1', 'x', 1);
    c.deliver();
    const r = c.read('n3', 'x');
    c.deliver();
    expect(c.reply(r)).toMatchObject({ ok: true, value: 1 });
    expect(c.sentOf('put').some((p) => p.msg.type === 'put' && p.msg.rid.startsWith(r))).toBe(false);
  });
});

describe('requests', () => {
  it('answers a malformed request with BAD_REQUEST naming the wrong value', () => {
    const c = new Cluster(N3);
    const id = c.request('n1', { kind: 'read', key: '' });
    expect(c.reply(id)).toMatchObject({ ok: false, outcome: 'fail', code: 'BAD_REQUEST' });
    const m = c.request('n1', { kind: 'membership', members: ['n1', 'n1'] });
    expect(c.reply(m)).toMatchObject({ ok: false, code: 'BAD_REQUEST' });
  });
});
