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
    this.push({ process, type: 'invoke', f, key, value });
    return { process, f, key, value, done: false };
  }

  /**
   * Completes `op`. `value` defaults to the invoked value (writes repeat their argument;
   * reads and acquires pass what they saw).
   */
  complete(op: PendingOp, type: Exclude<OpType, 'invoke'>, value: unknown = op.value, result?: unknown): void {
    if (op.done) throw new Error(`operation ${op.f} of process ${op.process} completed twice`);
    op.done = true;
    const entry: Omit<SimHistoryOp, 'index' | 'time'> = { process: op.process, type, f: op.f, key: op.key, value };
    if (result !== undefined) entry.result = result;
    this.push(entry);
  }

  /** JSON lines, as `faultline check` reads them. */
  toJsonl(): string {
    return this.ops.map((op) => JSON.stringify(stripIndex(op))).join('\n') + (this.ops.length ? '\n' : '');
  }

  private push(entry: Omit<SimHistoryOp, 'index' | 'time'>): void {
    const op: SimHistoryOp = { ...entry, index: this.ops.length, time: Math.round(this.nowMs() * 1e6) } as SimHistoryOp;
    if (op.key === undefined) delete op.key;
    this.ops.push(op);
  }
}

function stripIndex(op: SimHistoryOp): Record<string, unknown> {
  const { index: _index, ...rest } = op;
  return rest;
}
