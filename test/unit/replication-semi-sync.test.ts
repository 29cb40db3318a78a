/**
 * Semi-synchronous replication, driven step by step: the primary acknowledges only after a
 * backup's durable ack, falls back to acknowledging alone after the timeout, switches back
 * once a backup caught up, and reads take the newest of N-1 replicas. Both sides of the
 * promise: one node dying loses no synchronously acknowledged write; the primary dying
 * while it acknowledges alone loses one.
 */
import { describe, expect, it } from 'vitest';
import type { NodeId } from '../../core/algorithms/common/types';
import { keyWhere, N3, ReplCluster, type Wire } from '../support/repl-cluster';

const TIMEOUT = 200;
/** A key whose primary is n1 and whose backups are n2, n3 (in that order). */
const KEY = keyWhere(N3, 3, (p) => p[0] === 'n1' && p[1] === 'n2');

function cluster(): ReplCluster {
  return new ReplCluster(N3, { semiSyncTimeoutMs: TIMEOUT, opTimeoutMs: 1000, retryMs: 50 }, 'semi-sync');
}

const copyAck = (w: Wire): boolean => w.msg.type === 'copy-ack';
const toBackups = (w: Wire): boolean => w.from === 'n1' && (w.to === 'n2' || w.to === 'n3');
const events = (c: ReplCluster, type: string): { node: NodeId }[] => c.events.filter((e) => e.event.type === type);

describe('semi-sync: the primary acknowledges after a backup has the write durably', () => {
  it('holds the ack while no backup confirmed, answers once one did, in the same Ready as the backup\'s stored record', () => {
    const c = cluster();
    const w = c.write('n2', KEY, 'v1'); // n2 coordinates, n1 is the primary
    const held: Wire[] = [];
    c.deliver((m) => (copyAck(m) ? (held.push(m), true) : false));
    expect(c.node('n1').stored(KEY)?.value).toBe('v1');
    expect(c.node('n2').stored(KEY)?.value).toBe('v1');
    expect(c.replies.has(w)).toBe(false); // both backups stored it, neither ack arrived yet

    // The backup's ack leaves in the Ready that persisted its record, after it.
    const acking = c.readies.find((x) => x.node === 'n3' && x.ready.send.some((s) => s.msg.type === 'copy-ack'));
    expect(acking?.ready.persist.some((rec) => rec.type === 'stored' && rec.key === KEY)).toBe(true);

    c.wire.push(held.find((m) => m.from === 'n3') as Wire);
    c.deliver();
    expect(c.reply(w)).toMatchObject({ ok: true, version: { counter: 1, node: 'n1' } });
    expect(c.reply(w)).not.toHaveProperty('alone');
    expect(c.node('n1').semiSyncFallback()).toBe(false);
  });

  it('a retried put while waiting is not acknowledged early, nor stored twice', () => {
    const c = cluster();
    const w = c.write('n1', KEY, 'v1');
    c.deliver((m) => copyAck(m));
    c.tick(50, (m) => copyAck(m)); // the coordinator's retry and the primary's copy resends
    expect(c.replies.has(w)).toBe(false);
    expect(c.disks.get('n1')?.filter((r) => r.type === 'stored')).toHaveLength(1);
    c.tick(50);
    expect(c.reply(w)).toMatchObject({ ok: true, version: { counter: 1, node: 'n1' } });
  });

  it('writes above a newer version a backup holds instead of being acknowledged under it', () => {
    const c = cluster();
    // n3 holds 5@n3 that n1 never saw (another primary wrote while n1 was away).
    c.wire.push({ from: 'n3', to: 'n2', msg: { type: 'copy', reason: 'repair', key: KEY, stored: { version: { counter: 5, node: 'n3' }, value: 'newer' } } });
    c.deliver();
    const w = c.write('n1', KEY, 'mine');
    c.deliver();
    expect(c.reply(w)).toMatchObject({ ok: true, version: { counter: 6, node: 'n1' } });
    expect(c.node('n2').stored(KEY)).toEqual({ version: { counter: 6, node: 'n1' }, value: 'mine' });
  });
});

