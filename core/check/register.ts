/**
 * Linearizability of register histories (DESIGN.md register model), with evidence.
 *
 * Per key (P-compositionality) a LinearizabilitySearch runs; keys are scheduled smallest
 * first and then round-robin with doubling step budgets, so one illegal key is found fast
 * even when another key is expensive. A time budget and a memory ceiling turn an
 * undecidable-in-time history into valid: 'unknown' instead of a hang or an OOM: the
 * searches of all keys share the ceiling (each one's caches are typed arrays whose bytes
 * are counted as allocated), and a search that would need more stops.
 *
 * Before searching, unknown-outcome operations nobody could observe are left out and the
 * others bounded (register-prune.ts), so crashed clients do not make the search explode.
 *
 * Evidence is shrunk soundly by relaxation: a read (or a cas that reported a mismatch) is
 * dropped, a state-changing operation is made optional ("may never have happened"). Both
 * only allow more orders, so if the relaxed history is still not linearizable, neither was
 * the original; and the operations left firm cannot be linearized on their own.
 */
import { describeOperation, operationEvidence, showValue, type OperationEvidence } from './explain';
import { pairOperations, type HistoryOp, type Operation } from './history';
import {
  findImpossibleObservation,
  findStaleAppendRead,
  findStaleRead,
  type ImpossibleObservation,
  type StaleAppendRead,
  type StaleRead,
} from './register-impossible';
import { DEFAULT_MAX_BYTES, LinearizabilitySearch, type Frontier } from './linearizability';
import { APPEND, CAS, CAS_MISMATCH, READ, WRITE, registerPartitions, type RegisterPartition } from './register-model';
import { pruneUnobserved, type PruneStats } from './register-prune';
import { invalidVerdict, unknownVerdict, validVerdict, type Verdict } from './verdict';

export interface RegisterCheckOptions {
  /** Give up with valid: 'unknown' after this long, as `nowMs` measures it (default: no limit). */
  timeoutMs?: number;
  /** Memory ceiling of the search, in bytes, shared by all keys (default 1 GiB). */
  maxMemoryBytes?: number;
  /** Leave out / bound unobserved unknown-outcome operations first (default true; false is for tests). */
  prune?: boolean;
  /** The clock of `timeoutMs` (CheckBudget.nowMs); without one, time stands still. */
  nowMs?: () => number;
  /**
   * Give up with valid: 'unknown' after this many search steps, all keys together (default:
   * no limit). The simulator's budget: work, not time, so a seed replays its verdict.
   */
  maxSteps?: number;
}

export interface RegisterEvidence {
  key: string | null;
  /**
   * Operations that cannot all be linearized, in invoke order. Those marked mayBeOmitted
   * (and those with an unknown outcome) may be left out; the rest may not.
   */
  operations: OperationEvidence[];
  /** The operation the search could not get past (also in `operations`). */
  stuckAt: OperationEvidence;
  /** How many of `operations` the furthest consistent order placed before getting stuck. */
  placed: number;
  /** The register's value at that point. */
  valueThen: unknown;
  /** Operations of the set not listed (only when shrinking ran out of budget). */
  omitted?: number;
}

const MODEL = 'register';
const FIRST_SLICE_STEPS = 20_000;
const TIME_CHECK_STEPS = 50_000;
/** The clock when none is given: time stands still, so only a spent (negative) timeoutMs binds. */
const STILL_CLOCK = (): number => 0;

