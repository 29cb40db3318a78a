import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { PaxosMsg } from '../../core/algorithms/paxos/types';
import type { ReplMsg } from '../../core/algorithms/replication/types';
import type { TwoPcMsg } from '../../core/algorithms/twopc/types';
import {
  DEFAULT_MAX_FRAME_BYTES,
  decodeClientReply,
  decodeClientRequest,
  decodePeerFrame,
  encodeClientFrame,
  encodePeerFrame,
  parseJsonFrame,
  type ClientReply,
  type ClientRequest,
  type PeerFrame,
} from '../../core/protocol';

type Cmd = { service: string; cmd: unknown };
const b = (round: number, node: string) => ({ round, node });
const put: Cmd = { service: 'kv', cmd: { f: 'write', key: 'k', value: 1 } };

const paxosMessages: PaxosMsg<Cmd>[] = [
  { type: 'prepare', ballot: b(2, 'n1'), fromSlot: 1 },
  { type: 'promise', ballot: b(2, 'n1'), accepted: [{ slot: 3, ballot: b(1, 'n2'), value: { kind: 'noop' } }], chosenUpTo: 2 },
  { type: 'accept', ballot: b(2, 'n1'), slot: 4, value: { kind: 'cmd', command: { client: 'c1', seq: 7, op: put } }, chosenUpTo: 3 },
  { type: 'accepted', ballot: b(2, 'n1'), slot: 4 },
  { type: 'nack', ballot: b(2, 'n1'), promised: b(3, 'n3') },
  { type: 'chosen', entries: [{ slot: 4, value: { kind: 'cmd', command: { op: put } } }] },
  { type: 'heartbeat', ballot: b(2, 'n1'), chosenUpTo: 4 },
  { type: 'catchup', fromSlot: 1 },
  { type: 'catchup-reply', entries: [], chosenUpTo: 0 },
];

const peerMsg = (body: unknown, part = 'paxos') => JSON.stringify({ type: 'msg', part, body });

describe('peer frames', () => {
  it('every Paxos message round-trips', () => {
    for (const body of paxosMessages) {
      const frame: PeerFrame = { type: 'msg', part: 'paxos', body };
      const decoded = decodePeerFrame(encodePeerFrame(frame));
      expect(decoded).toEqual({ ok: true, value: frame });
    }
  });

  it('challenge, hello, welcome and error round-trip, from strings and from bytes', () => {
    const frames: PeerFrame[] = [
      { type: 'challenge', node: 'n2', nonce: 'a'.repeat(32) },
      { type: 'hello', version: 2, node: 'n1', to: 'n2', nonce: 'b'.repeat(32), proof: 'c'.repeat(64) },
      { type: 'welcome', node: 'n2', proof: 'd'.repeat(64) },
      { type: 'error', code: 'INVALID_MESSAGE', message: 'x' },
    ];
    for (const f of frames) {
      expect(decodePeerFrame(encodePeerFrame(f))).toEqual({ ok: true, value: f });
      expect(decodePeerFrame(new TextEncoder().encode(encodePeerFrame(f)))).toEqual({ ok: true, value: f });
    }
  });

  it('an oversized frame is refused before parsing', () => {
    const huge = '{' + ' '.repeat(DEFAULT_MAX_FRAME_BYTES) + '}';
    expect(decodePeerFrame(huge)).toMatchObject({ ok: false, error: { code: 'FRAME_TOO_LARGE' } });
    expect(decodePeerFrame(new Uint8Array(DEFAULT_MAX_FRAME_BYTES + 1))).toMatchObject({ ok: false, error: { code: 'FRAME_TOO_LARGE' } });
    // Multi-byte characters count in bytes, not UTF-16 units.
    const euros = JSON.stringify({ type: 'welcome', node: '€'.repeat(400) });
    expect(decodePeerFrame(euros, 1000)).toMatchObject({ ok: false, error: { code: 'FRAME_TOO_LARGE' } });
    expect(decodePeerFrame(euros, 2000)).toMatchObject({ ok: false, error: { code: 'INVALID_MESSAGE' } });
  });

  it('malformed JSON and invalid UTF-8 are MALFORMED_JSON', () => {
    expect(decodePeerFrame('{"type":"msg",')).toMatchObject({ ok: false, error: { code: 'MALFORMED_JSON' } });
    expect(decodePeerFrame(new Uint8Array([0x7b, 0xff, 0x7d]))).toMatchObject({ ok: false, error: { code: 'MALFORMED_JSON' } });
  });

  it('JSON that is not a frame object is NOT_A_FRAME', () => {
    for (const raw of ['42', 'null', '[1,2]', '"hello"', '{"kind":"msg"}', '{"type":7}']) {
      expect(decodePeerFrame(raw)).toMatchObject({ ok: false, error: { code: 'NOT_A_FRAME' } });
    }
  });

  it('unknown frame types, parts and message types are UNKNOWN_KIND, naming what was expected', () => {
    const t = decodePeerFrame('{"type":"gossip"}');
    expect(t).toMatchObject({ ok: false, error: { code: 'UNKNOWN_KIND' } });
    expect(!t.ok && t.error.message).toMatch(/type: unknown "gossip", expected one of challenge, hello, welcome, msg, error/);
    const p = decodePeerFrame(peerMsg({ type: 'prepare' }, 'raft'));
    expect(!p.ok && p.error).toMatchObject({ code: 'UNKNOWN_KIND' });
    expect(!p.ok && p.error.message).toMatch(/part: unknown "raft"/);
    const m = decodePeerFrame(peerMsg({ type: 'vote' }));
    expect(!m.ok && m.error.code).toBe('UNKNOWN_KIND');
    expect(!m.ok && m.error.message).toMatch(/body\.type: unknown "vote"/);
    // Inherited property names are not kinds.
    expect(decodePeerFrame('{"type":"toString"}')).toMatchObject({ ok: false, error: { code: 'UNKNOWN_KIND' } });
  });

  it('wrong field types are INVALID_MESSAGE naming the field and the expected type', () => {
    const r = decodePeerFrame(peerMsg({ type: 'accepted', ballot: { round: '2', node: 'n1' }, slot: 4 }));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('INVALID_MESSAGE');
    expect(r.error.message).toMatch(/body\.ballot\.round/);
    expect(r.error.message).toMatch(/expected number/);
    const slot0 = decodePeerFrame(peerMsg({ type: 'accepted', ballot: b(1, 'n1'), slot: 0 }));
    expect(!slot0.ok && slot0.error.message).toMatch(/body\.slot/);
    const missing = decodePeerFrame(`{"type":"hello","version":2,"node":"n1","to":"n2","nonce":"${'a'.repeat(32)}"}`);
    expect(!missing.ok && missing.error).toMatchObject({ code: 'INVALID_MESSAGE' });
    expect(!missing.ok && missing.error.message).toMatch(/proof/);
    const badNode = decodePeerFrame('{"type":"welcome","node":"n 1; rm -rf"}');
    expect(!badNode.ok && badNode.error.message).toMatch(/node: expected a node id/);
  });

  it('a log value with an unknown kind is refused', () => {
    const r = decodePeerFrame(peerMsg({ type: 'accept', ballot: b(1, 'n1'), slot: 1, value: { kind: 'magic' }, chosenUpTo: 0 }));
    expect(!r.ok && r.error.code).toBe('INVALID_MESSAGE');
    expect(!r.ok && r.error.message).toMatch(/body\.value/);
  });

  it('decoding arbitrary strings never throws and always says ok or a known code', () => {
    const codes = new Set(['FRAME_TOO_LARGE', 'MALFORMED_JSON', 'NOT_A_FRAME', 'UNKNOWN_KIND', 'INVALID_MESSAGE']);
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.jsonValue().map((v) => JSON.stringify({ type: 'msg', part: 'paxos', body: v }))), (raw) => {
        const r = decodePeerFrame(raw);
        return r.ok || codes.has(r.error.code);
      }),
      { numRuns: 500 },
    );
  });
});

