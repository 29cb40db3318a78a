/**
 * The real-process demonstrations by name (`faultline run --scenario NAME`), one line per
 * demonstration, each in its own file next to this one. Demonstrations of protocol bugs
 * live in the simulator only (core/sim/demonstrations); `run` says so.
 */
import { asyncLossReal } from './async-loss';
import { sloppyStaleReadReal } from './sloppy-stale-read';
import { unfencedLockReal } from './unfenced-lock';
import { semiSyncLossReal } from './semi-sync-loss';
import { threePcSplitBrainReal } from './threepc-split-brain';
import type { RealDemonstration } from './types';

export const REAL_DEMONSTRATIONS: readonly RealDemonstration[] = [asyncLossReal, sloppyStaleReadReal, unfencedLockReal, semiSyncLossReal, threePcSplitBrainReal];

export function findRealDemonstration(name: string): RealDemonstration | undefined {
  return REAL_DEMONSTRATIONS.find((d) => d.name === name);
}

/** Flags a user may add to a demonstration run; the others are fixed by it. */
export const REAL_DEMONSTRATION_FLAGS = ['seed', 'out', 'timeout', 'max-memory'] as const;

/**
 * Expands `--scenario NAME` into the run's own flags (the demonstration's, then the user's
 * allowed ones). A string is the usage error.
 */
export function expandRealDemonstration(demo: RealDemonstration, args: readonly string[]): string[] | string {
  const extra: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') ? (eq > 0 ? arg.slice(2, eq) : arg.slice(2)) : undefined;
    if (name === undefined) return `unexpected argument "${arg}"; flags start with --`;
    const value = eq > 0 ? arg.slice(eq + 1) : args[++i];
    if (value === undefined) return `--${name} needs a value`;
    if (name === 'scenario') continue;
    if (!(REAL_DEMONSTRATION_FLAGS as readonly string[]).includes(name)) {
      return `--${name} cannot be set with --scenario ${demo.name}: the demonstration fixes the workload, mode and nemesis; it takes ${REAL_DEMONSTRATION_FLAGS.map((f) => `--${f}`).join(', ')}`;
    }
    extra.push(`--${name}`, value);
  }
  return [...demo.args, ...extra];
}

export type { RealDemonstration } from './types';
