/**
 * A 2PC coordinator killed after the votes, on real node processes (3 nodes, time x10, so
 * 2PC decides within 10 s and a participant is in doubt after 3 s):
 *  - classic: the participants stay in doubt, holding their locks, for as long as the
 *    coordinator is down (blocking), and finish the same way once it restarts from its disk;
 *  - paxos: the decision is a value in the nodes' Paxos log; an in-doubt participant
 *    proposes abort, the log orders one decision, and both participants adopt it while
 *    the coordinator is still down (non-blocking);
 *  - 3pc: the participants, uncertain (no pre-commit came), poll each other, elect the
 *    lower id and abort together while the coordinator is still down (non-blocking).
 * How the moment is made: every message the coordinator sends is delayed 2 s, so its
 * decision (classic) or its commit proposal (paxos) is still in its outbound queue when it
 * is killed, right after both participants voted yes (their votes are not delayed).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { HashRing } from '../../core/algorithms/ring';
import { NodeClient } from '../../core/supervisor/node-client';
import type { NodeTxnStatus } from '../../core/protocol/panel';
import { waitFor } from '../support/wait';
import { startTestCluster, stopTestCluster, type TestCluster } from '../support/test-cluster';

type Participation = NodeTxnStatus['participating'][number];

function keyHomedOn(ring: HashRing, node: string): string {
  for (let i = 0; i < 10_000; i++) if (ring.owner(`ck${i}`) === node) return `ck${i}`;
  throw new Error(`no key homed on ${node}`);
}

describe.each(['classic', 'paxos', '3pc'] as const)('txn mode %s: the coordinator killed after the votes', (mode) => {
  let t: TestCluster | undefined;
  afterEach(() => stopTestCluster(t), 60_000);

  const title = {
    classic: 'blocks: participants stay in doubt until the coordinator is back',
    paxos: 'does not block: participants adopt the log\u2019s decision while the coordinator is down',
    '3pc': 'does not block: the participants decide among themselves (termination protocol) while the coordinator is down',
  }[mode];
  it(title, async () => {
    t = await startTestCluster(`txn-kill-${mode}`, { nodes: 3, nodeArgs: ['--mode', 'quorum', '--txn-mode', mode], timeScale: 10 });
    const { cluster, tracker } = t;
    const leader = await waitFor('a Paxos leader', () => tracker.leader(), 40_000, 200);
    const coordinator = cluster.ids.find((id) => id !== leader)!;
    const [a, b] = cluster.ids.filter((id) => id !== coordinator) as [string, string];
    const ring = new HashRing();
    for (const id of cluster.ids) ring.add(id);
    const keyA = keyHomedOn(ring, a);
    const keyB = keyHomedOn(ring, b);
    const txns = (id: string): NodeTxnStatus | undefined => cluster.view(id).status?.['txns'] as NodeTxnStatus | undefined;
    const mine = (id: string): Participation | undefined => txns(id)?.participating.find((p) => p.coordinator === coordinator);

    for (const peer of [a, b]) cluster.setLinkFault(coordinator, peer, { delayMs: 2_000 });
    const port = cluster.endpoints().find((e) => e.id === coordinator)!.port;
    const client = await NodeClient.connect(`ws://127.0.0.1:${port}/client`, cluster.token, 'txn-kill');
    const reply = client.request({ type: 'txn', ops: [['append', keyA, 1], ['append', keyB, 2]] }, 60_000).catch(() => undefined);

    // Both participants voted yes (prepared): the votes reach the coordinator at once.
    const txn = await waitFor('both participants prepared', () => {
      const pa = mine(a);
      const pb = mine(b);
      return pa?.state === 'prepared' && pb?.state === 'prepared' && pa.txn === pb.txn ? pa.txn : undefined;
    }, 30_000, 50);
    await new Promise((r) => setTimeout(r, 300));
    await cluster.kill(coordinator);
    client.close();
    await reply;
    cluster.heal();
    const stateOf = (id: string): Participation['state'] | undefined => txns(id)?.participating.find((p) => p.txn === txn)?.state;

    if (mode === 'classic') {
      // In doubt (after 3 s at x10) and still in doubt well after: nobody may decide alone.
      await waitFor('both participants in doubt', () => (stateOf(a) === 'in-doubt' && stateOf(b) === 'in-doubt' ? true : undefined), 15_000, 100);
      await new Promise((r) => setTimeout(r, 8_000));
      expect([stateOf(a), stateOf(b)]).toEqual(['in-doubt', 'in-doubt']);
      expect(txns(a)?.locks[keyA]).toBe(txn);
      expect(txns(b)?.locks[keyB]).toBe(txn);
      // The coordinator restarts from its disk and finishes it; both the same way.
      await cluster.restart(coordinator);
      const outcomes = await waitFor('both participants finished', () => {
        const sa = stateOf(a);
        const sb = stateOf(b);
        return (sa === 'committed' || sa === 'aborted') && (sb === 'committed' || sb === 'aborted') ? [sa, sb] : undefined;
      }, 40_000, 100);
      expect(outcomes[0]).toBe(outcomes[1]);
    } else {
      // The coordinator stays down; the participants finish anyway, both the same way.
      const outcomes = await waitFor('both participants finished without the coordinator', () => {
        const sa = stateOf(a);
        const sb = stateOf(b);
        return (sa === 'committed' || sa === 'aborted') && (sb === 'committed' || sb === 'aborted') ? [sa, sb] : undefined;
      }, 30_000, 100);
      expect(cluster.view(coordinator).lifecycle).not.toBe('up');
      expect(outcomes[0]).toBe(outcomes[1]);
      expect(txns(a)?.locks[keyA]).toBeUndefined();
      expect(txns(b)?.locks[keyB]).toBeUndefined();
    }
  }, 150_000);
});