describe('replication and 2PC parts', () => {
  const v = (counter: number, node: string) => ({ counter, node });
  const repl: ReplMsg[] = [
    { type: 'get', rid: 'r1', key: 'k' },
    { type: 'get-ack', rid: 'r1', key: 'k', stored: null },
    { type: 'get-ack', rid: 'r1', key: 'k', stored: { version: v(2, 'n1'), value: { a: 1 } } },
    { type: 'put', rid: 'r2', key: 'k', value: null, version: v(3, 'n2'), hintFor: 'n3' },
    { type: 'put', rid: 'r2', key: 'k', value: 'x' },
    { type: 'put-ack', rid: 'r2', key: 'k', version: v(3, 'n2') },
    { type: 'copy', reason: 'handoff', key: 'k', stored: { version: v(1, 'n1'), value: 0 } },
    { type: 'copy-ack', reason: 'repair', key: 'k', version: v(1, 'n1') },
    { type: 'heartbeat' },
  ];
  const twopc: TwoPcMsg[] = [
    { type: 'execute', txn: 't1', participants: ['n1', 'n2'], ops: [{ at: 0, op: ['append', 'k', 1] }, { at: 1, op: ['r', 'j', null] }] },
    { type: 'executed', txn: 't1', ok: true, reads: [[1, [1, 2]]] },
    { type: 'prepare', txn: 't1' },
    { type: 'vote', txn: 't1', vote: 'read-only' },
    { type: 'decision', txn: 't1', outcome: 'commit' },
    { type: 'ack', txn: 't1' },
    { type: 'query', txn: 't1', coordinator: 'n1' },
    { type: 'answer', txn: 't1', outcome: 'unknown' },
  ];

  it('every message round-trips', () => {
    for (const body of repl) expect(decodePeerFrame(peerMsg(body, 'repl'))).toEqual({ ok: true, value: { type: 'msg', part: 'repl', body } });
    for (const body of twopc) expect(decodePeerFrame(peerMsg(body, 'twopc'))).toEqual({ ok: true, value: { type: 'msg', part: 'twopc', body } });
  });

  it('bad bodies are refused with the field named', () => {
    const noValue = decodePeerFrame(peerMsg({ type: 'put', rid: 'r', key: 'k' }, 'repl'));
    expect(!noValue.ok && noValue.error).toMatchObject({ code: 'INVALID_MESSAGE' });
    expect(!noValue.ok && noValue.error.message).toMatch(/body\.value/);
    const badVote = decodePeerFrame(peerMsg({ type: 'vote', txn: 't', vote: 'maybe' }, 'twopc'));
    expect(!badVote.ok && badVote.error.message).toMatch(/body\.vote/);
    const unknown = decodePeerFrame(peerMsg({ type: 'commit-anyway', txn: 't' }, 'twopc'));
    expect(!unknown.ok && unknown.error.code).toBe('UNKNOWN_KIND');
  });
});

