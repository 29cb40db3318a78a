export * from './types';
export { PaxosReplica, DEFAULT_MAX_IN_FLIGHT, CATCHUP_BATCH, LOG_VIEW_LIMIT } from './replica';
export { ballotEquals, maxBallot, nextBallot, formatBallot } from './ballot';
export { restoreDurable, type RestoredState } from './restore';
export { SessionTable, DEFAULT_SESSION_WINDOW, type SessionLookup, type SessionHit } from './sessions';
export { SessionedStateMachine, type ApplyOutcome } from './state-machine';
export { validateConfig } from './config';
