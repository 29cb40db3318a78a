/**
 * The fast path for the lines of a JSONL history (docs/HISTORY-FORMAT.md). Nearly every
 * line, Faultline's own and other tools', is one flat object of the format's own fields
 * (process, type, f, key, value, result, time, error) whose values are numbers, strings, true,
 * false, null or arrays of those. This scanner reads such a line straight into one object
 * of one fixed shape, and returns undefined for anything else, which the caller then
 * hands to JSON.parse (as it also does for malformed lines, so the error message is
 * JSON.parse's).
 *
 * Why not JSON.parse for every line: on the bench's 100k-operation history (200k lines)
 * most of the parse was allocation and the garbage collection it causes, a substring per
 * line and a string per field. Here the line is read in place, and short strings (keys,
 * "invoke", "read") are interned through a small table, so a repeated one is allocated
 * once instead of once per line; every op also has the same shape, which keeps the
 * checkers' property reads monomorphic. (Per line of CPU it is no faster than V8's native
 * parser: the gain is the garbage not made, which matters when every op lives until the
 * check ends; docs/BENCHMARKS.md has both sides.)
 *
 * The contract: whenever scanHistoryLine returns a record, JSON.parse of the same text
 * gives an object with the same fields and values (absent fields are undefined here), so
 * the fast path never changes what a history means. test/property/json-line.test.ts checks
 * that on generated lines, plain and awkward (escapes, nested objects, odd numbers,
 * unknown fields, whitespace).
 */

/** An op line as read, before history.ts validates it. Absent fields are undefined. */
export interface ScannedLine {
  process: unknown;
  type: unknown;
  f: unknown;
  key: unknown;
  value: unknown;
  result: unknown;
  time: unknown;
  /** Why a fail or info ended so (Jepsen's :error; Faultline writes the error code). */
  error: unknown;
  /** Filled in by the caller (present from the start so the shape never changes). */
  index: number;
  line: number;
}

const QUOTE = 34;
const BACKSLASH = 92;
/** Strings up to this length are interned; longer ones are rarely repeated. */
const INTERN_MAX_LENGTH = 24;
const INTERN_SLOTS = 4096;

/**
 * The scan's position, as module state rather than an object per call: a history is
 * parsed synchronously, one line at a time, and nothing here is re-entered. Hot loops copy
 * it into locals and store it back once.
 */
let src = '';
let pos = 0;
let stop = 0;
/** Set when the text leaves the subset; the scan then returns undefined. */
let bail = false;
/**
 * Interned short strings, in slots picked by a hash of their characters (verified on
 * every hit): a history's keys, types and fs fit, and a fixed table never grows.
 */
const interned: string[] = new Array<string>(INTERN_SLOTS).fill('');

/** The string whose opening quote is at `at`. Escapes and raw control characters bail. */
function scanString(text: string, at: number, end: number): string {
  const start = at + 1;
  let p = start;
  let hash = 0;
  for (;;) {
    const c = p < end ? text.charCodeAt(p) : -1;
    if (c === QUOTE) break;
    // A backslash, a control character JSON forbids raw, or the line's end (-1).
    if (c === BACKSLASH || c < 32) {
      bail = true;
      return '';
    }
    hash = Math.imul(hash ^ c, 16777619);
    p++;
  }
  pos = p + 1;
  const length = p - start;
  if (length > INTERN_MAX_LENGTH) return text.slice(start, p);
  // A direct-mapped table: the slot the hash picks holds the last string seen there.
  const slot = (hash ^ length) & (INTERN_SLOTS - 1);
  const known = interned[slot] as string;
  if (known.length === length) {
    let i = 0;
    while (i < length && known.charCodeAt(i) === text.charCodeAt(start + i)) i++;
    if (i === length) return known;
  }
  const fresh = text.slice(start, p);
  interned[slot] = fresh;
  return fresh;
}

/**
 * An integer at `at` in JSON's grammar, of up to 15 digits (exact in a double). Fractions,
 * exponents, leading zeros and longer numbers bail: JSON.parse reads those exactly.
 */
function scanInteger(text: string, at: number, end: number): number {
  let p = at;
  const negative = text.charCodeAt(p) === 45;
  if (negative) p++;
  const digits = p;
  let n = 0;
  let c = p < end ? text.charCodeAt(p) : -1;
  while (c >= 48 && c <= 57) {
    n = n * 10 + (c - 48);
    c = ++p < end ? text.charCodeAt(p) : -1;
  }
  const count = p - digits;
  if (count === 0 || count > 15 || (count > 1 && text.charCodeAt(digits) === 48) || c === 46 || c === 101 || c === 69) {
    bail = true;
    return 0;
  }
  pos = p;
  return negative ? -n : n;
}

/** Whether text at `at` is `word` (null, true, false) within the line; moves past it. */
function scanWord(text: string, at: number, end: number, word: string): boolean {
  if (at + word.length <= end && text.startsWith(word, at)) {
    pos = at + word.length;
    return true;
  }
  bail = true;
  return false;
}

/** Past the whitespace at `at`; the usual case, none, is one comparison here. */
function skipSpace(text: string, at: number, end: number): number {
  if (at >= end || text.charCodeAt(at) > 32) return at;
  let p = at;
  for (let c = text.charCodeAt(p); c === 32 || c === 9 || c === 13 || c === 10; c = ++p < end ? text.charCodeAt(p) : -1);
  return p;
}

