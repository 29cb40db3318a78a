/**
 * Compile-time agreement between wire schemas and the algorithm types they carry. A
 * schema's output must be usable as the algorithm type, and every message type of the
 * algorithm must have a schema: `Expect<Covers<...>>` fails to compile otherwise.
 */
import type { z } from 'zod';

export type SchemaOutput<S extends Readonly<Record<string, z.ZodType>>> = z.infer<S[keyof S]>;

export type Expect<T extends true> = T;
type Assignable<A, B> = [A] extends [B] ? true : false;
type NoneMissing<Algo extends { type: string }, Keys> = [Exclude<Algo['type'], Keys>] extends [never] ? true : false;

export type Covers<Out, Algo extends { type: string }, Keys> =
  Assignable<Out, Algo> extends true ? (NoneMissing<Algo, Keys> extends true ? true : false) : false;
