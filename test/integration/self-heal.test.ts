/**
 * The self-heal policy on real processes: a node SIGKILLed from outside (or by the
 * supervisor) comes back by itself with the policy on, stays down with it off, and a heal
 * that restarts the same node meanwhile waits for it instead of failing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lab } from '../../core/supervisor/lab';
import { SelfHeal, type SelfHealRestartEvent } from '../../core/supervisor/self-heal';
import { waitFor } from '../support/wait';
import { startTestCluster, stopTestCluster, type TestCluster } from '../support/test-cluster';

const DELAY_MS = 300;
let t: TestCluster | undefined;

beforeAll(async () => {
  t = await startTestCluster('self-heal', { nodes: 3, nodeArgs: ['--mode', 'paxos'] });
});

afterAll(async () => {
  await stopTestCluster(t);
});

const upAndRegistered = (id: string): boolean => {
  const v = t!.cluster.view(id);
  return v.lifecycle === 'up' && v.connected && v.port !== undefined;
};

describe('self-heal', () => {
  it('restarts a node killed with kill -9 from outside, after the delay, on a new process', async () => {
    const { cluster } = t!;
    const policy = new SelfHeal(cluster, DELAY_MS);
    try {
      const restarted = new Promise<SelfHealRestartEvent>((resolve) => policy.once('restarted', resolve));
      const before = cluster.view('n2').pid!;
      process.kill(before, 'SIGKILL');
      await waitFor('n2 seen down', () => (cluster.view('n2').lifecycle === 'exited' ? true : undefined), 10_000);
      const event = await restarted;
      expect(event.node).toBe('n2');
      expect(event.delayMs).toBe(DELAY_MS);
      expect(event.restartAtMs - event.crashAtMs).toBeGreaterThanOrEqual(DELAY_MS - 5);
      await waitFor('n2 up and registered again', () => (upAndRegistered('n2') ? true : undefined), 20_000);
      expect(cluster.view('n2').pid).not.toBe(before);
      // It reports status again from its new process.
      await waitFor('n2 reports', () => (cluster.view('n2').status !== undefined ? true : undefined), 10_000);
    } finally {
      policy.close();
    }
  });

  it('restarts a node the supervisor killed, and a heal racing it waits instead of failing', async () => {
    const { cluster } = t!;
    const policy = new SelfHeal(cluster, DELAY_MS);
    try {
      const ordered = new Promise<void>((resolve) => policy.once('restarting', () => resolve()));
      const restarted = new Promise<SelfHealRestartEvent>((resolve) => policy.once('restarted', resolve));
      await cluster.kill('n3');
      expect(cluster.view('n3').lifecycle).toBe('killed');
      await ordered;
      // The nemesis (or an instructor) heals the same node while the policy is starting it.
      await cluster.restart('n3');
      expect((await restarted).node).toBe('n3');
      await waitFor('n3 up and registered again', () => (upAndRegistered('n3') ? true : undefined), 20_000);
    } finally {
      policy.close();
    }
  });

  it('leaves a killed node down when the policy is off', async () => {
    const { cluster } = t!;
    const policy = new SelfHeal(cluster, DELAY_MS);
    policy.close(); // turned off again: nothing may restart from now on
    const restarts: string[] = [];
    policy.on('restarting', (r) => restarts.push(r.node));
    const pid = cluster.view('n2').pid!;
    process.kill(pid, 'SIGKILL');
    await waitFor('n2 seen down', () => (cluster.view('n2').lifecycle === 'exited' ? true : undefined), 10_000);
    // Well past the delay (and a restart's boot): still down, no restart ordered.
    await new Promise((r) => setTimeout(r, DELAY_MS * 3 + 1_500));
    expect(cluster.view('n2').lifecycle).toBe('exited');
    expect(restarts).toEqual([]);
    await cluster.restart('n2');
    expect(upAndRegistered('n2')).toBe(true);
  });

  it('refuses an unusable delay', () => {
    expect(() => new SelfHeal(t!.cluster, -1)).toThrow(/from 0 to/);
    expect(() => new SelfHeal(t!.cluster, 1.5)).toThrow(/integer/);
  });
});

describe('self-heal in the Lab (faultline serve --self-heal)', () => {
  it('starts with the policy on when created with a delay, keeps it across a reset, and says each restart on the timeline', async () => {
    const lab = await Lab.create({ nodes: 3, mode: 'paxos', selfHealMs: 300 });
    const lines: string[] = [];
    lab.on('record', (_kind, coded) => lines.push(coded.code));
    try {
      const info = await lab.start();
      expect(info.selfHealMs).toBe(300);
      process.kill(lab.cluster!.view('n1').pid!, 'SIGKILL');
      await waitFor('n1 seen down', () => (lab.cluster!.view('n1').lifecycle === 'exited' ? true : undefined), 10_000);
      await waitFor('n1 back by itself', () => (lab.cluster!.view('n1').lifecycle === 'up' && lab.cluster!.view('n1').connected ? true : undefined), 30_000);
      expect(lines).toContain('selfheal.restart');
      const again = await lab.reset();
      expect(again.selfHealMs).toBe(300);
      lab.setSelfHeal(null);
      expect(lab.clusterInfo.selfHealMs).toBeNull();
      expect(lines).toContain('selfheal.off');
    } finally {
      await lab.close();
    }
  }, 90_000);
});