export function checkRegister(ops: HistoryOp[], opts: RegisterCheckOptions = {}): Verdict {
  const now = opts.nowMs ?? STILL_CLOCK;
  const deadline = opts.timeoutMs === undefined ? Infinity : now() + opts.timeoutMs;
  const maxBytes = opts.maxMemoryBytes ?? DEFAULT_MAX_BYTES;
  const operations = pairOperations(ops);
  const pruned: PruneStats = { left: 0, bounded: 0 };
  const partitions = registerPartitions(operations)
    .map((part) => (opts.prune === false ? part : pruneUnobserved(part, pruned)))
    .sort((a, b) => a.size - b.size);
  const stats = {
    operations: operations.length,
    keys: partitions.length,
    unknownLeftOut: pruned.left,
    unknownBounded: pruned.bounded,
    steps: 0,
    cacheEntries: 0,
    peakMemoryMB: 0,
  };

  for (const part of partitions) {
    const impossible = findImpossibleObservation(part);
    if (impossible) return explainImpossible(part, impossible, stats);
    const stale = findStaleRead(part);
    if (stale) return explainStale(part, stale, stats);
    const staleAppend = findStaleAppendRead(part);
    if (staleAppend) return explainStaleAppend(part, staleAppend, stats);
  }

  interface Job {
    part: RegisterPartition;
    search: LinearizabilitySearch;
  }
  let live: Job[] = partitions.map((part) => ({ part, search: new LinearizabilitySearch(part, { maxBytes }) }));
  const liveBytes = (except?: Job): number => live.reduce((sum, j) => sum + (j !== except && j.search.result === 'running' ? j.search.memoryBytes : 0), 0);
  // A function, not a comparison in place: the status changes under run(), which narrowing cannot see.
  const running = (j: Job): boolean => j.search.result === 'running';
  const maxSteps = opts.maxSteps ?? Infinity;
  let outOfMemory = 0;
  /** What ran out before a verdict: the time budget or the step budget. */
  let spent: 'time' | 'steps' | undefined;
  let sliceSteps = FIRST_SLICE_STEPS;
  while (live.length > 0 && spent === undefined) {
    for (const job of live) {
      if (!running(job)) continue;
      // The searches of all keys still open share one ceiling: this one may use what the
      // others leave; past it, it stops ('overflow') and the key stays undecided.
      job.search.maxBytes = maxBytes - liveBytes(job);
      let remaining = sliceSteps;
      while (remaining > 0 && job.search.result === 'running') {
        if (stats.steps >= maxSteps) {
          spent = 'steps';
          break;
        }
        const slice = Math.min(remaining, TIME_CHECK_STEPS, maxSteps - stats.steps);
        const before = job.search.steps;
        job.search.run(slice);
        remaining -= slice;
        stats.steps += job.search.steps - before;
        if (now() > deadline) {
          spent = 'time';
          break;
        }
      }
      stats.cacheEntries = Math.max(stats.cacheEntries, job.search.cacheEntries);
      const held = liveBytes() + (running(job) ? 0 : job.search.memoryBytes) + job.part.modelBytes();
      stats.peakMemoryMB = Math.max(stats.peakMemoryMB, Math.round(held / 2 ** 20));
      if (job.search.result === 'invalid') {
        const frontier = { ...job.search.frontier };
        const steps = job.search.steps;
        for (const j of live) j.search.release();
        return explainInvalid({ part: job.part, found: frontier, searchSteps: steps, stats, deadline, now, maxBytes });
      }
      if (job.search.result === 'overflow') outOfMemory++;
      if (job.search.result !== 'running') job.search.release();
      if (spent !== undefined) break;
    }
    live = live.filter((j) => j.search.result === 'running');
    sliceSteps *= 2;
  }
  const keyWord = (n: number): string => `${n} key${n === 1 ? '' : 's'}`;
  if (spent !== undefined || outOfMemory > 0) {
    const open = live.length + (spent !== undefined ? 0 : outOfMemory);
    const why =
      spent === 'time'
        ? `the ${formatLimit(opts.timeoutMs ?? 0, 'ms')} time budget ran out`
        : spent === 'steps'
          ? `the step budget ran out (${maxSteps} steps)`
          : `the search reached its memory ceiling of ${formatLimit(maxBytes / 2 ** 20, 'MB')}`;
    return unknownVerdict(
      MODEL,
      `Undecided: ${why} with ${keyWord(open)} of ${partitions.length} still being searched; no violation was found in the keys finished so far. Give the checker more with --timeout SECONDS or --max-memory MB (faultline check and faultline run), or check a shorter history (more keys, fewer operations per key).`,
      { ...stats, outOfTime: spent === 'time' ? 1 : 0, outOfSteps: spent === 'steps' ? 1 : 0, outOfMemory: outOfMemory > 0 ? 1 : 0 },
    );
  }
  return validVerdict(
    MODEL,
    `Linearizable: ${operations.length === 1 ? 'the 1 operation' : `all ${operations.length} operations`} on ${keyWord(partitions.length)} fit one order that respects real time (each takes effect between its invoke and its completion) and the register rules.`,
    stats,
  );
}

function formatLimit(n: number, unit: string): string {
  return `${Number.isInteger(n) ? n : n.toFixed(1)} ${unit}`;
}

function isConstraintOnly(part: RegisterPartition, i: number): boolean {
  const k = part.kind[i];
  return k === READ || k === CAS_MISMATCH;
}

