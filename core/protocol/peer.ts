/**
 * Node <-> node frames. The listener opens with `challenge` (its id and a fresh nonce);
 * the dialer answers `hello` (who I am, whom I think I am talking to, its own nonce, and
 * an HMAC over both nonces with the key of this link, which only the two ends hold); the
 * listener checks it and answers `welcome` with its own proof. After that every frame
 * is a `msg` carrying one part's message (`{ part, body }`, as ComposedMachine tags them),
 * or an `error` telling the sender why its frame was refused.
 *
 * Adding a protocol part: declare its message schemas (one per `type`) and add one line
 * to PEER_PARTS. A part not listed there is refused as UNKNOWN_KIND.
 */
import { z } from 'zod';
import { nodeIdSchema } from './common';
import { refuse, type Decoded, type ProtocolErrorCode } from './errors';
import { DEFAULT_MAX_FRAME_BYTES, decodeByKind, validateByKind } from './frame';
import { paxosMsgSchemas } from './paxos';
import { replMsgSchemas } from './replication';
import { decisionForwardSchemas, twoPcMsgSchemas } from './twopc';
import { shardedMsgSchemas } from './sharded';

export const PEER_PROTOCOL_VERSION = 2;

/** A command for one service behind the node's Paxos log (ServiceMux's ServiceCommand). */
export const serviceCommandSchema = z.object({ service: z.string().min(1).max(64), cmd: z.unknown() });

/** Message schemas of each part a node hosts, keyed by part name, then by message `type`. */
export const PEER_PARTS: Readonly<Record<string, Readonly<Record<string, z.ZodType>>>> = {
  paxos: paxosMsgSchemas(serviceCommandSchema),
  repl: replMsgSchemas,
  // The sharded txn mode's messages (all `shard-` types) ride in the same part.
  twopc: { ...twoPcMsgSchemas, ...shardedMsgSchemas },
  'decision-forward': decisionForwardSchemas,
};

const nonceSchema = z.string().regex(/^[0-9a-f]{32}$/, 'expected a 128-bit nonce in hex');
const proofSchema = z.string().regex(/^[0-9a-f]{64}$/, 'expected an HMAC-SHA256 in hex');

/** A hello is ~300 bytes; before it is accepted nothing bigger is read. */
export const PEER_HELLO_MAX_BYTES = 4096;

export const peerFrameSchemas = {
  challenge: z.object({ type: z.literal('challenge'), node: nodeIdSchema, nonce: nonceSchema }),
  hello: z.object({
    type: z.literal('hello'),
    version: z.literal(PEER_PROTOCOL_VERSION),
    node: nodeIdSchema,
    /** The node the dialer expects to reach: catches a port reused by another node. */
    to: nodeIdSchema,
    nonce: nonceSchema,
    /** HMAC(k(node, to), "hello|node|to|challenge nonce|nonce"). */
    proof: proofSchema,
  }),
  /** proof: HMAC(k(node, dialer), "welcome|node|dialer|challenge nonce|hello nonce"). */
  welcome: z.object({ type: z.literal('welcome'), node: nodeIdSchema, proof: proofSchema }),
  /** `id` (optional): the sender's message id, so the panel can pair the send with its receipt. */
  msg: z.object({ type: z.literal('msg'), part: z.string().min(1).max(64), body: z.unknown(), id: z.string().max(64).optional() }),
  error: z.object({ type: z.literal('error'), code: z.string().max(64), message: z.string().max(4096) }),
} as const;

export type PeerHello = z.infer<typeof peerFrameSchemas.hello>;
export type PeerFrame =
  | z.infer<typeof peerFrameSchemas.challenge>
  | PeerHello
  | z.infer<typeof peerFrameSchemas.welcome>
  | { readonly type: 'msg'; readonly part: string; readonly body: unknown; readonly id?: string }
  | { readonly type: 'error'; readonly code: ProtocolErrorCode; readonly message: string };

/**
 * Decodes one node <-> node frame, body included: a `msg` whose part is unknown, or whose
 * body does not match that part's schema, is refused like any other bad frame.
 */
export function decodePeerFrame(
  raw: string | Uint8Array,
  maxBytes = DEFAULT_MAX_FRAME_BYTES,
  parts: Readonly<Record<string, Readonly<Record<string, z.ZodType>>>> = PEER_PARTS,
): Decoded<PeerFrame> {
  const frame = decodeByKind<PeerFrame>(raw, 'type', peerFrameSchemas, maxBytes);
  if (!frame.ok || frame.value.type !== 'msg') return frame;
  const { part, body, id } = frame.value;
  const schemas = Object.prototype.hasOwnProperty.call(parts, part) ? parts[part] : undefined;
  if (!schemas) {
    return refuse('UNKNOWN_KIND', `part: unknown "${part.slice(0, 40)}", expected one of ${Object.keys(parts).join(', ')}`);
  }
  const checked = validateByKind<unknown>(body, 'type', schemas, 'body');
  if (!checked.ok) return checked;
  return { ok: true, value: id === undefined ? { type: 'msg', part, body: checked.value } : { type: 'msg', part, body: checked.value, id } };
}

export function encodePeerFrame(frame: PeerFrame): string {
  return JSON.stringify(frame);
}
