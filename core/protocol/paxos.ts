/**
 * Wire schemas for the Multi-Paxos vocabulary of core/algorithms/paxos/types.ts. The
 * command inside a log value is a parameter: the node validates it with the schema of the
 * services behind its log. The checks at the bottom fail to compile if the schemas and
 * the algorithm types drift apart.
 */
import { z } from 'zod';
import type { AcceptedEntry, Ballot, LogValue, PaxosMsg, PaxosRecord, PaxosSnapshotState } from '../algorithms/paxos/types';
import { countSchema, nodeIdSchema, requestIdSchema, slotSchema } from './common';

// The zero ballot has node '' (nobody), so a ballot's node may be empty.
export const ballotSchema = z.object({ round: countSchema, node: z.union([z.literal(''), nodeIdSchema]) });

export function clientCommandSchema<C extends z.ZodType>(cmd: C) {
  return z.object({ client: z.string().min(1).max(64).optional(), seq: countSchema.optional(), op: cmd });
}

export function logValueSchema<C extends z.ZodType>(cmd: C) {
  return z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('noop') }),
    z.object({ kind: z.literal('cmd'), command: clientCommandSchema(cmd) }),
  ]);
}

/** Bounded so a single frame stays far below the frame limit's worst case. */
const MAX_ENTRIES_PER_MESSAGE = 4096;
/** Snapshot JSON characters per message: SNAPSHOT_CHUNK_CHARS in core/algorithms/paxos/replica.ts. */
const MAX_SNAPSHOT_CHUNK_CHARS = 128 * 1024;

const jsonValue = z.unknown().nonoptional();

/** The replicated state a snapshot record carries (service state is the service's own JSON). */
export const paxosSnapshotStateSchema = z.object({
  service: jsonValue,
  sessions: z.array(
    z.object({
      client: z.string(),
      floor: countSchema,
      recent: z.array(z.object({ seq: countSchema, slot: slotSchema, result: jsonValue })),
    }),
  ),
});

/** One schema per message type, keyed by `type` (see core/protocol/frame.ts decodeByKind). */
export function paxosMsgSchemas<C extends z.ZodType>(cmd: C) {
  const value = logValueSchema(cmd);
  const entries = z.array(z.object({ slot: slotSchema, value })).max(MAX_ENTRIES_PER_MESSAGE);
  const accepted = z.array(z.object({ slot: slotSchema, ballot: ballotSchema, value })).max(MAX_ENTRIES_PER_MESSAGE);
  return {
    prepare: z.object({ type: z.literal('prepare'), ballot: ballotSchema, fromSlot: slotSchema }),
    promise: z.object({ type: z.literal('promise'), ballot: ballotSchema, accepted, chosenUpTo: countSchema }),
    accept: z.object({ type: z.literal('accept'), ballot: ballotSchema, slot: slotSchema, value, chosenUpTo: countSchema }),
    accepted: z.object({ type: z.literal('accepted'), ballot: ballotSchema, slot: slotSchema }),
    nack: z.object({ type: z.literal('nack'), ballot: ballotSchema, promised: ballotSchema }),
    chosen: z.object({ type: z.literal('chosen'), entries }),
    heartbeat: z.object({ type: z.literal('heartbeat'), ballot: ballotSchema, chosenUpTo: countSchema }),
    catchup: z.object({ type: z.literal('catchup'), fromSlot: slotSchema }),
    'catchup-reply': z.object({ type: z.literal('catchup-reply'), entries, chosenUpTo: countSchema, leader: nodeIdSchema.optional() }),
    snapshot: z.object({
      type: z.literal('snapshot'),
      upTo: slotSchema,
      chosenUpTo: countSchema,
      offset: countSchema,
      totalChars: countSchema,
      data: z.string().max(MAX_SNAPSHOT_CHUNK_CHARS),
    }),
    'snapshot-fetch': z.object({ type: z.literal('snapshot-fetch'), upTo: slotSchema, offset: countSchema }),
  } as const;
}

export function paxosRecordSchemas<C extends z.ZodType>(cmd: C) {
  const value = logValueSchema(cmd);
  return {
    promised: z.object({ type: z.literal('promised'), ballot: ballotSchema }),
    accepted: z.object({ type: z.literal('accepted'), slot: slotSchema, ballot: ballotSchema, value }),
    chosen: z.object({ type: z.literal('chosen'), slot: slotSchema, value }),
    snapshot: z.object({ type: z.literal('snapshot'), upTo: slotSchema, state: paxosSnapshotStateSchema }),
  } as const;
}

/** A client's propose/query through the raw Paxos part (request ids bounded). */
export const paxosRequestIdSchema = requestIdSchema;

// ---- compile-time agreement with the algorithm types ----------------------------------
type Mutual<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Expect<T extends true> = T;
// A concrete command type: with `unknown`, zod would infer `op` as optional.
type Unk = z.ZodObject<{ x: z.ZodString }>;
type Cmd = { x: string };
type SchemaUnion<S extends Record<string, z.ZodType>> = z.infer<S[keyof S]>;

export type PaxosSchemaChecks = [
  Expect<Mutual<z.infer<typeof ballotSchema>, Ballot>>,
  Expect<Mutual<z.infer<ReturnType<typeof logValueSchema<Unk>>>, LogValue<Cmd>>>,
  Expect<Mutual<SchemaUnion<ReturnType<typeof paxosMsgSchemas<Unk>>>, PaxosMsg<Cmd>>>,
  Expect<Mutual<SchemaUnion<ReturnType<typeof paxosRecordSchemas<Unk>>>, PaxosRecord<Cmd>>>,
  Expect<Mutual<z.infer<ReturnType<typeof paxosMsgSchemas<Unk>>['promise']>['accepted'][number], AcceptedEntry<Cmd>>>,
  Expect<Mutual<z.infer<typeof paxosSnapshotStateSchema>, PaxosSnapshotState>>,
];
