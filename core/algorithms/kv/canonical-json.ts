/**
 * Canonical JSON for register values: object keys sorted, no whitespace, so two values that
 * mean the same thing have the same text ({"a":1,"b":2} equals {"b":2,"a":1}). The checkers
 * compare values the same way (core/check/canonical.ts); this copy keeps core/algorithms
 * free of imports from above it.
 *
 * Stricter than JSON.stringify: what JSON cannot carry faithfully (undefined at the top or in
 * an array, NaN, Infinity, bigint, functions, cycles) is refused instead of silently changed,
 * so a replica never stores something other than what the client wrote.
 */
export class NotJsonError extends Error {
  constructor(readonly path: string, what: string) {
    super(`value at ${path} is ${what}, which JSON cannot carry; use null, booleans, finite numbers, strings, arrays and plain objects`);
    this.name = 'NotJsonError';
  }
}

const MAX_DEPTH = 64;

export function canonicalJson(value: unknown): string {
  return encode(value, '$', 0);
}

function encode(value: unknown, path: string, depth: number): string {
  if (depth > MAX_DEPTH) throw new NotJsonError(path, `nested deeper than ${MAX_DEPTH} levels (a cycle?)`);
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new NotJsonError(path, String(value));
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) {
        return `[${value.map((v, i) => encode(v, `${path}[${i}]`, depth + 1)).join(',')}]`;
      }
      const record = value as Record<string, unknown>;
      const parts: string[] = [];
      for (const key of Object.keys(record).sort()) {
        const v = record[key];
        if (v === undefined) continue; // as JSON does: an absent field
        parts.push(`${JSON.stringify(key)}:${encode(v, `${path}.${key}`, depth + 1)}`);
      }
      return `{${parts.join(',')}}`;
    }
    default:
      throw new NotJsonError(path, typeof value);
  }
}
