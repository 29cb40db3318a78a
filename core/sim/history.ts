/**
 * Records client operations in DESIGN.md's history format (Jepsen style): one object per
 * invocation or completion, in real (virtual) time order, `time` in nanoseconds. The
 * checkers of core/check read exactly these objects.
 */
export type OpType = 'invoke' | 'ok' | 'fail' | 'info';

export interface SimHistoryOp {
  process: number;
  type: OpType;
  f: string;
  key?: string;
  value?: unknown;
  result?: unknown;
  time: number;
  /** Set by the checkers' parser; present here so arrays are passed as HistoryOp[] directly. */
  index: number;
  [extra: string]: unknown;
}

/** A keyed operation that completed ok, with the times of its invocation and completion. */
export interface CompletedOp {
  readonly process: number;
  readonly f: string;
  readonly key: string;
  /** The completion's value (what a read returned; a write's value). */
  readonly value: unknown;
  readonly result: unknown;
  readonly invokedAtNs: number;
  readonly okAtNs: number;
}

/** Pairs each ok completion of a keyed operation with its invocation (by process), in completion order. */
export function completedOps(ops: readonly SimHistoryOp[]): CompletedOp[] {
  const open = new Map<number, SimHistoryOp>();
  const done: CompletedOp[] = [];
  for (const op of ops) {
    if (op.type === 'invoke') {
      open.set(op.process, op);
      continue;
    }
    const inv = open.get(op.process);
    open.delete(op.process);
    if (!inv || op.type !== 'ok' || op.key === undefined) continue;
    done.push({ process: op.process, f: op.f, key: op.key, value: op.value, result: op.result, invokedAtNs: inv.time, okAtNs: op.time });
  }
  return done;
}

export interface PendingOp {
  readonly process: number;
  readonly f: string;
  readonly key: string | undefined;
  readonly value: unknown;
  done: boolean;
}

export class HistoryRecorder {
  readonly ops: SimHistoryOp[] = [];

  constructor(private readonly nowMs: () => number) {}

  invoke(process: number, f: string, key: string | undefined, value: unknown): PendingOp {
    this.push(process, 'invoke', f, key, value, undefined);
    return { process, f, key, value, done: false };
  }

  /**
   * Completes `op`. `value` defaults to the invoked value (writes repeat their argument;
   * reads and acquires pass what they saw).
   */
  complete(op: PendingOp, type: Exclude<OpType, 'invoke'>, value: unknown = op.value, result?: unknown): void {
    if (op.done) throw new Error(`operation ${op.f} of process ${op.process} completed twice`);
    op.done = true;
    this.push(op.process, type, op.f, op.key, value, result);
  }

  /** JSON lines, as `faultline check` reads them. */
  toJsonl(): string {
    return this.ops.map((op) => JSON.stringify(stripIndex(op))).join('\n') + (this.ops.length ? '\n' : '');
  }

  private push(process: number, type: OpType, f: string, key: string | undefined, value: unknown, result: unknown): void {
    // Built field by field (no spread, no delete) so every op has the same hidden class.
    const op: SimHistoryOp = { index: this.ops.length, process, type, f, value, time: Math.round(this.nowMs() * 1e6) };
    if (key !== undefined) op.key = key;
    if (result !== undefined) op.result = result;
    this.ops.push(op);
  }
}

function stripIndex(op: SimHistoryOp): Record<string, unknown> {
  const { index: _index, ...rest } = op;
  return rest;
}