/** Runs a fresh search on a relaxed copy; true only if it proves the copy not linearizable. */
function stillInvalid(
  part: RegisterPartition,
  keep: number[],
  optional: Uint8Array,
  stepBudget: number,
  maxBytes: number,
): { invalid: boolean; frontier: Frontier; sub: RegisterPartition; steps: number } {
  const sub = part.subset(keep, optional);
  const search = new LinearizabilitySearch(sub, { maxBytes });
  return { invalid: search.run(stepBudget) === 'invalid', frontier: search.frontier, sub, steps: search.steps };
}

const SHRINK_MAX_CHECKS = 400;
const SHRINK_MAX_MS = 2_000;
/** Steps all shrinking trials together may take, at least (more when the search took more). */
const SHRINK_MIN_TOTAL_STEPS = 1_000_000;
const MAX_EVIDENCE_OPS = 100;

/** What explaining a violation needs: the key's partition, what its search found, and the budgets. */
interface ExplainContext {
  readonly part: RegisterPartition;
  /** Where the search that proved the key not linearizable got stuck. */
  readonly found: Frontier;
  /** The steps that search took: shrinking gets about as many. */
  readonly searchSteps: number;
  readonly stats: Record<string, number>;
  readonly deadline: number;
  readonly now: () => number;
  readonly maxBytes: number;
}

/** The operations still in the relaxed set, which of them are optional, and what shrinking cost. */
interface Shrunk {
  readonly keep: number[];
  readonly optional: Uint8Array;
  readonly checks: number;
  /** What the last proof of a relaxed set took: the final set needs about as much. */
  readonly lastProofSteps: number;
}

function explainInvalid(ctx: ExplainContext): Verdict {
  const { part, found, stats } = ctx;
  const shrunk = shrink(ctx);
  const firmIdx = firmOf(part, shrunk.keep, shrunk.optional);
  const helpers = helperProducers(part, firmIdx, shrunk.keep, shrunk.optional);
  const { sub, frontier } = searchEvidence(ctx, firmIdx, helpers, shrunk.lastProofSteps);
  const stuckOp = frontier.blockingOp >= 0 ? frontier.blockingOp : 0;
  const shownOps = sub === part ? Array.from({ length: part.size }, (_, i) => i) : sub.ops.map((_, i) => i);
  const evidence = evidenceOf(part, sub, frontier, stuckOp, shownOps);
  stats.evidenceChecks = shrunk.checks;
  return invalidVerdict(MODEL, summarize(part, sub, stuckOp, shownOps.length, frontier, evidence.valueThen), evidence, stats);
}

/** The value operation `i` puts in the register (a write's, a successful cas's new one), if any. */
function produced(part: RegisterPartition, i: number): number | undefined {
  return part.kind[i] === WRITE ? (part.arg[i] as number) : part.kind[i] === CAS ? (part.arg2[i] as number) : undefined;
}

function mayBeLeftOut(part: RegisterPartition, i: number, opt: Uint8Array): boolean {
  return opt[i] === 1 || part.returnAt[i] === Infinity;
}

/** The operations of `keep` that must take effect: neither made optional nor of unknown outcome. */
function firmOf(part: RegisterPartition, keep: number[], optional: Uint8Array): number[] {
  return keep.filter((i) => optional[i] === 0 && part.returnAt[i] !== Infinity);
}

/**
 * Leaves out optional writes whose value nothing in `set` observes: wherever such a write
 * took effect, nothing could tell until the next write, so "never" loses no order. (Not
 * with appends, which build on the value, or cas mismatches, which it could cause.)
 */
function withoutUnobserved(part: RegisterPartition, set: number[], opt: Uint8Array): number[] {
  if (set.some((i) => part.kind[i] === APPEND || part.kind[i] === CAS_MISMATCH)) return set;
  for (;;) {
    const observed = new Set<number>();
    for (const i of set) if (part.kind[i] === READ || part.kind[i] === CAS) observed.add(part.arg[i] as number);
    const next = set.filter((i) => !(mayBeLeftOut(part, i, opt) && produced(part, i) !== undefined && !observed.has(produced(part, i) as number)));
    if (next.length === set.length) return set;
    set = next;
  }
}

/**
 * Relaxes the key's history as far as the budgets allow while it stays not linearizable:
 * constraints dropped, state changes made optional (delta-debugging style).
 */
