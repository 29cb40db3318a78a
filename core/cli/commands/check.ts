/**
 * `faultline check --model register|lock|txn [--consistency MODEL] [--format auto|edn|jsonl] [--timeout SECONDS] [--max-memory MB] [--html OUT] FILE...`
 *
 * Checks each history file in this one process and prints one JSON verdict line per file:
 *   {"file":"h.jsonl","ms":12.3,"valid":true|false|"unknown","model":"register","summary":...}
 * An unusable file prints {"file","ms","valid":"unusable","line","reason","summary"} and a
 * human message on stderr. Exit status (DESIGN.md): 0 all valid, 1 a violation, 2 unusable
 * arguments or input, 3 a checker ran out of time or out of memory before a verdict; with several
 * files the worst one wins, ranked unusable > violation > undecided > valid.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { HistoryError, type HistoryOp } from '../../check/history';
import { HISTORY_FORMATS, isHistoryFormat, parseHistoryText, type HistoryFormat } from '../../check/history-format';
import { CONSISTENCY_MODELS, isConsistencyModel } from '../../check/txn-models';
import { checkLocks } from '../../check/locks';
import { checkRegister } from '../../check/register';
import { checkTxn } from '../../check/txn';
import type { CheckBudget, Verdict } from '../../check/verdict';
import type { EvidencePageInput } from '../html/evidence-page';
import { pagePaths, writeEvidencePage } from '../html/write-pages';
import { withRegisterContext } from '../../check/register-context';
import { DEFAULT_MAX_MEMORY_MB, parseCheckBudget } from '../check-budget';

export const summary = 'check history files (JSONL or Jepsen EDN) for linearizability, lock safety or serializability';

type Checker = (ops: HistoryOp[], opts: CheckBudget) => Verdict;

/** One line per model; a new checker is one more entry here. */
const models: Record<string, Checker> = {
  register: checkRegister,
  lock: checkLocks,
  txn: checkTxn,
};

const USAGE = `usage: faultline check --model ${Object.keys(models).join('|')} [--consistency MODEL] [--format auto|edn|jsonl] [--timeout SECONDS] [--max-memory MB] [--html OUT] FILE...
  Prints one JSON verdict per file (with its name and the milliseconds the check took).
  --timeout SECONDS  give up after this long with "valid":"unknown" (default: no limit)
  --consistency MODEL  (txn) the model the transactions must satisfy, default serializable:
                     strict-serializable, serializable, snapshot-isolation, repeatable-read,
                     consistent-view, read-atomic, read-committed, read-uncommitted, the strong-session-*
                     and strong-* forms (docs/HISTORY-FORMAT.md)
  --format F         history format: jsonl, edn (Jepsen's history.edn) or auto (default: by content)
  --max-memory MB    memory ceiling of the register search (default ${DEFAULT_MAX_MEMORY_MB}); reaching it
                     gives "valid":"unknown" with the reason, never a crash
  --html OUT         also write a self-contained page per verdict with the evidence drawn: OUT is
                     the page for one history, a folder of pages (named after the histories) for several
  Exit: 0 valid, 1 violation found, 2 unusable arguments or input, 3 undecided: out of time or
  out of memory before a verdict (several files: the worst, ranked 2 > 1 > 3 > 0).`;

const EXIT_VALID = 0;
const EXIT_INVALID = 1;
const EXIT_UNUSABLE = 2;
const EXIT_UNDECIDED = 3;
const SEVERITY = [EXIT_VALID, EXIT_UNDECIDED, EXIT_INVALID, EXIT_UNUSABLE];

function worse(a: number, b: number): number {
  return SEVERITY.indexOf(a) >= SEVERITY.indexOf(b) ? a : b;
}

/** A checker's complaint about its input: our HistoryError, or any error with a line/index and a reason. */
function unusableInput(e: unknown, ops: HistoryOp[] | undefined): { line: number | null; reason: string } | undefined {
  if (e instanceof HistoryError) return { line: e.line, reason: e.reason };
  if (typeof e === 'object' && e !== null && typeof (e as { reason?: unknown }).reason === 'string') {
    const { reason, line, index } = e as { reason: string; line?: unknown; index?: unknown };
    if (typeof line === 'number') return { line, reason };
    if (typeof index === 'number') return { line: ops?.[index]?.line ?? index + 1, reason };
    return { line: null, reason };
  }
  return undefined;
}

