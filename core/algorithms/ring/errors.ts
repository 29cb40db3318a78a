/** Why a ring operation was refused; the message names the wrong value and what was expected. */
export type RingErrorCode = 'EMPTY_RING' | 'BAD_WEIGHT' | 'BAD_VNODES' | 'BAD_REPLICA_COUNT' | 'TOO_MANY_NODES';

export class RingError extends Error {
  constructor(
    readonly code: RingErrorCode,
    message: string,
  ) {
    super(`${code}: ${message}`);
    this.name = 'RingError';
  }
}