function shrink(ctx: ExplainContext): Shrunk {
  const { part, found, searchSteps, maxBytes, now } = ctx;
  const n = part.size;
  const shrinkDeadline = Math.min(ctx.deadline, now() + SHRINK_MAX_MS);
  // Each trial gets a few times what the original search needed: relaxed histories are
  // usually cheaper (fewer constraints), and a trial over budget just keeps its ops firm.
  const stepBudget = Math.max(200_000, 4 * searchSteps);
  // All trials together take about what the search took (at least a million steps): the
  // explanation never costs many times the verdict (a relaxed history can be far harder to
  // search than the original; an append key's orders multiply), it just stays less shrunk.
  let stepsLeft = Math.max(SHRINK_MIN_TOTAL_STEPS, searchSteps);
  let lastProofSteps = searchSteps;
  let keep = Array.from({ length: n }, (_, i) => i);
  const optional = new Uint8Array(n);
  let checks = 0;

  /** Tries to relax `chosen`; keeps the relaxation if the history stays invalid. */
  const tryRelax = (chosen: number[]): boolean => {
    if (chosen.length === 0 || checks >= SHRINK_MAX_CHECKS || stepsLeft <= 0 || now() > shrinkDeadline) return false;
    checks++;
    const dropped = new Set(chosen.filter((i) => isConstraintOnly(part, i)));
    const trialOptional = optional.slice();
    for (const i of chosen) if (!dropped.has(i)) trialOptional[i] = 1;
    const trialKeep = withoutUnobserved(
      part,
      keep.filter((i) => !dropped.has(i)),
      trialOptional,
    );
    const trial = stillInvalid(part, trialKeep, trialOptional, Math.min(stepBudget, stepsLeft), maxBytes);
    stepsLeft -= trial.steps;
    if (!trial.invalid) return false;
    lastProofSteps = trial.steps;
    keep = trialKeep;
    optional.set(trialOptional);
    return true;
  };
  const firm = (): number[] => firmOf(part, keep, optional);

  const stuck = found.blockingOp;
  const stuckReturn = stuck >= 0 ? (part.returnAt[stuck] as number) : Infinity;
  const distance = (i: number): number => Math.abs((part.invokeAt[i] as number) - (stuck >= 0 ? (part.invokeAt[stuck] as number) : 0));
  /** Delta-debugging style: big chunks first, farthest from the stuck operation first. */
  const relaxInChunks = (pick: (i: number) => boolean): void => {
    for (let chunk = Math.ceil(firm().filter(pick).length / 2); chunk >= 1; chunk = chunk === 1 ? 0 : Math.ceil(chunk / 2)) {
      const candidates = firm()
        .filter((i) => i !== stuck && pick(i))
        .sort((a, b) => distance(b) - distance(a));
      for (let start = 0; start < candidates.length; start += chunk) {
        tryRelax(candidates.slice(start, start + chunk).filter((i) => optional[i] === 0 && keep.includes(i)));
      }
    }
  };
  // Everything invoked after the stuck operation completed rarely matters: relax it in bulk.
  tryRelax(firm().filter((i) => (part.invokeAt[i] as number) > stuckReturn));
  // Constraints first (dropping them keeps trials cheap), then the writes.
  relaxInChunks((i) => isConstraintOnly(part, i));
  relaxInChunks((i) => !isConstraintOnly(part, i));
  return { keep, optional, checks, lastProofSteps };
}

/**
 * The firm operations cannot be linearized even with every optional one left out. For each
 * firm observer of a value that no firm operation could have produced in time, the optional
 * producer of it invoked last before the observer completed: shown with them (still
 * optional: adding optional operations to an invalid set keeps it invalid).
 */
function helperProducers(part: RegisterPartition, firmIdx: number[], keep: number[], optional: Uint8Array): number[] {
  const helperSet = new Set<number>();
  for (const o of firmIdx) {
    const k = part.kind[o];
    if (k !== READ && k !== CAS && k !== CAS_MISMATCH) continue;
    const v = part.arg[o] as number;
    if (v === part.initialState) continue;
    const by = part.returnAt[o] as number;
    let best = -1;
    let firmProducer = false;
    for (const i of keep) {
      if (produced(part, i) !== v || (part.invokeAt[i] as number) > by || i === o) continue;
      if (!mayBeLeftOut(part, i, optional)) firmProducer = true;
      else if (best < 0 || (part.invokeAt[i] as number) > (part.invokeAt[best] as number)) best = i;
    }
    if (!firmProducer && best >= 0) helperSet.add(best);
  }
  return [...helperSet];
}

