/**
 * The history format of DESIGN.md ("Contracts other tools rely on"): one JSON object per
 * line, Jepsen style, in real-time order. This file turns text into HistoryOp[] and pairs
 * each invoke with its completion; anything unusable is a HistoryError naming the 1-based
 * line and the reason, so `faultline check` can exit 2 with a message a person can act on.
 *
 * Lenient where other tools differ: extra fields are kept and ignored, `process` may be a
 * number or a string, `time` is optional, blank lines are skipped, and Jepsen's
 * keyword spellings (":invoke", ":ok") are accepted alongside the plain ones.
 */

export type OpType = 'invoke' | 'ok' | 'fail' | 'info';

export interface HistoryOp {
  /** 0-based position among the operations of the history (blank lines not counted). */
  index: number;
  /** 1-based line in the source text, when parsed from text. */
  line?: number;
  process: number | string;
  type: OpType;
  f: string;
  key?: string;
  value?: unknown;
  result?: unknown;
  time?: number;
  [extra: string]: unknown;
}

export class HistoryError extends Error {
  readonly code = 'UNUSABLE_HISTORY';
  constructor(
    /** 1-based line (or 1 + index when the history did not come from text). */
    readonly line: number,
    readonly reason: string,
  ) {
    super(`line ${line}: ${reason}`);
    this.name = 'HistoryError';
  }
}

const TYPES: ReadonlySet<string> = new Set(['invoke', 'ok', 'fail', 'info']);

/** The line a HistoryOp came from, for messages (falls back to 1 + index). */
export function lineOf(op: HistoryOp): number {
  return op.line ?? op.index + 1;
}

function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `${typeof value} ${JSON.stringify(value)}`;
}

function stripKeyword(value: unknown): unknown {
  return typeof value === 'string' && value.startsWith(':') ? value.slice(1) : value;
}

/** Validates one decoded JSON object into a HistoryOp (without the pairing rules). */
export function toHistoryOp(raw: unknown, index: number, line: number): HistoryOp {
  // The caller's object is left as it was: adopt a shallow copy.
  return adopt(typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? { ...raw } : raw, index, line);
}

/**
 * toHistoryOp on an object nobody else holds (fresh from JSON.parse): validated and
 * normalized in place. No copy and no `delete` (which would turn every op into a slow
 * dictionary-mode object): on a 200k-line history that halves the parse and the GC.
 */
function adopt(raw: unknown, index: number, line: number): HistoryOp {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new HistoryError(line, `expected a JSON object, got ${describe(raw)}`);
  }
  const record = raw as Record<string, unknown>;
  const process = stripKeyword(record.process);
  if (!(typeof process === 'string' || (typeof process === 'number' && Number.isFinite(process)))) {
    throw new HistoryError(line, `"process" must be a number or a string, got ${describe(record.process)}`);
  }
  const type = stripKeyword(record.type);
  if (typeof type !== 'string' || !TYPES.has(type)) {
    throw new HistoryError(line, `"type" must be one of invoke, ok, fail, info; got ${describe(record.type)}`);
  }
  const f = stripKeyword(record.f);
  if (typeof f !== 'string' || f === '') {
    throw new HistoryError(line, `"f" must be a non-empty string naming the operation, got ${describe(record.f)}`);
  }
  const key = record.key;
  if (key !== undefined && key !== null) {
    // Numbers are common as keys in other tools' histories; they name the same key as their text.
    if (typeof key === 'number' && Number.isFinite(key)) record.key = String(key);
    else if (typeof key !== 'string') {
      throw new HistoryError(line, `"key" must be a string or a number, got ${describe(key)}`);
    }
  } else if (key === null) {
    record.key = undefined; // no key: one register
  }
  if (record.time !== undefined && record.time !== null && (typeof record.time !== 'number' || !Number.isFinite(record.time))) {
    throw new HistoryError(line, `"time" must be a number when present, got ${describe(record.time)}`);
  }
  record.process = process;
  record.type = type;
  record.f = f;
  record.index = index;
  record.line = line;
  return record as HistoryOp;
}

/**
 * Checks the pairing rule: every completion answers a pending invoke of the same process
 * and the same f, and a process never has two invokes pending at once.
 */
