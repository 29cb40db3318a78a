/** Nemesis events become coded timeline lines (what the panel translates). */
import { describe, expect, it } from 'vitest';
import type { TimelineEvent } from '../../core/supervisor/nemesis';
import { nemesisLine } from '../../core/supervisor/panel/timeline-line';

const event = (over: Partial<TimelineEvent>): TimelineEvent => ({ atMs: 0, phase: 'fault', period: 0, kind: 'kill', nodes: ['n2'], text: 'kill n2', ...over });

describe('nemesis lines', () => {
  it('codes a fault, a skipped fault, a heal, the final heal and an error (with its words as detail)', () => {
    expect(nemesisLine(event({}))).toEqual({ code: 'nemesis.fault', params: { fault: 'kill', nodes: 'n2' } });
    expect(nemesisLine(event({ nodes: [] }))).toEqual({ code: 'nemesis.skipped', params: { fault: 'kill' } });
    expect(nemesisLine(event({ phase: 'heal', nodes: ['n2', 'n3'] }))).toEqual({ code: 'nemesis.heal', params: { fault: 'kill', nodes: 'n2, n3' } });
    expect(nemesisLine(event({ phase: 'heal', kind: 'all', nodes: [] }))).toEqual({ code: 'nemesis.heal-all', params: {} });
    expect(nemesisLine(event({ phase: 'error', kind: 'all', text: 'final heal failed: boom' }))).toEqual({ code: 'nemesis.error', params: {}, detail: 'final heal failed: boom' });
  });
});
