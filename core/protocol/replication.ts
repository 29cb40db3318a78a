/**
 * Wire schemas for ring replication's messages (core/algorithms/replication/types.ts),
 * the `repl` part of a node. The check at the bottom fails to compile if the schemas and
 * the algorithm types drift apart.
 */
import { z } from 'zod';
import type { ReplMsg } from '../algorithms/replication/types';
import { countSchema, keySchema, nodeIdSchema } from './common';
import type { Covers, Expect, SchemaOutput } from './schema-checks';

/** A value a client wrote: any JSON, but it must be there. */
const valueSchema = z.unknown().nonoptional();
const versionSchema = z.object({ counter: countSchema, node: nodeIdSchema });
const versionedSchema = z.object({ version: versionSchema, value: valueSchema });
const ridSchema = z.string().min(1).max(160);
const reasonSchema = z.enum(['handoff', 'transfer', 'repair', 'async-copy', 'semi-sync']);

export const replMsgSchemas = {
  get: z.object({ type: z.literal('get'), rid: ridSchema, key: keySchema }),
  'get-ack': z.object({ type: z.literal('get-ack'), rid: ridSchema, key: keySchema, stored: versionedSchema.nullable() }),
  put: z.object({
    type: z.literal('put'),
    rid: ridSchema,
    key: keySchema,
    value: valueSchema,
    version: versionSchema.optional(),
    hintFor: nodeIdSchema.optional(),
  }),
  'put-ack': z.object({ type: z.literal('put-ack'), rid: ridSchema, key: keySchema, version: versionSchema, alone: z.literal(true).optional() }),
  copy: z.object({ type: z.literal('copy'), reason: reasonSchema, key: keySchema, stored: versionedSchema }),
  'copy-ack': z.object({ type: z.literal('copy-ack'), reason: reasonSchema, key: keySchema, version: versionSchema }),
  heartbeat: z.object({ type: z.literal('heartbeat') }),
  'split-wanted': z.object({ type: z.literal('split-wanted'), at: keySchema, range: z.string().max(256), keys: countSchema }),
} as const;

export type ReplSchemaChecks = Expect<Covers<SchemaOutput<typeof replMsgSchemas>, ReplMsg, keyof typeof replMsgSchemas>>;
