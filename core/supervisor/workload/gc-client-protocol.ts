/**
 * The IPC messages between the workload and the "GC-pause" lock client that runs as its
 * own process (gc-client-main.ts), so its pause is a real SIGSTOP of a real process: its
 * timers, sockets and clock reads all freeze, exactly as in a stop-the-world GC.
 * The workload keeps the history and the protected resource; the child reports each step.
 */
import type { Endpoint } from '../cluster-client';

export interface GcClientConfig {
  readonly token: string;
  readonly name: string;
  readonly lock: string;
  readonly ttlMs: number;
  readonly safetyMs: number;
  readonly timeoutMs: number;
  readonly pollMs: number;
  readonly giveUpMs: number;
  /** Time between the lease check and the write: the window the SIGSTOP lands in. */
  readonly prepareWriteMs: number;
  readonly seed: number;
}

export type ToGcClient =
  | { readonly type: 'start'; readonly config: GcClientConfig; readonly endpoints: readonly Endpoint[] }
  | { readonly type: 'endpoints'; readonly endpoints: readonly Endpoint[] }
  | { readonly type: 'write-result'; readonly ok: boolean }
  | { readonly type: 'stop' };

export type StepOutcome = 'ok' | 'fail' | 'info';

export type FromGcClient =
  | { readonly type: 'acquire-invoke' }
  | { readonly type: 'acquire-done'; readonly outcome: StepOutcome; readonly token?: number; readonly error?: string }
  /** The lease was checked and is valid; the write follows after prepareWriteMs. */
  | { readonly type: 'lease-checked'; readonly token: number }
  /** The lease had run out before the write: no write this round. */
  | { readonly type: 'lease-lost'; readonly token: number }
  | { readonly type: 'write'; readonly token: number; readonly data: string }
  | { readonly type: 'release-invoke'; readonly token: number }
  | { readonly type: 'release-done'; readonly outcome: StepOutcome; readonly error?: string }
  | { readonly type: 'load'; readonly perNode: Record<string, number> }
  | { readonly type: 'stopped' };
