import { describe, expect, it } from 'vitest';
import { ManualFaults } from '../../core/supervisor/panel/manual-faults';
import { line } from '../../core/supervisor/panel/timeline-line';

describe('ManualFaults (the panel buttons\' faults as figure windows)', () => {
  it('opens a window per fault line and closes it when the cluster is seen healed', () => {
    let now = 1_000;
    const f = new ManualFaults(() => now);
    f.observe(line('fault.kill', { node: 'n2' }), 'kill -9 n2');
    now = 1_500;
    f.observe(line('fault.partition', { shape: 'halves', node: '', cuts: 12 }), 'partition halves');
    f.observe(line('nemesis.fault', { fault: 'kill', nodes: 'n3' }), 'nemesis: kill n3'); // the nemesis has windows of its own
    f.observe(line('heal.restart', { node: 'n2' }), 'restart n2'); // a heal line opens nothing
    now = 2_000;
    f.nodeUp('n3'); // not the node that was killed
    now = 2_500;
    f.nodeUp('n2');
    now = 4_000;
    f.networkHealed();
    expect(f.windowsSince(500)).toEqual([
      { id: 100_000, kind: 'kill', text: 'kill -9 n2 (from the panel)', startMs: 500, healMs: 2_000, nodes: ['n2'] },
      { id: 100_001, kind: 'partition', text: 'partition halves (from the panel)', startMs: 1_000, healMs: 3_500 },
    ]);
  });

  it('keeps a window still open when the run starts, from 0, and drops those healed before', () => {
    let now = 0;
    const f = new ManualFaults(() => now);
    f.observe(line('fault.pause', { node: 'n1' }), 'pause n1');
    now = 100;
    f.nodeUp('n1');
    f.observe(line('fault.skew', { node: 'n3', skew: '+500' }), 'skew n3');
    now = 1_000;
    expect(f.windowsSince(1_000)).toEqual([{ id: 100_001, kind: 'skew', text: 'skew n3 (from the panel)', startMs: 0, healMs: undefined, nodes: ['n3'] }]);
    f.clear();
    expect(f.windowsSince(0)).toEqual([]);
  });
});
