import { describe, expect, it } from 'vitest';
import { panelNode } from '../stores/fixtures';
import { cutsBetween } from '../views/Topology/layout';
import { activeFaults, faultText } from './faults';

const nodes = ['n1', 'n2', 'n3', 'n4', 'n5'].map((id) => panelNode(id));

describe('faults in force', () => {
  it('lists a few cuts one by one, one-way cuts with their direction', () => {
    const links = [
      { from: 'n1', to: 'n2', cut: true },
      { from: 'n2', to: 'n1', cut: true },
      { from: 'n3', to: 'n4', cut: true },
    ];
    expect(activeFaults(nodes, links)).toEqual([
      { kind: 'cut', a: 'n1', b: 'n2', oneWay: false },
      { kind: 'cut', a: 'n3', b: 'n4', oneWay: true },
    ]);
  });

  it('names a partition by its groups instead of listing every cut link', () => {
    const links = cutsBetween([['n1', 'n2'], ['n3', 'n4', 'n5']]).map((l) => ({ ...l, cut: true }));
    expect(activeFaults(nodes, [...links, { from: 'n3', to: 'n4', cut: false, delayMs: 100 }])).toEqual([
      { kind: 'partition', groups: [['n3', 'n4', 'n5'], ['n1', 'n2']] },
      { kind: 'slow', from: 'n3', to: 'n4', ms: 100 },
    ]);
  });

  it('reads node faults from lifecycles and skews', () => {
    const faulty = [panelNode('n1', { lifecycle: 'exited' }), panelNode('n2', { lifecycle: 'paused', skewMs: -500 })];
    expect(activeFaults(faulty, [])).toEqual([
      { kind: 'killed', node: 'n1' },
      { kind: 'paused', node: 'n2' },
      { kind: 'skew', node: 'n2', ms: -500 },
    ]);
  });

  it('says when a node froze itself (control pause, Windows) rather than SIGSTOP', () => {
    const frozen = [panelNode('n1', { lifecycle: 'paused', pauseKind: 'control' }), panelNode('n2', { lifecycle: 'paused', pauseKind: 'signal' })];
    const faults = activeFaults(frozen, []);
    expect(faults).toEqual([
      { kind: 'paused', node: 'n1', how: 'control' },
      { kind: 'paused', node: 'n2' },
    ]);
    const t = (key: string, named: Record<string, unknown>): string => `${key}:${String(named['node'])}`;
    expect(faults.map((f) => faultText(f, t))).toEqual(['common.fault.pausedControl:n1', 'common.fault.paused:n2']);
  });
});