/**
 * Searches the evidence set (firm operations and their helpers) once more to say where the
 * furthest order gets stuck; falls back to the whole key and the first search's frontier
 * when nothing was relaxed or the set is not proven on its own.
 */
function searchEvidence(ctx: ExplainContext, firmIdx: number[], helpers: number[], lastProofSteps: number): { sub: RegisterPartition; frontier: Frontier } {
  const { part, found } = ctx;
  const n = part.size;
  const evidenceIdx = [...firmIdx, ...helpers].sort((a, b) => a - b);
  const finalOptional = new Uint8Array(n);
  for (const i of helpers) finalOptional[i] = 1;
  // Nothing relaxed: the search's own frontier says it all.
  const alone =
    evidenceIdx.length === n && helpers.length === 0
      ? { invalid: false, frontier: found, sub: part, steps: 0 }
      : stillInvalid(part, evidenceIdx, finalOptional, Math.max(1_000_000, 2 * lastProofSteps), ctx.maxBytes);
  const useAlone = alone.invalid && alone.frontier.blockingOp >= 0;
  return useAlone ? { sub: alone.sub, frontier: alone.frontier } : { sub: part, frontier: found };
}

/**
 * Evidence a person can read: if shrinking ran out of budget, the operations nearest the
 * stuck one (in history order) and a count of the rest.
 */
function evidenceOf(part: RegisterPartition, sub: RegisterPartition, frontier: Frontier, stuckOp: number, shownOps: number[]): RegisterEvidence {
  const stuckInvoke = sub.invokeAt[stuckOp] as number;
  const nearest =
    shownOps.length <= MAX_EVIDENCE_OPS
      ? shownOps
      : [...shownOps]
          .sort((a, b) => Math.abs((sub.invokeAt[a] as number) - stuckInvoke) - Math.abs((sub.invokeAt[b] as number) - stuckInvoke))
          .slice(0, MAX_EVIDENCE_OPS)
          .sort((a, b) => a - b);
  const evidenceOps = nearest.map((i) => {
    const e = operationEvidence(sub.ops[i] as Operation, sub.shown[i]);
    if (sub.optional[i] === 1 && e.outcome === 'ok') e.mayBeOmitted = true;
    return e;
  });
  const evidence: RegisterEvidence = {
    key: part.key ?? null,
    operations: evidenceOps,
    stuckAt: operationEvidence(sub.ops[stuckOp] as Operation, sub.shown[stuckOp]),
    placed: Math.max(0, frontier.depth),
    valueThen: part.values.valueOf(frontier.state) ?? null,
  };
  if (nearest.length < shownOps.length) evidence.omitted = shownOps.length - nearest.length;
  return evidence;
}

function explainImpossible(part: RegisterPartition, found: ImpossibleObservation, stats: Record<string, number>): Verdict {
  const { observer, producer } = found;
  const involved = producer === undefined ? [observer] : [observer, producer].sort((a, b) => a - b);
  const evidence: RegisterEvidence = {
    key: part.key ?? null,
    operations: involved.map((i) => operationEvidence(part.ops[i] as Operation, part.shown[i])),
    stuckAt: operationEvidence(part.ops[observer] as Operation, part.shown[observer]),
    placed: 0,
    valueThen: null,
  };
  const where = part.key === undefined ? 'the register' : `key ${JSON.stringify(part.key)}`;
  const value = part.values.values[part.arg[observer] as number];
  const me = describeOperation(part.ops[observer] as Operation, whatItDid(part, observer));
  const why =
    producer === undefined
      ? `no operation on that key ever wrote ${showValue(value)} (the initial value is null)`
      : `the first operation that could produce ${showValue(value)}, ${describeOperation(part.ops[producer] as Operation, whatItDid(part, producer))}, started only after it had completed`;
  return invalidVerdict(MODEL, `Not linearizable on ${where}: ${me}, but ${why}.`, evidence, stats);
}