describe('semi-sync: fallback and back', () => {
  it('falls back after the timeout with no backup ack, then acknowledges alone at once', () => {
    const c = cluster();
    const w1 = c.write('n1', KEY, 'v1');
    c.deliver(toBackups);
    c.tick(TIMEOUT - 50, toBackups);
    expect(c.replies.has(w1)).toBe(false);
    c.tick(50, toBackups);
    expect(c.reply(w1)).toMatchObject({ ok: true, alone: true });
    expect(events(c, 'semi-sync-off').map((e) => e.node)).toEqual(['n1']);
    expect(c.node('n1').semiSyncFallback()).toBe(true);

    const w2 = c.write('n1', KEY, 'v2');
    c.deliver(toBackups);
    expect(c.reply(w2)).toMatchObject({ ok: true, alone: true, version: { counter: 2, node: 'n1' } });
    expect(events(c, 'semi-sync-off')).toHaveLength(1); // switched off once
  });

  it('switches back on once a backup holds every write acknowledged alone, then waits for a backup again', () => {
    const c = cluster();
    c.write('n1', KEY, 'v1');
    c.deliver(toBackups);
    c.tick(TIMEOUT, toBackups);
    c.write('n1', KEY, 'v2');
    c.deliver(toBackups);
    expect(c.node('n1').semiSyncFallback()).toBe(true);

    c.tick(50); // the link is back: the retry re-sends what the backups miss
    expect(c.node('n2').stored(KEY)?.value).toBe('v2');
    expect(c.node('n1').semiSyncFallback()).toBe(false);
    expect(events(c, 'semi-sync-on')).toHaveLength(1);

    const w3 = c.write('n1', KEY, 'v3');
    c.deliver(copyAck);
    expect(c.replies.has(w3)).toBe(false); // synchronous again
    c.tick(50);
    expect(c.reply(w3)).toMatchObject({ ok: true, version: { counter: 3, node: 'n1' } });
    expect(c.reply(w3)).not.toHaveProperty('alone');
  });

  it('a backup acknowledging only an older write does not end the fallback', () => {
    const c = cluster();
    c.write('n1', KEY, 'v1');
    c.deliver(toBackups);
    c.tick(TIMEOUT, toBackups);
    c.write('n1', KEY, 'v2');
    c.deliver(toBackups);
    // An ack for v1 (1@n1) arrives late; v2 (2@n1) is still only on n1.
    c.wire.push({ from: 'n2', to: 'n1', msg: { type: 'copy-ack', reason: 'semi-sync', key: KEY, version: { counter: 1, node: 'n1' } } });
    c.deliver();
    expect(c.node('n1').semiSyncFallback()).toBe(true);
  });
});

describe('semi-sync: what survives a node dying', () => {
  it('a synchronously acknowledged write survives the primary dying: a read of N-1 replicas meets its backup', () => {
    const c = cluster();
    const w = c.write('n2', KEY, 'v1');
    c.deliver((m) => m.from === 'n1' && m.to === 'n2' && m.msg.type === 'copy'); // only n3 gets the copy
    expect(c.reply(w)).toMatchObject({ ok: true });
    expect(c.node('n2').stored(KEY)).toBeNull();
    c.crash('n1');
    c.suspects.add('n1');
    const r = c.read('n2', KEY);
    c.deliver();
    expect(c.reply(r)).toMatchObject({ ok: true, value: 'v1' });
  });

  it('a write acknowledged alone in fallback is lost when the primary dies before its copies land', () => {
    const c = cluster();
    const w0 = c.write('n2', KEY, 'v0');
    c.deliver();
    expect(c.reply(w0)).toMatchObject({ ok: true });
    // The backups are slow: no copy from n1 lands and no ack comes back.
    const slow = (m: Wire): boolean => (m.from === 'n1' && m.msg.type === 'copy') || (m.to === 'n1' && copyAck(m));
    const w1 = c.write('n2', KEY, 'v1');
    c.deliver(slow);
    c.tick(TIMEOUT, slow);
    expect(c.reply(w1)).toMatchObject({ ok: true, alone: true });
    c.crash('n1');
    c.suspects.add('n1');
    const r = c.read('n2', KEY);
    c.deliver();
    expect(c.reply(r)).toMatchObject({ ok: true, value: 'v0' }); // v1 was acknowledged, and is gone
  });
});
