/**
 * Why a frame was refused. Every decoder in core/protocol returns one of these instead of
 * throwing, so a bad frame becomes an error reply and never reaches a handler.
 */
export type ProtocolErrorCode =
  /** Bigger than the limit; refused before any parsing. */
  | 'FRAME_TOO_LARGE'
  /** Not UTF-8 JSON. */
  | 'MALFORMED_JSON'
  /** JSON, but not an object with a string discriminator (`type`). */
  | 'NOT_A_FRAME'
  /** A discriminator (frame `type`, or the `part` of a peer message) nobody declared. */
  | 'UNKNOWN_KIND'
  /** A known kind whose fields have the wrong shape; the message names the field. */
  | 'INVALID_MESSAGE'
  /** A connection that did not prove its credential (client token, node secret, link key). */
  | 'UNAUTHORIZED';

export interface ProtocolError {
  readonly code: ProtocolErrorCode;
  /** Names the offending field and what was expected, e.g. `body.ballot.round: expected number, got string`. */
  readonly message: string;
}

export type Decoded<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ProtocolError };

export function refuse(code: ProtocolErrorCode, message: string): { ok: false; error: ProtocolError } {
  return { ok: false, error: { code, message } };
}
