/**
 * The register store as a ReplicatedService: every replica applies the same commands in
 * log order and holds the same values. Values are kept as canonical JSON text, which both
 * copies them (a caller mutating its object later changes nothing here) and makes
 * comparison for cas a string comparison.
 */
import type { ReplicatedService } from '../common/types';
import { unreachable } from '../common/unreachable';
import { NotJsonError, canonicalJson } from './canonical-json';
import type { KvCommand, KvEntry, KvErrorCode, KvResult, KvServiceOptions } from './types';

const NULL_JSON = 'null';
const KV_FUNCTIONS: ReadonlySet<string> = new Set<KvCommand['f']>(['read', 'write', 'cas', 'append']);

function fail(code: KvErrorCode, message: string): KvResult {
  return { ok: false, code, message };
}

export class KvService implements ReplicatedService<KvCommand, KvResult> {
  /** key -> canonical JSON of its value; a key whose value is null has no entry. */
  private readonly values = new Map<string, string>();
  private readonly maxValueChars: number;
  private readonly maxKeys: number;

  constructor(options: KvServiceOptions = {}) {
    this.maxValueChars = options.maxValueChars ?? 64 * 1024;
    this.maxKeys = options.maxKeys ?? 100_000;
  }

  apply(command: KvCommand, _index: number): KvResult {
    const invalid = this.validate(command);
    if (invalid) return invalid;
    const { key } = command;
    switch (command.f) {
      case 'read':
        return { ok: true, f: 'read', key, value: this.read(key) };
      case 'write': {
        const refused = this.store(key, command.value);
        return refused ?? { ok: true, f: 'write', key, value: this.read(key) };
      }
      case 'cas': {
        const [expected, next] = command.value;
        const current = this.values.get(key) ?? NULL_JSON;
        const matches = canonicalJson(expected) === current;
        if (!matches) return { ok: true, f: 'cas', key, result: false, value: this.read(key) };
        const refused = this.store(key, next);
        return refused ?? { ok: true, f: 'cas', key, result: true, value: this.read(key) };
      }
      case 'append': {
        const current = this.read(key);
        if (current !== null && typeof current !== 'string') {
          return fail('NOT_A_STRING', `cannot append to key "${key}": its value is ${this.values.get(key)}, not a string or null`);
        }
        const after = (current ?? '') + command.value;
        const refused = this.store(key, after);
        return refused ?? { ok: true, f: 'append', key, value: after };
      }
      default:
        return unreachable(command, 'kv command');
    }
  }

  /** A read from this replica's state without the log: possibly stale. Only `read` is allowed. */
  queryLocal(command: KvCommand): KvResult {
    if (command.f !== 'read') {
      return fail('INVALID_ARGUMENT', `only "read" can be answered from local state, got "${command.f}"; propose it through the log`);
    }
    const invalid = this.validate(command);
    return invalid ?? { ok: true, f: 'read', key: command.key, value: this.read(command.key) };
  }

  /** The value of `key` (null if never written), as a fresh copy. */
  read(key: string): unknown {
    const json = this.values.get(key);
    return json === undefined ? null : JSON.parse(json);
  }

  /** Every key with a non-null value, sorted by key. */
  snapshot(): KvEntry[] {
    return [...this.values.keys()].sort().map((key) => ({ key, value: this.read(key) }));
  }

  /** [key, canonical JSON] pairs in the Map's order: the whole replicated state. */
  snapshotState(): [string, string][] {
    return [...this.values.entries()];
  }

  restoreSnapshot(state: unknown): void {
    if (!Array.isArray(state) || !state.every((e) => Array.isArray(e) && typeof e[0] === 'string' && typeof e[1] === 'string')) {
      throw new Error(`kv snapshot must be an array of [key, json] string pairs, got ${JSON.stringify(state)?.slice(0, 200)}`);
    }
    this.values.clear();
    for (const [key, json] of state as [string, string][]) this.values.set(key, json);
  }

  private store(key: string, value: unknown): KvResult | undefined {
    const json = canonicalJson(value); // validated already
    if (json.length > this.maxValueChars) {
      return fail('VALUE_TOO_LARGE', `value for key "${key}" is ${json.length} characters of JSON; the bound is ${this.maxValueChars}`);
    }
    if (json === NULL_JSON) {
      this.values.delete(key);
      return undefined;
    }
    if (!this.values.has(key) && this.values.size >= this.maxKeys) {
      return fail('TOO_MANY_KEYS', `cannot create key "${key}": ${this.values.size} keys hold values (the bound is ${this.maxKeys})`);
    }
    this.values.set(key, json);
    return undefined;
  }

  private validate(command: KvCommand): KvResult | undefined {
    if (!KV_FUNCTIONS.has(command.f)) {
      return fail('INVALID_ARGUMENT', `unknown f ${JSON.stringify(command.f)}; expected one of ${[...KV_FUNCTIONS].join(', ')}`);
    }
    if (typeof command.key !== 'string') {
      return fail('INVALID_ARGUMENT', `key must be a string, got ${JSON.stringify(command.key)}`);
    }
    try {
      switch (command.f) {
        case 'read':
          return undefined;
        case 'write':
          canonicalJson(command.value);
          return undefined;
        case 'cas':
          if (!Array.isArray(command.value) || command.value.length !== 2) {
            return fail('INVALID_ARGUMENT', `cas value must be [expected, new], got ${safeJson(command.value)}`);
          }
          canonicalJson(command.value);
          return undefined;
        case 'append':
          if (typeof command.value !== 'string') {
            return fail('INVALID_ARGUMENT', `append value must be a string, got ${safeJson(command.value)}`);
          }
          return undefined;
        default:
          return unreachable(command, 'kv command');
      }
    } catch (e) {
      if (e instanceof NotJsonError) return fail('INVALID_ARGUMENT', e.message);
      throw e;
    }
  }
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
