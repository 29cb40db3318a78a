import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { DetectionWatch } from '../../core/supervisor/workload/detection';
import type { SelfHealRestartEvent } from '../../core/supervisor/self-heal';

const report = (role: string, round: number, node: string, suspected: readonly string[] = []) => ({
  paxos: { role, ballot: { round, node } },
  suspicion: Object.fromEntries(['n1', 'n2', 'n3'].map((p) => [p, { phi: suspected.includes(p) ? 9 : 0.5, suspected: suspected.includes(p) }])),
});

describe('DetectionWatch (the signs for time to detect)', () => {
  it('records a suspicion when a node starts suspecting a peer, not while it keeps suspecting it', () => {
    let now = 0;
    const w = new DetectionWatch(undefined, () => now);
    w.observe('n1', report('leader', 1, 'n1'));
    now = 100;
    w.observe('n1', report('leader', 1, 'n1', ['n3']));
    now = 200;
    w.observe('n1', report('leader', 1, 'n1', ['n3']));
    w.observe('n2', report('follower', 1, 'n1', ['n3'])); // another observer: its own rising edge
    now = 300;
    w.observe('n1', report('leader', 1, 'n1'));
    now = 400;
    w.observe('n1', report('leader', 1, 'n1', ['n3']));
    expect(w.signals).toEqual([
      { atMs: 100, kind: 'suspicion', node: 'n3' },
      { atMs: 200, kind: 'suspicion', node: 'n3' },
      { atMs: 400, kind: 'suspicion', node: 'n3' },
    ]);
  });

  it('records a leader change under a higher ballot only: the first leader is none, a deposed one does not flap back', () => {
    let now = 0;
    const w = new DetectionWatch(undefined, () => now);
    w.observe('n1', report('leader', 1, 'n1'));
    now = 500;
    w.observe('n2', report('leader', 2, 'n2'));
    now = 600;
    w.observe('n1', report('leader', 1, 'n1')); // cut off, still claiming its old ballot
    now = 700;
    w.observe('n2', report('leader', 2, 'n2'));
    expect(w.signals).toEqual([{ atMs: 500, kind: 'leader-change', node: 'n2' }]);
  });

  it('listens to status events and self-heal restarts until closed, restarts moved onto the run clock', () => {
    const cluster = new EventEmitter();
    const policy = new EventEmitter();
    let runNow = 5_000;
    let policyNow = 105_000; // the policy's clock runs 100 s ahead of the run's
    const w = new DetectionWatch(cluster as never, () => runNow, policy as never, () => policyNow);
    cluster.emit('status', 'n1', report('leader', 1, 'n1'));
    cluster.emit('status', 'n2', report('follower', 1, 'n1', ['n3']));
    const e: SelfHealRestartEvent = { node: 'n3', delayMs: 1_000, crashAtMs: 102_000, restartAtMs: 103_000, upAtMs: 104_500 };
    policy.emit('restarted', e);
    expect(w.restarts).toEqual([{ node: 'n3', crashAtMs: 2_000, restartAtMs: 3_000, upAtMs: 4_500 }]);
    w.close();
    runNow = 6_000;
    policyNow = 106_000;
    cluster.emit('status', 'n2', report('leader', 2, 'n2'));
    policy.emit('restarted', e);
    expect(w.signals).toEqual([{ atMs: 5_000, kind: 'suspicion', node: 'n3' }]);
    expect(w.restarts).toHaveLength(1);
    expect(cluster.listenerCount('status')).toBe(0);
    expect(policy.listenerCount('restarted')).toBe(0);
  });
});
