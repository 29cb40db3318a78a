/**
 * Turns a list-append history (Elle's shape, DESIGN.md "Transaction model") into
 * transactions: each invoke paired with its completion, micro-operations normalized, keys
 * and values reduced to comparable strings. Jepsen's JSON-exported histories use the same
 * shape (keys and values are often numbers there), so both load through here.
 */
import { canonicalJson } from './canonical';
import type { HistoryOp } from './history';

export type TxnStatus = 'ok' | 'fail' | 'info';

export type MicroOp =
  | { readonly f: 'append'; readonly key: string; readonly value: unknown }
  | { readonly f: 'r'; readonly key: string; readonly value: readonly unknown[] | null };

export interface Txn {
  /** Dense id, 0-based, in invoke order. */
  readonly id: number;
  /** Index of the invoke in the history (what evidence points the reader to). */
  readonly index: number;
  /** Index of the completion, when there was one. */
  readonly completionIndex: number | undefined;
  readonly process: number | string;
  readonly status: TxnStatus;
  /** From the ok completion when there is one (reads filled), else from the invoke. */
  readonly ops: readonly MicroOp[];
}

export class TxnHistoryError extends Error {
  constructor(
    readonly index: number,
    readonly reason: string,
  ) {
    super(`history op ${index}: ${reason}`);
    this.name = 'TxnHistoryError';
  }
}

/**
 * Keys and values are compared as JSON text: `1` and `"1"` stay different, as they are in
 * Jepsen's histories. Strings, numbers and booleans are all Elle ever appends.
 */
export function valueId(v: unknown): string {
  // Fast path for what Elle appends: a finite number's JSON text is its String().
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return canonicalJson(v);
}

function parseMicroOps(raw: unknown, index: number): MicroOp[] {
  if (!Array.isArray(raw)) {
    throw new TxnHistoryError(index, `a txn value must be a list of micro-operations, got ${valueId(raw)}`);
  }
  return raw.map((m, i): MicroOp => {
    if (!Array.isArray(m) || m.length !== 3) {
      throw new TxnHistoryError(index, `micro-operation ${i} must be [f, key, value], got ${valueId(m)}`);
    }
    const [rawF, key, value] = m as [unknown, unknown, unknown];
    // Jepsen writes keywords (":append", ":r"); EDN-to-JSON exports keep the colon.
    const f = typeof rawF === 'string' && rawF.startsWith(':') ? rawF.slice(1) : rawF;
    const k = typeof key === 'string' ? key : valueId(key);
    if (f === 'append') return { f: 'append', key: k, value };
    if (f === 'r') {
      if (value !== null && !Array.isArray(value)) {
        throw new TxnHistoryError(index, `read ${i} of key ${k} must carry null or a list, got ${valueId(value)}`);
      }
      return { f: 'r', key: k, value: value as unknown[] | null };
    }
    throw new TxnHistoryError(index, `micro-operation ${i} has f ${valueId(f)}; expected "append" or "r"`);
  });
}

/** Pairs invokes with completions per process; ops other than f:"txn" are ignored (nemesis). */
export function collectTxns(ops: readonly HistoryOp[]): Txn[] {
  const open = new Map<string, { op: HistoryOp; position: number }>();
  const drafts: { invoke: HistoryOp; completion: HistoryOp | undefined }[] = [];
  ops.forEach((op, position) => {
    if (op.f !== 'txn') return;
    const proc = valueId(op.process);
    if (op.type === 'invoke') {
      const pending = open.get(proc);
      if (pending) {
        throw new TxnHistoryError(op.index ?? position, `process ${proc} invoked again before op ${pending.op.index} completed`);
      }
      open.set(proc, { op, position: drafts.length });
      drafts.push({ invoke: op, completion: undefined });
      return;
    }
    const pending = open.get(proc);
    if (!pending) return; // a completion without an invoke carries nothing we can use
    open.delete(proc);
    const draft = drafts[pending.position];
    if (draft) draft.completion = op;
  });
  return drafts.map(({ invoke, completion }, id): Txn => {
    const status: TxnStatus = completion?.type === 'ok' ? 'ok' : completion?.type === 'fail' ? 'fail' : 'info';
    const source = status === 'ok' && completion ? completion : invoke;
    return {
      id,
      index: invoke.index,
      completionIndex: completion?.index,
      process: invoke.process,
      status,
      ops: parseMicroOps(source.value, source.index),
    };
  });
}
