/**
 * The register service of DESIGN.md's register model, one register per key, initial value
 * null: read, write, compare-and-set, append. Values are compared by canonical JSON.
 */

export type KvCommand =
  | { readonly f: 'read'; readonly key: string }
  | { readonly f: 'write'; readonly key: string; readonly value: unknown }
  /** `value` is [expected, new]: set `new` only if the current value equals `expected`. */
  | { readonly f: 'cas'; readonly key: string; readonly value: readonly [unknown, unknown] }
  /** String concatenation; the initial null counts as "". */
  | { readonly f: 'append'; readonly key: string; readonly value: string };

export type KvErrorCode =
  /** Malformed command: unknown f, key not a string, value JSON cannot carry, ... */
  | 'INVALID_ARGUMENT'
  /** append to a register whose value is not a string (nor null). */
  | 'NOT_A_STRING'
  /** The value (as canonical JSON) is longer than the bound. */
  | 'VALUE_TOO_LARGE'
  /** A write would create a key beyond the bound on keys. */
  | 'TOO_MANY_KEYS';

export type KvResult =
  | { readonly ok: true; readonly f: 'read'; readonly key: string; readonly value: unknown }
  | { readonly ok: true; readonly f: 'write'; readonly key: string; readonly value: unknown }
  /** `result` false: the compare did not match and nothing changed. `value`: the value after. */
  | { readonly ok: true; readonly f: 'cas'; readonly key: string; readonly result: boolean; readonly value: unknown }
  /** `value`: the whole string after the append. */
  | { readonly ok: true; readonly f: 'append'; readonly key: string; readonly value: string }
  | { readonly ok: false; readonly code: KvErrorCode; readonly message: string };

export interface KvServiceOptions {
  /** Bound on a value's canonical JSON length, in characters. Default 64 Ki. */
  readonly maxValueChars?: number;
  /** Bound on keys holding a non-null value. Default 100 000. */
  readonly maxKeys?: number;
}

export interface KvEntry {
  readonly key: string;
  readonly value: unknown;
}
