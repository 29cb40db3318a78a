/**
 * Builds a coded timeline line (core/protocol/panel.ts TimelineParams): the code, its
 * params checked against the code's shape, and the server's own words as `detail` when
 * there are some the panel cannot translate.
 */
import type { LineOf, TimelineCode, TimelineLine, TimelineParams } from '../../protocol/panel';
import type { TimelineEvent } from '../nemesis';

export function line<C extends TimelineCode>(code: C, params: TimelineParams[C], detail?: string): LineOf<C> {
  return { code, params, ...(detail === undefined ? {} : { detail }) } as LineOf<C>;
}

/** A nemesis timeline event as a coded line (the event's own text is the English). */
export function nemesisLine(event: TimelineEvent): TimelineLine {
  const nodes = event.nodes.join(', ');
  if (event.phase === 'error') return line('nemesis.error', {}, event.text);
  if (event.kind === 'all') return line('nemesis.heal-all', {});
  if (event.phase === 'heal') return line('nemesis.heal', { fault: event.kind, nodes });
  return event.nodes.length === 0 ? line('nemesis.skipped', { fault: event.kind }) : line('nemesis.fault', { fault: event.kind, nodes });
}
