/**
 * Value equality for checkers: two values are the same when their canonical JSON text is
 * the same. Object keys are sorted so `{"a":1,"b":2}` equals `{"b":2,"a":1}`; arrays keep
 * their order; `1` and `"1"` stay different (as they are in Jepsen's histories).
 */
export function canonicalJson(value: unknown): string {
  // undefined has no JSON text; a missing value and null are the same "nothing" here.
  if (value === undefined || value === null) return 'null';
  if (typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) return JSON.stringify(String(value));
    if (typeof value === 'bigint') return value.toString();
    return JSON.stringify(value) ?? 'null';
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record)
    .filter((k) => record[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`).join(',')}}`;
}

export function sameValue(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}
