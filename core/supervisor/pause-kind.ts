/**
 * Which pause a platform gets. Linux and macOS have SIGSTOP, the real thing: the kernel
 * freezes the process mid-step. Windows has no SIGSTOP, so there the node freezes itself on
 * a control message (core/node/freezer.ts): it stops reading its sockets and firing its
 * timers, which is what its peers and clients can observe of a stopped process.
 */
import type { PauseKind } from './node-process';

export function pauseKindFor(platform: NodeJS.Platform): PauseKind {
  return platform === 'win32' ? 'control' : 'signal';
}