export function validatePairing(ops: readonly HistoryOp[]): void {
  // The same walk as pairOperations, without building an Operation per invoke (parsing
  // validates, and the checker pairs again for itself).
  walkPairs(ops, undefined);
}

/** True when text[from, end) is only spaces, tabs and carriage returns (or empty). */
function blank(text: string, from: number, end: number): boolean {
  for (let i = from; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13) return false;
  }
  return true;
}

/** Parses JSONL text into a validated, paired history. Throws HistoryError. */
export function parseHistory(text: string): HistoryOp[] {
  const ops: HistoryOp[] = [];
  // Lines found with indexOf: no array holding every line of a large file at once, and no
  // trimmed copy of each line (JSON.parse skips the whitespace around a value itself).
  let line = 0;
  for (let start = 0; start <= text.length; ) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    line++;
    const from = start;
    start = end + 1;
    if (blank(text, from, end)) continue;
    let raw: unknown;
    try {
      raw = JSON.parse(text.slice(from, end));
    } catch (e) {
      // Other whitespace JSON does not allow (a byte-order mark, no-break spaces) is trimmed
      // as before; only then is the line bad.
      const trimmed = text.slice(from, end).trim();
      if (trimmed === '') continue;
      try {
        raw = JSON.parse(trimmed);
      } catch {
        throw new HistoryError(line, `not valid JSON (${(e as Error).message})`);
      }
    }
    ops.push(adopt(raw, ops.length, line));
  }
  validatePairing(ops);
  return ops;
}

/** An invoke with its completion: the unit the checkers reason about. */
export interface Operation {
  /** Dense id in invoke order. */
  id: number;
  process: number | string;
  f: string;
  key: string | undefined;
  invoke: HistoryOp;
  /** Absent when the history ended before the operation completed. */
  complete: HistoryOp | undefined;
  /** ok: took effect; fail: certainly no effect; unknown: info or no completion. */
  outcome: 'ok' | 'fail' | 'unknown';
}

/**
 * Pairs invokes with completions, enforcing the pairing rule (throws HistoryError).
 * Processes 3 and "3" are different clients (a Map keeps them apart).
 */
export function pairOperations(ops: readonly HistoryOp[]): Operation[] {
  const result: Operation[] = [];
  walkPairs(ops, result);
  return result;
}

/**
 * The pairing rule, enforced in one walk; with `result`, each invoke becomes an Operation
 * there (and its completion is recorded on it), without, only the rule is checked.
 */
function walkPairs(ops: readonly HistoryOp[], result: Operation[] | undefined): void {
  // Per process, the pending invoke: its position in `ops`, or its Operation's id in `result`.
  const pending = new Map<number | string, number>();
  const invokeOf = (at: number): HistoryOp => (result ? (result[at] as Operation).invoke : (ops[at] as HistoryOp));
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i] as HistoryOp;
    const at = pending.get(op.process);
    if (op.type === 'invoke') {
      if (at !== undefined) {
        const open = invokeOf(at);
        throw new HistoryError(
          lineOf(op),
          `process ${JSON.stringify(op.process)} invokes ${op.f} while its ${open.f} from line ${lineOf(open)} is still pending (one operation at a time per process)`,
        );
      }
      if (result) {
        pending.set(op.process, result.length);
        result.push({ id: result.length, process: op.process, f: op.f, key: op.key, invoke: op, complete: undefined, outcome: 'unknown' });
      } else {
        pending.set(op.process, i);
      }
    } else {
      if (at === undefined) {
        throw new HistoryError(lineOf(op), `"${op.type}" completion from process ${JSON.stringify(op.process)} with no pending invoke from that process`);
      }
      const open = invokeOf(at);
      if (open.f !== op.f) {
        throw new HistoryError(lineOf(op), `"${op.type}" completion has f "${op.f}" but the pending invoke (line ${lineOf(open)}) has f "${open.f}"`);
      }
      pending.delete(op.process);
      if (result) {
        const operation = result[at] as Operation;
        operation.complete = op;
        operation.outcome = op.type === 'ok' ? 'ok' : op.type === 'fail' ? 'fail' : 'unknown';
      }
    }
  }
}
