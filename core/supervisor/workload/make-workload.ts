/**
 * One place that turns workload settings into a Workload, for `faultline run` and for
 * runs started from the panel (same vocabulary, same defaults).
 */
import { unreachable } from '../../algorithms/common/unreachable';
import { LockWorkload } from './lock';
import { RegisterWorkload } from './register';
import { TxnWorkload, type BackoffOptions } from './txn';
import type { Workload } from './types';
import type { ConsistencyModel } from '../../check/txn-models';

export interface WorkloadChoice {
  readonly workload: 'register' | 'lock' | 'txn';
  readonly clients: number;
  readonly fencing: boolean;
  readonly gcPauseMs: number;
  readonly gcSigstop: boolean;
  readonly ttlMs: number;
  /** Put before the register and txn workloads' keys (a run on a cluster earlier runs wrote to). */
  readonly keyPrefix?: string;
  /** txn: the consistency model to check (default strict-serializable). */
  readonly consistency?: ConsistencyModel;
  /** txn: the clients' back-off after an abort (absent: retry at once). */
  readonly backoff?: BackoffOptions;
}

export function makeWorkload(c: WorkloadChoice): Workload {
  switch (c.workload) {
    case 'register':
      return new RegisterWorkload(c.keyPrefix === undefined ? {} : { keyPrefix: c.keyPrefix });
    case 'lock':
      return new LockWorkload({ fencing: c.fencing, gcPauseMs: c.gcPauseMs, gcSigstop: c.gcSigstop, ttlMs: c.ttlMs, locks: Math.max(1, Math.floor(c.clients / 4)) });
    case 'txn':
      return new TxnWorkload({ ...(c.keyPrefix === undefined ? {} : { keyPrefix: c.keyPrefix }), ...(c.consistency === undefined ? {} : { consistency: c.consistency }), ...(c.backoff ? { backoff: c.backoff } : {}) });
    default:
      return unreachable(c.workload, 'workload');
  }
}