/** A value at pos: a scalar or an array of values. An object bails (JSON.parse keeps it exact). */
function scanValue(): unknown {
  const text = src;
  const end = stop;
  const at = pos;
  const c = at < end ? text.charCodeAt(at) : -1;
  if (c === QUOTE) return scanString(text, at, end);
  if (c === 45 || (c >= 48 && c <= 57)) return scanInteger(text, at, end);
  if (c === 91) return scanArray(text, at + 1, end);
  if (c === 110) return scanWord(text, at, end, 'null') ? null : undefined;
  if (c === 116) return scanWord(text, at, end, 'true') ? true : undefined;
  if (c === 102) return scanWord(text, at, end, 'false') ? false : undefined;
  bail = true;
  return undefined;
}

/** The array whose first element (or space, or closing bracket) is at `at`. */
function scanArray(text: string, at: number, end: number): unknown[] {
  const out: unknown[] = [];
  let p = skipSpace(text, at, end);
  if ((p < end ? text.charCodeAt(p) : -1) === 93) {
    pos = p + 1;
    return out;
  }
  for (;;) {
    pos = skipSpace(text, p, end);
    out.push(scanValue());
    if (bail) return out;
    p = skipSpace(text, pos, end);
    const c = p < end ? text.charCodeAt(p) : -1;
    p++;
    if (c === 44) continue;
    if (c !== 93) bail = true;
    pos = p;
    return out;
  }
}

/** The format's fields, by number (0: another field). */
const PROCESS = 1;
const TYPE = 2;
const F = 3;
const KEY = 4;
const VALUE = 5;
const RESULT = 6;
const TIME = 7;
const ERROR = 8;

/** Whether the line holds `name` then a closing quote at `at` (compared in place, no call). */
function nameAt(text: string, at: number, end: number, name: string): boolean {
  const length = name.length;
  if (at + length >= end || text.charCodeAt(at + length) !== QUOTE) return false;
  for (let i = 1; i < length; i++) if (text.charCodeAt(at + i) !== name.charCodeAt(i)) return false;
  return true;
}

/** Which field's name starts at `at` (just after its opening quote); 0: another. */
function fieldAt(text: string, at: number, end: number): number {
  switch (at < end ? text.charCodeAt(at) : -1) {
    case 112: // p
      return nameAt(text, at, end, 'process') ? PROCESS : 0;
    case 116: // t
      return nameAt(text, at, end, 'type') ? TYPE : nameAt(text, at, end, 'time') ? TIME : 0;
    case 102: // f
      return at + 1 < end && text.charCodeAt(at + 1) === QUOTE ? F : 0;
    case 107: // k
      return nameAt(text, at, end, 'key') ? KEY : 0;
    case 118: // v
      return nameAt(text, at, end, 'value') ? VALUE : 0;
    case 114: // r
      return nameAt(text, at, end, 'result') ? RESULT : 0;
    case 101: // e
      return nameAt(text, at, end, 'error') ? ERROR : 0;
    default:
      return 0;
  }
}

const FIELD_LENGTH = [0, 7, 4, 1, 3, 5, 6, 4, 5];

/**
 * The op in text[from, end) when it is in the fast path's subset (see the top of this
 * file), else undefined. Never throws.
 */
export function scanHistoryLine(text: string, from: number, end: number): ScannedLine | undefined {
  src = text;
  stop = end;
  bail = false;
  let p = skipSpace(text, from, end);
  if ((p < end ? text.charCodeAt(p) : -1) !== 123) return undefined;
  // Fields gather in locals and become one object at the end: one allocation, one shape.
  let process: unknown, type: unknown, f: unknown, key: unknown, value: unknown, result: unknown, time: unknown, error: unknown;
  p = skipSpace(text, p + 1, end);
  if ((p < end ? text.charCodeAt(p) : -1) === 125) p++;
  else {
    for (;;) {
      p = skipSpace(text, p, end);
      if ((p < end ? text.charCodeAt(p) : -1) !== QUOTE) return undefined;
      const field = fieldAt(text, p + 1, end);
      if (field === 0) return undefined; // a field of another tool's: JSON.parse keeps it
      p = skipSpace(text, p + 2 + (FIELD_LENGTH[field] as number), end);
      if ((p < end ? text.charCodeAt(p) : -1) !== 58) return undefined;
      pos = skipSpace(text, p + 1, end);
      const v = scanValue();
      if (bail) return undefined;
      // A repeated field: the last one wins, as in JSON.parse.
      switch (field) {
        case PROCESS:
          process = v;
          break;
        case TYPE:
          type = v;
          break;
        case F:
          f = v;
          break;
        case KEY:
          key = v;
          break;
        case VALUE:
          value = v;
          break;
        case RESULT:
          result = v;
          break;
        case TIME:
          time = v;
          break;
        default:
          error = v;
      }
      p = skipSpace(text, pos, end);
      const c = p < end ? text.charCodeAt(p) : -1;
      p++;
      if (c === 44) continue;
      if (c === 125) break;
      return undefined;
    }
  }
  return skipSpace(text, p, end) === end ? { process, type, f, key, value, result, time, error, index: 0, line: 0 } : undefined;
}
