export type { FailureDetector, DetectorErrorCode } from './types';
export { DetectorError } from './types';
export { PhiAccrualDetector, PHI_DEFAULTS, phiOf } from './phi';
export type { PhiAccrualOptions } from './phi';
export { TimeoutDetector } from './timeout';
export type { TimeoutOptions } from './timeout';
export { IntervalWindow } from './window';
