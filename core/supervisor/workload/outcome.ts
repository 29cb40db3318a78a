/**
 * What a reply means for the history: `ok` (took effect), `fail` (certainly no effect) or
 * `info` (unknown: the request may still take effect, e.g. it timed out after reaching the
 * leader). Getting this wrong in the `fail` direction makes a checker report violations
 * that never happened, so every code not known to be a definite refusal counts as unknown.
 */
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
  | { readonly type: Exclude<Completion, 'ok'>; readonly code: string; readonly message: string };

/**
 * Node replies carry the service's result inside `result`; a service may itself refuse
 * (`{ok:false, code}` from the KV or lock service), which is a definite refusal.
 */
export function interpretReply(reply: ReplyFrame): Interpreted {
  if (!reply.ok) {
    return { type: UNKNOWN_OUTCOME_CODES.has(reply.code) ? 'info' : 'fail', code: reply.code, message: reply.message };
  }
  const inner = reply.result;
  if (typeof inner === 'object' && inner !== null && (inner as { ok?: unknown }).ok === false) {
    const { code, message } = inner as { code?: unknown; message?: unknown };
    return { type: 'fail', code: typeof code === 'string' ? code : 'REFUSED', message: typeof message === 'string' ? message : JSON.stringify(inner) };
  }
  return { type: 'ok', result: inner };
}
