/**
 * Every fault the nemesis injects, and every heal, is an entry on the timeline, so a
 * report can show what happened when (and a learner can line it up with the history).
 */
export type FaultKind = 'drop' | 'dup' | 'partition' | 'crash' | 'pause' | 'skew';

export const FAULT_KINDS: readonly FaultKind[] = ['drop', 'dup', 'partition', 'crash', 'pause', 'skew'];

export interface FaultEvent {
  /** Virtual milliseconds since the start of the run. */
  readonly atMs: number;
  readonly kind: FaultKind | 'heal' | 'restart' | 'resume' | 'client-pause';
  /** Human-readable, e.g. "partition {n1,n2} | {n3,n4,n5}" or "crash n3 (torn write, 2 records lost)". */
  readonly detail: string;
}

export class Timeline {
  readonly events: FaultEvent[] = [];
  faults = 0;

  record(atMs: number, kind: FaultEvent['kind'], detail: string): void {
    this.events.push({ atMs, kind, detail });
    if (kind !== 'heal' && kind !== 'restart' && kind !== 'resume') this.faults++;
  }
}

export function formatTimeline(events: readonly FaultEvent[], limit = 50): string {
  const lines = events.slice(0, limit).map((e) => `  ${e.atMs.toFixed(1).padStart(9)} ms  ${e.kind.padEnd(12)} ${e.detail}`);
  if (events.length > limit) lines.push(`  ... ${events.length - limit} more`);
  return lines.join('\n');
}
