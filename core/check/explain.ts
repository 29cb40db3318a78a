/**
 * Words for evidence: how an operation is named in a summary a learner reads, and the
 * compact record of it that goes into `evidence`.
 */
import { lineOf, type Operation } from './history';

/** The value as it would appear in the history (JSON), shortened if huge. */
export function showValue(value: unknown): string {
  const text = value === undefined ? 'nothing' : JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function showProcess(process: number | string): string {
  return typeof process === 'number' ? `process ${process}` : `process ${JSON.stringify(process)}`;
}

/** "process 3's write of 2 to k1 (lines 7-9)". */
export function describeOperation(op: Operation, detail?: string): string {
  const lines = op.complete ? `lines ${lineOf(op.invoke)}-${lineOf(op.complete)}` : `line ${lineOf(op.invoke)}, never completed`;
  const what = detail ?? op.f;
  return `${showProcess(op.process)}'s ${what}${op.key !== undefined ? ` on ${op.key}` : ''} (${lines})`;
}

/** The machine-readable shape of an operation inside evidence. */
export interface OperationEvidence {
  process: number | string;
  f: string;
  key?: string;
  /** The argument (from the invoke) or, for reads, the value returned. */
  value: unknown;
  result?: unknown;
  outcome: Operation['outcome'];
  /** 0-based positions in the history, and 1-based lines when parsed from text. */
  invokeIndex: number;
  completeIndex?: number;
  invokeLine: number;
  completeLine?: number;
  /** Set in evidence sets where this completed operation may be treated as never having happened. */
  mayBeOmitted?: boolean;
}

export function operationEvidence(op: Operation, value: unknown): OperationEvidence {
  const e: OperationEvidence = {
    process: op.process,
    f: op.f,
    value,
    outcome: op.outcome,
    invokeIndex: op.invoke.index,
    invokeLine: lineOf(op.invoke),
  };
  if (op.key !== undefined) e.key = op.key;
  if (op.complete) {
    e.completeIndex = op.complete.index;
    e.completeLine = lineOf(op.complete);
    if (op.complete.result !== undefined) e.result = op.complete.result;
  }
  return e;
}
