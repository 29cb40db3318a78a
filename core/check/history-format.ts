/**
 * History files in either format: JSONL (one JSON object per line, docs/HISTORY-FORMAT.md)
 * or Jepsen's EDN (history.edn: one op map per line, or one vector or list of op maps).
 * `auto` looks at the text: JSONL starts with `{"` (or is empty); anything else is EDN.
 * Both end as the same validated, paired HistoryOp[] (HistoryError with the line). EDN
 * ops of Jepsen's :nemesis process are left out (faults, not client operations).
 */
import { readEdnForms, EdnError, type EdnValue } from './edn';
import { HistoryError, parseHistory, toHistoryOp, validatePairing, type HistoryOp } from './history';

export const HISTORY_FORMATS = ['auto', 'jsonl', 'edn'] as const;
export type HistoryFormat = (typeof HISTORY_FORMATS)[number];

export function isHistoryFormat(s: string): s is HistoryFormat {
  return (HISTORY_FORMATS as readonly string[]).includes(s);
}

/** Which format `text` is in, by its first form. */
export function detectFormat(text: string): 'jsonl' | 'edn' {
  const start = text.search(/\S/);
  if (start < 0) return 'jsonl';
  if (text[start] !== '{') return 'edn';
  const next = text.slice(start + 1).search(/\S/);
  const c = next < 0 ? '}' : text[start + 1 + next];
  return c === '"' || c === '}' ? 'jsonl' : 'edn';
}

export function parseHistoryText(text: string, format: HistoryFormat = 'auto'): HistoryOp[] {
  const actual = format === 'auto' ? detectFormat(text) : format;
  return actual === 'jsonl' ? parseHistory(text) : parseEdnHistory(text);
}

/** Parses a Jepsen EDN history into a validated, paired history. Throws HistoryError. */
export function parseEdnHistory(text: string): HistoryOp[] {
  let forms;
  try {
    forms = readEdnForms(text);
  } catch (e) {
    if (e instanceof EdnError) throw new HistoryError(e.line, `not valid EDN (${e.reason})`);
    throw e;
  }
  // A whole history printed as one vector or list of ops: its elements are the ops (all on
  // the line the vector starts, as far as messages go).
  const only = forms.length === 1 ? forms[0]! : undefined;
  const items: { value: EdnValue; line: number }[] = only && Array.isArray(only.value) ? only.value.map((value) => ({ value, line: only.line })) : forms;
  // Jepsen's nemesis logs each fault as two :info ops (start, then done) with no invoke,
  // which no checker here reads; they are left out so the pairing rule holds for clients.
  const clientItems = fillMissing(items.filter((f) => !isNemesisOp(f.value)));
  const ops = clientItems.map((f, i) => toHistoryOp(f.value, i, f.line));
  validatePairing(ops);
  return ops;
}

function isNemesisOp(v: EdnValue): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && v.process === 'nemesis';
}

/**
 * Elle's hand-written example histories leave out :f and :process. A value that is a list
 * of micro-operations makes f "txn"; an op with no process gets one: an invoke a fresh
 * one, a completion the process of the earliest invoke still pending without one (such
 * histories list each completion after its invoke, in order).
 */
function fillMissing(items: { value: EdnValue; line: number }[]): { value: EdnValue; line: number }[] {
  const pending: string[] = [];
  let next = 0;
  return items.map((item) => {
    const v = item.value;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return item;
    const filled = { ...v };
    if (filled.f === undefined && Array.isArray(filled.value) && filled.value.every((m) => Array.isArray(m))) filled.f = 'txn';
    if (filled.process === undefined) {
      const type = typeof filled.type === 'string' ? filled.type.replace(/^:/, '') : undefined;
      if (type === 'invoke') {
        filled.process = `implicit-${next++}`;
        pending.push(filled.process);
      } else if (pending.length > 0) {
        filled.process = pending.shift()!;
      }
    }
    return { value: filled, line: item.line };
  });
}
