/**
 * The client API of a node (workload clients, the supervisor, the CLI): one WebSocket,
 * `hello` with the client token first (it opens this endpoint only: not /peer, not /node),
 * then requests, each with a client-chosen `id` that its reply repeats. `client` + `seq` identify a command for at-most-once execution
 * through the log (a retried request is applied once).
 */
import { z } from 'zod';
import type { KvCommand } from '../algorithms/kv/types';
import type { LockCommand } from '../algorithms/locks/types';
import type { MembershipCommand } from '../algorithms/membership/types';
import { ABORT_CAUSES, type AbortCause } from '../algorithms/twopc/types';
import { keySchema, nodeIdSchema, requestIdSchema } from './common';
import type { Decoded, ProtocolErrorCode } from './errors';
import { DEFAULT_MAX_FRAME_BYTES, decodeByKind } from './frame';

/** Any JSON value, but present: a write without a value is a malformed write, not a write of nothing. */
const json = z.unknown().nonoptional();
const session = { client: z.string().min(1).max(64).optional(), seq: z.number().int().min(0).optional() };

export const kvOpSchema = z.discriminatedUnion('f', [
  z.object({ f: z.literal('read'), key: keySchema }),
  z.object({ f: z.literal('write'), key: keySchema, value: json }),
  /** value: [expected, new] (the history format's cas). */
  z.object({ f: z.literal('cas'), key: keySchema, value: z.tuple([json, json]) }),
  /** String concatenation; a missing value counts as "". */
  z.object({ f: z.literal('append'), key: keySchema, value: z.string().max(65536) }),
]);
export type KvOp = z.infer<typeof kvOpSchema>;

const lockName = z.string().min(1).max(128);
const lockOwner = z.string().min(1).max(128);
const fencingToken = z.number().int().min(0);

/** The lock commands a client may send (`expire` is the leader's own). */
export const lockOpSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('acquire'), lock: lockName, owner: lockOwner, ttlMs: z.number().int().min(1).max(3_600_000) }),
  z.object({ type: z.literal('keepalive'), lock: lockName, owner: lockOwner, token: fencingToken }),
  z.object({ type: z.literal('release'), lock: lockName, owner: lockOwner, token: fencingToken }),
  z.object({ type: z.literal('cancel'), lock: lockName, owner: lockOwner }),
  z.object({ type: z.literal('holder'), lock: lockName }),
]);
export type LockOp = z.infer<typeof lockOpSchema>;

/** Elle's list-append micro-operations: ["append", k, v] or ["r", k, null]. */
export const microOpSchema = z.union([
  z.tuple([z.literal('append'), keySchema, json]),
  z.tuple([z.literal('r'), keySchema, z.null()]),
]);

export const clientRequestSchemas = {
  hello: z.object({ type: z.literal('hello'), token: z.string().min(1).max(256), client: z.string().min(1).max(64).optional() }),
  kv: z.object({
    type: z.literal('kv'),
    id: requestIdSchema,
    op: kvOpSchema,
    /** true: answer from this node's local state, possibly stale (the negative control). */
    local: z.boolean().optional(),
    ...session,
  }),
  lock: z.object({
    type: z.literal('lock'),
    id: requestIdSchema,
    op: lockOpSchema,
    /**
     * acquire only: when the owner is queued, answer once it holds the lock (waiting in line
     * on the node) instead of answering "queued" and letting the client poll.
     */
    wait: z.boolean().optional(),
    ...session,
  }),
  /** `ts`: the transaction's start timestamp (its age for wait-die/wound-wait; kept across retries). */
  txn: z.object({ type: z.literal('txn'), id: requestIdSchema, ops: z.array(microOpSchema).min(1).max(256), ts: z.number().finite().optional(), ...session }),
  /**
   * A membership change through the Paxos log (the `membership` service): join (or
   * reweight) / leave of a ring member. Every node rebalances its ring replicas once it
   * applies it. The Paxos acceptors are the founding members and do not change.
   */
  member: z.object({
    type: z.literal('member'),
    id: requestIdSchema,
    op: z.discriminatedUnion('type', [
      z.object({ type: z.literal('join'), node: nodeIdSchema, weight: z.number().positive().max(100).optional(), expectedEpoch: z.number().int().min(0).optional() }),
      z.object({ type: z.literal('leave'), node: nodeIdSchema, expectedEpoch: z.number().int().min(0).optional() }),
      z.object({ type: z.literal('view') }),
    ]),
    ...session,
  }),
  /** Propose an opaque value straight into the Paxos log (agreement experiments). */
  propose: z.object({ type: z.literal('propose'), id: requestIdSchema, value: json, ...session }),
  /** gc: collect garbage first and report memory (only where the node runs with --expose-gc). */
  status: z.object({ type: z.literal('status'), id: requestIdSchema, gc: z.boolean().optional() }),
} as const;

