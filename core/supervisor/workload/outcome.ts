/**
 * What a reply means for the history: `ok` (took effect), `fail` (certainly no effect) or
 * `info` (unknown: the request may still take effect, e.g. it timed out after reaching the
 * leader). Getting this wrong in the `fail` direction makes a checker report violations
 * that never happened, so every code not known to be a definite refusal counts as unknown.
 */
import type { AbortCause } from '../../algorithms/twopc/types';
import type { ReplyFrame } from '../node-client';
import type { Completion } from './history-recorder';

/** Codes after which the request may or may not have been applied. */
export const UNKNOWN_OUTCOME_CODES: ReadonlySet<string> = new Set([
  'TIMEOUT',
  'UNAVAILABLE',
  'LEADERSHIP_LOST',
  'SESSION_EXPIRED',
  'INTERNAL',
]);

/** A reply's verdict for the history, and the service's own result when there is one. */
export type Interpreted =
  | { readonly type: 'ok'; readonly result: unknown }
  | { readonly type: Exclude<Completion, 'ok'>; readonly code: string; readonly message: string; readonly cause?: AbortCause };

/**
 * Node replies carry the service's result inside `result`; a service may itself refuse
 * (`{ok:false, code}` from the KV or lock service), which is a definite refusal.
 */
export function interpretReply(reply: ReplyFrame): Interpreted {
  if (!reply.ok) {
    return { type: UNKNOWN_OUTCOME_CODES.has(reply.code) ? 'info' : 'fail', code: reply.code, message: reply.message, ...(reply.cause !== undefined ? { cause: reply.cause } : {}) };
  }
  const inner = reply.result;
  if (typeof inner === 'object' && inner !== null && (inner as { ok?: unknown }).ok === false) {
    const { code, message } = inner as { code?: unknown; message?: unknown };
    return { type: 'fail', code: typeof code === 'string' ? code : 'REFUSED', message: typeof message === 'string' ? message : JSON.stringify(inner) };
  }
  return { type: 'ok', result: inner };
}

/**
 * What an operation's outcome says about AVAILABILITY (the figures), which is not what it
 * says to the checker: a lock conflict or a transaction abort is a definite answer, the
 * protocol working as designed, while a timeout is the cluster failing to answer.
 * - `ok`: it took effect (the history's ok).
 * - `refused`: the cluster answered and said no by design: a conflict abort, a stale
 *   fencing token, a lock not held or not granted in time, an unsupported or bad request.
 * - `unavailable`: the cluster did not answer in time or could not be reached (TIMEOUT,
 *   UNAVAILABLE, NOT_LEADER after the retries, LEADERSHIP_LOST, SESSION_EXPIRED), or it
 *   aborted a transaction because part of it did not answer in time (ABORTED with cause
 *   `failure`: a participant down or cut off, a coordinator gone before deciding). That is
 *   an answer, but not a refusal by design: killing a participant must show in the figure.
 * - `unknown`: nothing says which: no completion at all, or an info with another reason.
 */
export type OutcomeClass = 'ok' | 'refused' | 'unavailable' | 'unknown';

/** Error codes that are the protocol refusing by design (counted apart from unavailability). */
export const REFUSED_BY_DESIGN_CODES: ReadonlySet<string> = new Set([
  'ABORTED',
  'DUPLICATE',
  'LOCK_NOT_HELD',
  'STALE_FENCING_TOKEN',
  'GAVE_UP_WAITING',
  'QUEUE_FULL',
  'NOT_QUEUED',
  'INVALID_ARGUMENT',
  'UNSUPPORTED',
  'UNKNOWN_SERVICE',
  'EPOCH_MISMATCH',
  'TOO_MANY_MEMBERS',
  'LAST_MEMBER',
  'REFUSED',
]);

/** Error codes that mean the cluster did not answer (in time). */
export const UNAVAILABLE_CODES: ReadonlySet<string> = new Set(['TIMEOUT', 'UNAVAILABLE', 'NOT_LEADER', 'LEADERSHIP_LOST', 'SESSION_EXPIRED']);

/** The code in a history `error` field: the field itself (`TIMEOUT`) or its last word (`cancel: TIMEOUT`). */
export function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'string') return undefined;
  const m = /([A-Z][A-Z0-9_]+)$/.exec(error.trim());
  return m?.[1];
}

/**
 * Classifies one operation from its completion type (undefined: none) and the `error` the
 * workload recorded. A `fail` with a code of neither list still certainly had no effect,
 * so it counts as refused; an `info` with such a code as unknown.
 */
export function outcomeClass(type: Completion | undefined, error: unknown, cause?: unknown): OutcomeClass {
  if (type === 'ok') return 'ok';
  if (type === undefined) return 'unknown';
  const code = errorCode(error);
  if (code === 'ABORTED' && cause === 'failure') return 'unavailable';
  if (code !== undefined && UNAVAILABLE_CODES.has(code)) return 'unavailable';
  if (code !== undefined && REFUSED_BY_DESIGN_CODES.has(code)) return 'refused';
  return type === 'fail' ? 'refused' : 'unknown';
}