describe('client frames', () => {
  const requests: ClientRequest[] = [
    { type: 'hello', token: 't', client: 'c1' },
    { type: 'kv', id: '1', op: { f: 'read', key: 'k' } },
    { type: 'kv', id: '2', op: { f: 'write', key: 'k', value: { a: [1] } }, client: 'c1', seq: 3 },
    { type: 'kv', id: '3', op: { f: 'cas', key: 'k', value: [null, 5] }, local: false },
    { type: 'kv', id: '4', op: { f: 'append', key: 'k', value: 'x' } },
    { type: 'lock', id: '5', op: { type: 'acquire', lock: 'L', owner: 'c1', ttlMs: 1000 } },
    { type: 'lock', id: '6', op: { type: 'release', lock: 'L', owner: 'c1', token: 12 } },
    { type: 'lock', id: '7', op: { type: 'keepalive', lock: 'L', owner: 'c1', token: 12 } },
    { type: 'txn', id: '8', ops: [['append', 'k1', 3], ['r', 'k2', null]] },
    { type: 'propose', id: '9', value: 'v' },
    { type: 'status', id: '10' },
  ];

  it('valid requests round-trip', () => {
    for (const r of requests) expect(decodeClientRequest(encodeClientFrame(r))).toEqual({ ok: true, value: r });
  });

  it('valid replies round-trip', () => {
    const replies: ClientReply[] = [
      { type: 'welcome', node: 'n1' },
      { type: 'reply', id: '1', ok: true, result: 5, slot: 3 },
      { type: 'reply', id: '2', ok: false, code: 'NOT_LEADER', message: 'n2 leads', leader: 'n2' },
      { type: 'error', code: 'MALFORMED_JSON', message: 'no' },
    ];
    for (const r of replies) expect(decodeClientReply(encodeClientFrame(r))).toEqual({ ok: true, value: r });
  });

  it('each bad request gets its code', () => {
    const cases: [string, string][] = [
      ['{"type":"kv",', 'MALFORMED_JSON'],
      ['[]', 'NOT_A_FRAME'],
      ['{"type":"drop-table","id":"1"}', 'UNKNOWN_KIND'],
      ['{"type":"kv","id":"1","op":{"f":"read"}}', 'INVALID_MESSAGE'],
      ['{"type":"kv","id":"1","op":{"f":"delete","key":"k"}}', 'INVALID_MESSAGE'],
      ['{"type":"kv","id":"1","op":{"f":"write","key":"k"}}', 'INVALID_MESSAGE'],
      ['{"type":"propose","id":"1"}', 'INVALID_MESSAGE'],
      ['{"type":"kv","id":"1","op":{"f":"cas","key":"k","value":[1]}}', 'INVALID_MESSAGE'],
      ['{"type":"lock","id":"1","op":{"type":"expire","lock":"L","token":1}}', 'INVALID_MESSAGE'],
      ['{"type":"lock","id":"1","op":{"type":"acquire","lock":"L","owner":"o","ttlMs":-5}}', 'INVALID_MESSAGE'],
      ['{"type":"txn","id":"1","ops":[["r","k",1]]}', 'INVALID_MESSAGE'],
      ['{"type":"status","id":""}', 'INVALID_MESSAGE'],
      [JSON.stringify({ type: 'status', id: 'x'.repeat(DEFAULT_MAX_FRAME_BYTES) }), 'FRAME_TOO_LARGE'],
    ];
    for (const [raw, code] of cases) {
      const r = decodeClientRequest(raw);
      expect({ raw: raw.slice(0, 80), code: r.ok ? 'ok' : r.error.code }).toEqual({ raw: raw.slice(0, 80), code });
    }
  });

  it('a missing key names the field', () => {
    const r = decodeClientRequest('{"type":"kv","id":"1","op":{"f":"read"}}');
    expect(!r.ok && r.error.message).toMatch(/^kv op\.key: .*expected string/);
  });

  it('parseJsonFrame respects a custom limit exactly at the boundary', () => {
    expect(parseJsonFrame('"abc"', 5).ok).toBe(true);
    expect(parseJsonFrame('"abcd"', 5)).toMatchObject({ ok: false, error: { code: 'FRAME_TOO_LARGE' } });
  });
});