export type ClientRequest = { [K in keyof typeof clientRequestSchemas]: z.infer<(typeof clientRequestSchemas)[K]> }[keyof typeof clientRequestSchemas];

/** Codes a request can fail with (beyond the protocol's own frame errors). */
export type ClientErrorCode =
  | ProtocolErrorCode
  | 'NOT_LEADER'
  | 'LEADERSHIP_LOST'
  | 'SESSION_EXPIRED'
  | 'UNSUPPORTED'
  | 'UNKNOWN_SERVICE'
  | 'TIMEOUT'
  | 'UNAVAILABLE'
  | 'ABORTED'
  | 'INTERNAL'
  | 'LOCK_NOT_HELD'
  | 'STALE_FENCING_TOKEN'
  | 'QUEUE_FULL'
  | 'NOT_QUEUED'
  | 'INVALID_ARGUMENT'
  /** Membership: an expectedEpoch that is no longer current, too many members, the last member leaving. */
  | 'EPOCH_MISMATCH'
  | 'TOO_MANY_MEMBERS'
  | 'LAST_MEMBER';

export const clientReplySchemas = {
  welcome: z.object({ type: z.literal('welcome'), node: nodeIdSchema }),
  reply: z.union([
    z.object({ type: z.literal('reply'), id: requestIdSchema, ok: z.literal(true), result: json, slot: z.number().int().min(1).optional() }),
    z.object({
      type: z.literal('reply'),
      id: requestIdSchema,
      ok: z.literal(false),
      code: z.string().min(1).max(64),
      message: z.string().max(4096),
      /** With NOT_LEADER: where to retry. */
      leader: nodeIdSchema.optional(),
      /** With ABORTED (transactions): why, for the availability figures (AbortCause). */
      cause: z.enum(ABORT_CAUSES).optional(),
    }),
  ]),
  /** A frame that could not be decoded; `id` when the frame got far enough to have one. */
  error: z.object({ type: z.literal('error'), code: z.string().min(1).max(64), message: z.string().max(4096), id: requestIdSchema.optional() }),
} as const;

export type ClientReply =
  | { readonly type: 'welcome'; readonly node: string }
  | { readonly type: 'reply'; readonly id: string; readonly ok: true; readonly result: unknown; readonly slot?: number }
  | { readonly type: 'reply'; readonly id: string; readonly ok: false; readonly code: ClientErrorCode; readonly message: string; readonly leader?: string; readonly cause?: AbortCause }
  | { readonly type: 'error'; readonly code: ProtocolErrorCode; readonly message: string; readonly id?: string };

/** The largest client frame a node reads after the hello (values are bounded well below). */
export const CLIENT_MAX_FRAME_BYTES = DEFAULT_MAX_FRAME_BYTES;

export function decodeClientRequest(raw: string | Uint8Array, maxBytes = CLIENT_MAX_FRAME_BYTES): Decoded<ClientRequest> {
  return decodeByKind<ClientRequest>(raw, 'type', clientRequestSchemas, maxBytes);
}

export function decodeClientReply(raw: string | Uint8Array, maxBytes = DEFAULT_MAX_FRAME_BYTES): Decoded<ClientReply> {
  return decodeByKind<ClientReply>(raw, 'type', clientReplySchemas, maxBytes);
}

export function encodeClientFrame(frame: ClientRequest | ClientReply): string {
  return JSON.stringify(frame);
}

// ---- compile-time agreement with the lock service's commands --------------------------
type Mutual<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Expect<T extends true> = T;
export type ClientSchemaChecks = [
  Expect<Mutual<LockOp, Exclude<LockCommand, { type: 'expire' }>>>,
  // One way only: a schema's `unknown` field infers as optional, so KvCommand -> KvOp cannot hold.
  Expect<[KvOp] extends [KvCommand] ? true : false>,
  Expect<[Exclude<KvCommand['f'], KvOp['f']>] extends [never] ? true : false>,
  Expect<[z.infer<(typeof clientRequestSchemas)['member']>['op']] extends [MembershipCommand] ? true : false>,
];