function explainStale(part: RegisterPartition, found: StaleRead, stats: Record<string, number>): Verdict {
  const { reader, source, overwrite } = found;
  const involved = [reader, overwrite, ...(source === undefined ? [] : [source])].sort((a, b) => a - b);
  const evidence: RegisterEvidence = {
    key: part.key ?? null,
    operations: involved.map((i) => operationEvidence(part.ops[i] as Operation, part.shown[i])),
    stuckAt: operationEvidence(part.ops[reader] as Operation, part.shown[reader]),
    placed: involved.length - 1,
    valueThen: part.values.values[(part.kind[overwrite] === WRITE ? part.arg[overwrite] : part.arg2[overwrite]) as number] ?? null,
  };
  const where = part.key === undefined ? 'the register' : `key ${JSON.stringify(part.key)}`;
  const describe = (i: number): string => describeOperation(part.ops[i] as Operation, whatItDid(part, i));
  const origin = source === undefined ? 'the initial null' : describe(source);
  return invalidVerdict(
    MODEL,
    `Not linearizable on ${where} (stale read): ${describe(reader)}, but ${describe(overwrite)} started after ${origin} ${source === undefined ? 'was in place' : 'had completed'} and completed before the read started, so it took effect in between and the read should have seen it or something newer.`,
    evidence,
    stats,
  );
}

function explainStaleAppend(part: RegisterPartition, found: StaleAppendRead, stats: Record<string, number>): Verdict {
  const { reader, append } = found;
  const involved = [append, reader].sort((a, b) => a - b);
  const evidence: RegisterEvidence = {
    key: part.key ?? null,
    operations: involved.map((i) => operationEvidence(part.ops[i] as Operation, part.shown[i])),
    stuckAt: operationEvidence(part.ops[reader] as Operation, part.shown[reader]),
    placed: 1,
    valueThen: null,
  };
  const where = part.key === undefined ? 'the register' : `key ${JSON.stringify(part.key)}`;
  const describe = (i: number): string => describeOperation(part.ops[i] as Operation, whatItDid(part, i));
  return invalidVerdict(
    MODEL,
    `Not linearizable on ${where} (stale read): ${describe(reader)}, but ${describe(append)} completed before the read started and no write or cas of that key could take effect in between, so the value read should contain ${showValue(part.shown[append])}.`,
    evidence,
    stats,
  );
}

function whatItDid(part: RegisterPartition, i: number): string {
  const shown = part.shown[i];
  switch (part.kind[i]) {
    case READ:
      return `read that returned ${showValue(shown)}`;
    case WRITE:
      return `write of ${showValue(shown)}`;
    case CAS: {
      const [expected, replacement] = shown as [unknown, unknown];
      return `successful cas from ${showValue(expected)} to ${showValue(replacement)}`;
    }
    case CAS_MISMATCH:
      return `cas expecting ${showValue((shown as [unknown, unknown])[0])} that reported a mismatch`;
    case APPEND:
      return `append of ${showValue(shown)}`;
    default:
      return part.ops[i]?.f ?? 'operation';
  }
}

/** True when no operation of the partition could ever have produced `valueId`. */
function neverWritten(part: RegisterPartition, valueId: number): boolean {
  if (valueId === part.initialState) return false;
  for (let i = 0; i < part.size; i++) {
    const k = part.kind[i];
    if (k === APPEND) return false; // concatenations can produce many values; do not guess
    if (k === WRITE && part.arg[i] === valueId) return false;
    if (k === CAS && part.arg2[i] === valueId) return false;
  }
  return true;
}

function summarize(
  whole: RegisterPartition,
  part: RegisterPartition,
  stuck: number,
  count: number,
  frontier: Frontier,
  valueThen: unknown,
): string {
  const op = part.ops[stuck] as Operation;
  const where = part.key === undefined ? 'the register' : `key ${JSON.stringify(part.key)}`;
  const me = describeOperation(op, whatItDid(part, stuck));
  if (part.kind[stuck] === READ && neverWritten(whole, part.arg[stuck] as number)) {
    return `Not linearizable on ${where}: ${me}, but no operation on that key ever wrote ${showValue(part.shown[stuck])} (the initial value is null).`;
  }
  const others = count - 1;
  return (
    `Not linearizable on ${where}: ${me} cannot take effect anywhere between its invoke and its completion` +
    (others > 0 ? ` in any order of it and the ${others} other operation${others === 1 ? '' : 's'} in the evidence that respects real time` : '') +
    `. The furthest consistent order placed ${Math.max(0, frontier.depth)} operation${frontier.depth === 1 ? '' : 's'} first, leaving the register at ${showValue(valueThen)}.`
  );
}
