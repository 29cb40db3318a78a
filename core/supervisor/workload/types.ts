/**
 * What every workload shares: one client's context (its cluster client, its place in the
 * history, the run's rate limit) and the shape of a workload (a client loop plus its checker).
 */
import type { Prng } from '../../algorithms/common/prng';
import type { HistoryOp } from '../../check/history';
import type { CheckBudget, Verdict } from '../../check/verdict';
import type { CallResult, ClusterClient, Endpoint } from '../cluster-client';
import type { HistoryRecorder } from './history-recorder';
import type { RateLimiter } from './rate-limiter';

export type CallBody = Parameters<ClusterClient['call']>[0];

/** The part of ClusterClient a workload uses (tests pass a fake). */
export interface Caller {
  call(body: CallBody, key?: string): Promise<CallResult>;
}

export interface ClientContext {
  /** 0..clients-1. */
  readonly index: number;
  /** Unique per run: the session name and the lock owner. */
  readonly name: string;
  readonly caller: Caller;
  readonly recorder: HistoryRecorder;
  readonly limiter: RateLimiter;
  readonly prng: Prng;
  readonly clients: number;
  /** True once the run is over: finish the current operation and return. */
  readonly stopped: () => boolean;
  /** ms since the run started. */
  readonly nowMs: () => number;
  /** The cluster's addresses, for a client that runs in its own process. */
  readonly cluster?: { endpoints(): readonly Endpoint[]; readonly token: string };
  /**
   * This client's process number in the history. After an `info` completion the
   * operation may still be in flight, so (as Jepsen does) the client continues as a new
   * process: process += clients.
   */
  process: number;
}

export interface Workload {
  readonly name: 'register' | 'lock' | 'txn';
  /** The checker model name (faultline check --model). */
  readonly model: string;
  runClient(ctx: ClientContext): Promise<void>;
  /** The full check at the end, within the budget (a workload has its own default). */
  check(ops: HistoryOp[], budget?: CheckBudget): Verdict;
  /** A cheap check on a prefix while the run goes on; undefined when there is none. */
  liveCheck?(ops: HistoryOp[]): Verdict;
  /** Set when the cluster refused the workload as unsupported (e.g. no txn service). */
  unsupported?: string;
  /** Requests per node sent by clients that are not ClusterClients of the run (a child process). */
  extraLoad?(): Record<string, number>;
  /** Facts for the report (resource stats, pauses taken, ...). */
  notes?(): string[];
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Moves the client to a fresh process number after an unknown outcome. */
export function afterInfo(ctx: ClientContext): void {
  ctx.process += ctx.clients;
}
