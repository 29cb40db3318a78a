/**
 * Wire schemas for the `sharded` transaction mode's messages (core/algorithms/twopc/
 * sharded-types.ts): they travel in the node's `twopc` part beside classic 2PC's, each type
 * prefixed `shard-`; `shard-paxos` carries one shard group's Paxos message, whose log values
 * are shard commands (PREPARE, DECIDE, OUTCOME).
 */
import { z } from 'zod';
import type { ShardedMsg } from '../algorithms/twopc/sharded-types';
import { keySchema, nodeIdSchema } from './common';
import { paxosMsgSchemas } from './paxos';
import type { Covers, Expect, SchemaOutput } from './schema-checks';

const txn = z.string().min(1).max(128);
const shard = z.string().regex(/^s[0-9]{1,4}$/, 'expected a shard id: s0, s1, ...');
const shards = z.array(shard).min(1).max(1024);
const outcome = z.enum(['commit', 'abort']);
const MAX_OPS = 1024;
const microOp = z.union([
  z.tuple([z.literal('append'), keySchema, z.unknown().nonoptional()]),
  z.tuple([z.literal('r'), keySchema, z.array(z.unknown()).max(100_000).nullable()]),
]);
const seen = z.array(z.tuple([keySchema, z.number().int().min(0)])).max(MAX_OPS);
const appends = z.array(z.tuple([keySchema, z.unknown().nonoptional()])).max(MAX_OPS);
const keys = z.array(keySchema).max(MAX_OPS);

/** The commands of a shard's log (ShardCommand). */
export const shardCommandSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('prepare'), txn, coord: shard, shards, keys, appends, seen }),
  z.object({ op: z.literal('decide'), txn, outcome, shards }),
  z.object({ op: z.literal('outcome'), txn, outcome }),
]);

const groupPaxos = paxosMsgSchemas(shardCommandSchema);
const groupPaxosMsg = z.discriminatedUnion('type', [
  groupPaxos.prepare,
  groupPaxos.promise,
  groupPaxos.accept,
  groupPaxos.accepted,
  groupPaxos.nack,
  groupPaxos.chosen,
  groupPaxos.heartbeat,
  groupPaxos.catchup,
  groupPaxos['catchup-reply'],
  groupPaxos.snapshot,
  groupPaxos['snapshot-fetch'],
]);

export const shardedMsgSchemas = {
  'shard-paxos': z.object({ type: z.literal('shard-paxos'), group: shard, msg: groupPaxosMsg }),
  'shard-execute': z.object({ type: z.literal('shard-execute'), txn, shard, ops: z.array(z.object({ at: z.number().int().min(0), op: microOp })).max(MAX_OPS) }),
  'shard-executed': z.object({
    type: z.literal('shard-executed'),
    txn,
    shard,
    ok: z.boolean(),
    reads: z.array(z.tuple([z.number().int().min(0), z.array(z.unknown())])).max(MAX_OPS).optional(),
    seen: seen.optional(),
    known: z.literal('commit').optional(),
  }),
  'shard-prepare': z.object({ type: z.literal('shard-prepare'), txn, shard, coord: shard, shards, keys, appends, seen }),
  'shard-vote': z.object({ type: z.literal('shard-vote'), txn, shard, vote: z.enum(['yes', 'no']) }),
  'shard-decide': z.object({ type: z.literal('shard-decide'), txn, shard, outcome, shards }),
  'shard-decided': z.object({ type: z.literal('shard-decided'), txn, outcome }),
  'shard-outcome': z.object({ type: z.literal('shard-outcome'), txn, shard, outcome }),
  'shard-redirect': z.object({ type: z.literal('shard-redirect'), txn, shard, leader: nodeIdSchema.optional() }),
} as const;

export type ShardedSchemaChecks = Expect<Covers<SchemaOutput<typeof shardedMsgSchemas>, ShardedMsg, keyof typeof shardedMsgSchemas>>;
