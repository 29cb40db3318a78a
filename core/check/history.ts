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

import { scanHistoryLine } from './json-line';

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
  // Pairing is the check, and the checker that reads this history next reuses the pairs.
  pairOperations(ops);
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
    // Nearly every line is in the fast scanner's subset; the rest go to JSON.parse.
    let raw: unknown = scanHistoryLine(text, from, end);
    if (raw === undefined) {
      raw = parseLine(text, from, end, line);
      if (raw === undefined) continue;
    }
    ops.push(adopt(raw, ops.length, line));
  }
  validatePairing(ops);
  return ops;
}

/** One line by JSON.parse: its value, undefined for a line of whitespace only, or a HistoryError. */
function parseLine(text: string, from: number, end: number, line: number): unknown {
  try {
    return JSON.parse(text.slice(from, end));
  } catch (e) {
    // Other whitespace JSON does not allow (a byte-order mark, no-break spaces) is trimmed
    // as before; only then is the line bad.
    const trimmed = text.slice(from, end).trim();
    if (trimmed === '') return undefined;
    try {
      return JSON.parse(trimmed);
    } catch {
      throw new HistoryError(line, `not valid JSON (${(e as Error).message})`);
    }
  }
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
 *
 * The pairing of an array is remembered (weakly) and handed out again while the array
 * still holds the same ops in the same order: parsing pairs once to validate, and the
 * checker, the figures and the evidence views pair the same history again. Each caller
 * gets its own array; the Operation records are shared and nobody writes to them.
 */
export function pairOperations(ops: readonly HistoryOp[]): Operation[] {
  const cached = pairings.get(ops);
  if (cached !== undefined && sameOps(cached.ops, ops)) return cached.operations.slice();
  const result: Operation[] = [];
  walkPairs(ops, result);
  pairings.set(ops, { ops: ops.slice(), operations: result });
  return result.slice();
}

const pairings = new WeakMap<readonly HistoryOp[], { ops: readonly HistoryOp[]; operations: Operation[] }>();

function sameOps(a: readonly HistoryOp[], b: readonly HistoryOp[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The pairing rule, enforced in one walk that makes each invoke an Operation in `result`. */
function walkPairs(ops: readonly HistoryOp[], result: Operation[]): void {
  // Per process, the id of its pending Operation. Small non-negative integer processes
  // (nearly every history's) index an array, others a Map; -1 in the array is "none
  // pending". Processes 3 and "3" stay apart.
  const pendingByNumber: number[] = [];
  const pendingByName = new Map<number | string, number>();
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i] as HistoryOp;
    const process = op.process;
    const small = typeof process === 'number' && process >= 0 && process < SMALL_PROCESSES && Number.isInteger(process);
    let at: number | undefined;
    if (small) {
      const slot = pendingByNumber[process] ?? -1;
      at = slot < 0 ? undefined : slot;
    } else at = pendingByName.get(process);
    if (op.type === 'invoke') {
      if (at !== undefined) {
        const open = (result[at] as Operation).invoke;
        throw new HistoryError(
          lineOf(op),
          `process ${JSON.stringify(op.process)} invokes ${op.f} while its ${open.f} from line ${lineOf(open)} is still pending (one operation at a time per process)`,
        );
      }
      const id = result.length;
      result.push({ id, process, f: op.f, key: op.key, invoke: op, complete: undefined, outcome: 'unknown' });
      if (small) {
        // Filled up to the slot first: the array stays packed (a hole would make it a dictionary).
        while (pendingByNumber.length < process) pendingByNumber.push(-1);
        pendingByNumber[process] = id;
      } else pendingByName.set(process, id);
    } else {
      if (at === undefined) {
        throw new HistoryError(lineOf(op), `"${op.type}" completion from process ${JSON.stringify(op.process)} with no pending invoke from that process`);
      }
      const operation = result[at] as Operation;
      if (operation.f !== op.f) {
        throw new HistoryError(lineOf(op), `"${op.type}" completion has f "${op.f}" but the pending invoke (line ${lineOf(operation.invoke)}) has f "${operation.f}"`);
      }
      if (small) pendingByNumber[process] = -1;
      else pendingByName.delete(process);
      operation.complete = op;
      operation.outcome = op.type === 'ok' ? 'ok' : op.type === 'fail' ? 'fail' : 'unknown';
    }
  }
}

/** Processes below this (integers) are tracked in an array while pairing; others in a Map. */
const SMALL_PROCESSES = 1 << 16;