function print(line: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

/** Writes the --html page of a verdict; a page that cannot be written is unusable output (exit 2). */
async function writePage(page: string | undefined, input: EvidencePageInput, exit: number): Promise<number> {
  if (page === undefined) return exit;
  try {
    await writeEvidencePage(page, input);
    return exit;
  } catch (e) {
    console.error(`faultline check: cannot write the page ${page} (${(e as Error).message})`);
    return worse(exit, EXIT_UNUSABLE);
  }
}

/** Other operations of the violated key drawn around a register violation on its page. */
const PAGE_CONTEXT_OPS = 80;

async function checkFile(file: string, model: string, check: Checker, budget: CheckBudget, format: HistoryFormat = 'auto', page?: string): Promise<number> {
  const start = performance.now();
  const ms = (): number => Math.round((performance.now() - start) * 100) / 100;
  let ops: HistoryOp[] | undefined;
  try {
    const text = await readFile(file, 'utf8');
    ops = parseHistoryText(text, format);
    const verdict = check(ops, budget);
    const took = ms();
    print({ file, ms: took, ...verdict });
    return await writePage(page, { file, verdict: page === undefined ? verdict : withRegisterContext(verdict, ops, PAGE_CONTEXT_OPS), ms: took }, verdict.valid === true ? EXIT_VALID : verdict.valid === false ? EXIT_INVALID : EXIT_UNDECIDED);
  } catch (e) {
    if (e instanceof RangeError && ops !== undefined) {
      // A checker that could not get the memory it asked for (array or map too big): undecided, not a crash.
      const summary = `Undecided: the ${model} checker ran out of memory (${e.message}); no verdict. Try a shorter history.`;
      print({ file, ms: ms(), valid: 'unknown', model, summary });
      return await writePage(page, { file, verdict: { valid: 'unknown', model, summary } }, EXIT_UNDECIDED);
    }
    const bad = unusableInput(e, ops);
    const code = (e as { code?: unknown }).code;
    const reason = bad?.reason ?? (typeof code === 'string' && code.startsWith('E') ? `cannot read the file (${(e as Error).message})` : undefined);
    if (reason === undefined) throw e;
    const line = bad?.line ?? null;
    const where = line === null ? file : `${file}:${line}`;
    print({ file, ms: ms(), valid: 'unusable', model, line, reason, summary: `Unusable input at ${where}: ${reason}` });
    console.error(`faultline check: ${where}: ${reason}`);
    return EXIT_UNUSABLE;
  }
}

export async function run(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        model: { type: 'string', short: 'm' },
        timeout: { type: 'string', short: 't' },
        'max-memory': { type: 'string' },
        consistency: { type: 'string' },
        format: { type: 'string' },
        html: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    console.error(`faultline check: ${(e as Error).message}\n${USAGE}`);
    return EXIT_UNUSABLE;
  }
  if (parsed.values.help) {
    console.log(USAGE);
    return EXIT_VALID;
  }
  const model = parsed.values.model;
  const check = model === undefined ? undefined : models[model];
  if (model === undefined || check === undefined) {
    console.error(`faultline check: --model must be one of ${Object.keys(models).join(', ')}; got ${model === undefined ? 'nothing' : JSON.stringify(model)}\n${USAGE}`);
    return EXIT_UNUSABLE;
  }
  const budget = parseCheckBudget(parsed.values.timeout, parsed.values['max-memory']);
  if (typeof budget === 'string') {
    console.error(`faultline check: ${budget}`);
    return EXIT_UNUSABLE;
  }
  if (parsed.positionals.length === 0) {
    console.error(`faultline check: name at least one history file\n${USAGE}`);
    return EXIT_UNUSABLE;
  }
  let exit = EXIT_VALID;
  const format = parsed.values.format ?? 'auto';
  if (!isHistoryFormat(format)) {
    console.error(`faultline check: --format must be one of ${HISTORY_FORMATS.join(', ')}; got ${JSON.stringify(format)}`);
    return EXIT_UNUSABLE;
  }
  const consistency = parsed.values.consistency;
  if (consistency !== undefined && (model !== 'txn' || !isConsistencyModel(consistency))) {
    const why = model !== 'txn' ? 'applies to --model txn only' : `must be one of ${CONSISTENCY_MODELS.join(', ')}; got ${JSON.stringify(consistency)}`;
    console.error(`faultline check: --consistency ${why}`);
    return EXIT_UNUSABLE;
  }
  const checker: Checker = consistency !== undefined && isConsistencyModel(consistency) ? (ops, b) => checkTxn(ops, { ...b, consistency }) : check;
  const pages = parsed.values.html === undefined ? undefined : pagePaths(parsed.values.html, parsed.positionals);
  for (const file of parsed.positionals) exit = worse(exit, await checkFile(file, model, checker, budget, format, pages?.get(file)));
  return exit;
}
