/**
 * Wire schemas for two-phase commit's messages (core/algorithms/twopc/types.ts), the
 * `twopc` part of a node.
 */
import { z } from 'zod';
import { ABORT_CAUSES, type TwoPcMsg } from '../algorithms/twopc/types';
import { keySchema, nodeIdSchema } from './common';
import type { Covers, Expect, SchemaOutput } from './schema-checks';

const txn = z.string().min(1).max(128);
const outcome = z.enum(['commit', 'abort']);
const microOp = z.union([
  z.tuple([z.literal('append'), keySchema, z.unknown().nonoptional()]),
  z.tuple([z.literal('r'), keySchema, z.array(z.unknown()).max(100_000).nullable()]),
]);
const MAX_OPS = 1024;

export const twoPcMsgSchemas = {
  execute: z.object({
    type: z.literal('execute'),
    txn,
    participants: z.array(nodeIdSchema).max(256),
    ops: z.array(z.object({ at: z.number().int().min(0), op: microOp })).max(MAX_OPS),
    ts: z.number().finite().optional(),
  }),
  executed: z.object({
    type: z.literal('executed'),
    txn,
    ok: z.boolean(),
    reads: z.array(z.tuple([z.number().int().min(0), z.array(z.unknown())])).max(MAX_OPS).optional(),
  }),
  prepare: z.object({ type: z.literal('prepare'), txn }),
  vote: z.object({ type: z.literal('vote'), txn, vote: z.enum(['yes', 'no', 'read-only']), cause: z.enum(ABORT_CAUSES).optional() }),
  decision: z.object({ type: z.literal('decision'), txn, outcome }),
  ack: z.object({ type: z.literal('ack'), txn }),
  query: z.object({ type: z.literal('query'), txn, coordinator: nodeIdSchema }),
  answer: z.object({ type: z.literal('answer'), txn, outcome: z.enum(['commit', 'abort', 'unknown']) }),
  'pre-commit': z.object({ type: z.literal('pre-commit'), txn }),
  'pre-commit-ack': z.object({ type: z.literal('pre-commit-ack'), txn, ok: z.boolean() }),
  'state-request': z.object({ type: z.literal('state-request'), txn }),
  'state-report': z.object({ type: z.literal('state-report'), txn, state: z.enum(['uncertain', 'pre-committed', 'committed', 'aborted', 'unknown']) }),
} as const;

export type TwoPcSchemaChecks = Expect<Covers<SchemaOutput<typeof twoPcMsgSchemas>, TwoPcMsg, keyof typeof twoPcMsgSchemas>>;

/**
 * The `decision-forward` part (txn mode paxos, core/node/txn-decisions.ts): a replica that
 * is not the Paxos leader hands a transaction's decision proposal to the one that is.
 */
export const decisionForwardSchemas = {
  propose: z.object({ type: z.literal('propose'), txn, outcome }),
} as const;
