/**
 * Wire schemas of txn mode sharded (core/protocol/sharded.ts): every message a
 * ShardedTxnNode sends in a real step decodes as it was sent, a shard group's Paxos
 * message included, and bad ones are refused with a code.
 */
import { describe, expect, it } from 'vitest';
import { ShardedTxnNode, type ShardedMsg } from '../../core/algorithms/twopc';
import { decodePeerFrame, encodePeerFrame } from '../../core/protocol/peer';

const members = ['n1', 'n2', 'n3', 'n4', 'n5'];
const timing = { decideTimeoutMs: 1_000, retryMs: 100, inDoubtAfterMs: 300, workingTimeoutMs: 2_000 };
const frame = (body: unknown) => encodePeerFrame({ type: 'msg', part: 'twopc', body });

describe('sharded txn messages on the wire', () => {
  it('decode as sent: group Paxos traffic and a coordinator execute', () => {
    const node = new ShardedTxnNode({ twopc: { id: 'n1', ...timing }, members, seed: 1 });
    const sent: ShardedMsg[] = [];
    // Ticks until its groups campaign (phase 1 prepares), then a client transaction.
    for (let t = 0; t <= 2_000; t += 10) sent.push(...node.step({ kind: 'tick', nowMs: t }).send.map((e) => e.msg));
    sent.push(...node.step({ kind: 'request', request: { kind: 'txn', id: 't1', ops: [['append', 'k1', 1], ['r', 'k2', null]] }, nowMs: 2_010 }).send.map((e) => e.msg));
    expect(sent.some((m) => m.type === 'shard-paxos')).toBe(true);
    expect(sent.some((m) => m.type === 'shard-execute')).toBe(true);
    for (const m of sent) expect(decodePeerFrame(frame(m))).toEqual({ ok: true, value: { type: 'msg', part: 'twopc', body: m } });
  });

  it('decodes a prepare, and refuses a bad shard id, a vote other than yes/no and a bad command', () => {
    const prepare: ShardedMsg = { type: 'shard-prepare', txn: 't1', shard: 's3', coord: 's1', shards: ['s1', 's3'], keys: ['a'], appends: [['a', 1]], seen: [['a', 0]] };
    expect(decodePeerFrame(frame(prepare))).toEqual({ ok: true, value: { type: 'msg', part: 'twopc', body: prepare } });
    expect(decodePeerFrame(frame({ ...prepare, shard: 'n3' }))).toMatchObject({ ok: false, error: { code: 'INVALID_MESSAGE' } });
    expect(decodePeerFrame(frame({ type: 'shard-vote', txn: 't1', shard: 's3', vote: 'read-only' }))).toMatchObject({ ok: false, error: { code: 'INVALID_MESSAGE' } });
    const accept = { type: 'accept', ballot: { round: 1, node: 'n1' }, slot: 1, chosenUpTo: 0, value: { kind: 'cmd', command: { op: { op: 'steal', txn: 't1' } } } };
    expect(decodePeerFrame(frame({ type: 'shard-paxos', group: 's1', msg: accept }))).toMatchObject({ ok: false, error: { code: 'INVALID_MESSAGE' } });
  });
});
