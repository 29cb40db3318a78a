export * from './types';
export { LockTable, DEFAULT_LOCK_LIMITS, type LockTableLimits } from './lock-table';
export { LeaseClock, leaseStartedBy, type HeldLock } from './lease-clock';
export { LockService, DEFAULT_EXPIRE_RETRY_MS } from './lock-service';
export { FencedResource, type FencedWrite, type FencedWriteResult } from './fenced-resource';
