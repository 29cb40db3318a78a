/**
 * Records a workload's history in DESIGN.md's format while it runs: each invoke and
 * completion is appended at the moment it happens (the event loop is single-threaded, so
 * append order is real-time order), kept in memory for live checks, and streamed to a
 * JSONL file when one is given. `time` is ns since the run started.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import type { HistoryOp, OpType } from '../../check/history';

export type Completion = Exclude<OpType, 'invoke'>;

export interface OpHandle {
  readonly process: number;
  readonly f: string;
  readonly key: string | undefined;
  readonly invokeIndex: number;
}

export interface HistoryCounts {
  invoked: number;
  ok: number;
  fail: number;
  info: number;
}

export class HistoryRecorder {
  readonly ops: HistoryOp[] = [];
  readonly counts: HistoryCounts = { invoked: 0, ok: 0, fail: 0, info: 0 };
  private readonly out: WriteStream | undefined;

  constructor(
    /** ns since the run started. */
    private readonly nowNs: () => number,
    file?: string,
  ) {
    this.out = file === undefined ? undefined : createWriteStream(file, { flags: 'w' });
  }

  private append(op: Omit<HistoryOp, 'index'>): HistoryOp {
    const full = { ...op, index: this.ops.length } as HistoryOp;
    this.ops.push(full);
    if (this.out) {
      const { index: _index, ...line } = full;
      this.out.write(`${JSON.stringify(line)}\n`);
    }
    return full;
  }

  invoke(process: number, f: string, key: string | undefined, value: unknown): OpHandle {
    const op: Omit<HistoryOp, 'index'> = { process, type: 'invoke', f, value, time: this.nowNs() };
    if (key !== undefined) op.key = key;
    const recorded = this.append(op);
    this.counts.invoked++;
    return { process, f, key, invokeIndex: recorded.index };
  }

  /** `value` defaults to the invoke's; `result` only for cas. */
  complete(handle: OpHandle, type: Completion, extra: { value?: unknown; result?: unknown; error?: string; cause?: string } = {}): HistoryOp {
    const invoked = this.ops[handle.invokeIndex];
    const op: Omit<HistoryOp, 'index'> = {
      process: handle.process,
      type,
      f: handle.f,
      value: 'value' in extra ? extra.value : invoked?.value,
      time: this.nowNs(),
    };
    if (handle.key !== undefined) op.key = handle.key;
    if (extra.result !== undefined) op.result = extra.result;
    if (extra.error !== undefined) op.error = extra.error;
    if (extra.cause !== undefined) op.cause = extra.cause;
    this.counts[type]++;
    return this.append(op);
  }

  /** Flushes and closes the file. */
  close(): Promise<void> {
    const out = this.out;
    if (!out) return Promise.resolve();
    return new Promise((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
  }
}
