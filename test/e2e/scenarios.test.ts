/**
 * Three lessons of the lab, each set up by a recipe that produces its outcome every time,
 * and read from the screen: a frozen lock holder's stale write refused by its fencing
 * token; 2PC participants left in doubt by a coordinator killed between the votes and the
 * decision; an async-mode cluster losing acknowledged writes, with the checker's evidence.
 * One serve for the file; each case starts from a fresh cluster (the panel's reset).
 */
import { beforeAll, expect, it } from 'vitest';
import type { PanelState } from '../../core/protocol/panel';
import type { PanelSocket } from '../../core/bench/browser/panel-socket';
import { useE2ELab } from './support/lab-fixture';
import { TID, lockRowTestId, nodeButtonTestId, nodeStateTestId, nodeTestId, tabTestId, txnStateTestId } from '../../renderer/src/testids';
import { screenshot } from './support/artifacts';
import { calm, freshCluster } from './support/cluster';
import { describeE2E } from './support/e2e';
import { attr, pageProblems, seeOnScreen, type PanelPage } from './support/panel-page';

describeE2E('the panel: locks, 2PC and async replication under faults (5 real nodes)', () => {
  const lab = useE2ELab();
  let sock: PanelSocket;
  let panel: PanelPage;
  beforeAll(() => {
    ({ sock, panel } = lab);
  });

  /** Kills a node the way the instructor does: click it, press its kill button. */
  async function killFromDetail(node: string): Promise<void> {
    await panel.byId(nodeTestId(node)).click();
    await panel.byId(nodeButtonTestId('kill', node)).click();
    await seeOnScreen(`${node} down`, () => attr(panel, nodeStateTestId(node), 'data-health'), (v) => v === 'down', 10_000);
    await panel.byId(TID.nodeDetailClose).click();
  }

  /** Delays everything `node` sends to each other node (the sender holds the messages, so a kill loses them). */
  async function delayOutbound(node: string, delayMs: number): Promise<void> {
    for (const peer of sock.state()!.nodes.map((n) => n.id).filter((id) => id !== node)) {
      await sock.must({ kind: 'link-fault', from: node, fault: { to: peer, delayMs } });
    }
  }

  it('a lock client frozen (SIGSTOP) past its lease: a new holder with a higher token, and the stale write refused', async () => {
    await freshCluster(sock, { mode: 'paxos' });
    // Client 0 runs as its own process; after each grant it is frozen with SIGSTOP for
    // 4 s, well past its 1.5 s lease, then writes with the token it had. The next
    // waiter is granted the lock (a higher token) meanwhile, so the late write is stale.
    await panel.byId(TID.workloadKind).selectOption('lock');
    await panel.byId(TID.workloadRate).fill('20');
    await panel.byId(TID.workloadClients).fill('4');
    await panel.byId(TID.workloadOptions).click();
    await panel.byId(TID.workloadTtl).fill('1500');
    await panel.byId(TID.workloadGcPause).fill('4000');
    await panel.byId(TID.workloadGcSigstop).check();
    await panel.byId(TID.workloadFencing).check();
    await panel.byId(TID.workloadStart).click();
    await sock.until('the lock workload running', (s: PanelState) => (s.workload.phase === 'running' && s.workload.settings?.gcSigstop === true ? true : undefined), 20_000);
    await panel.byId(tabTestId('locks')).click();
    // Read from the lock's card: the resource's count of refused stale writes (it only
    // grows), and the grants, newest first: client 0 got token A, and while it was frozen
    // another client got the lock with a higher token B. Single refused lines scroll away
    // as accepted writes arrive, so the count is what is certain to stay on screen.
    const card = panel.byId(lockRowTestId('lock0'));
    const refusedCount = await seeOnScreen(
      'a refused stale write',
      async () => Number(/(\d+) refused/.exec(await card.innerText().catch(() => ''))?.[1] ?? 0),
      (n) => n >= 1,
      45_000,
    );
    expect(refusedCount).toBeGreaterThanOrEqual(1);
    const overtaken = await seeOnScreen(
      'client 0 overtaken by a higher token',
      async () => {
        const grants = [...(await card.innerText().catch(() => '')).matchAll(/(\S+) got token (\d+)/g)].map((m) => ({ owner: m[1]!, token: Number(m[2]) }));
        const i = grants.findIndex((g) => /-c0$/.test(g.owner));
        return i > 0 && grants.slice(0, i).some((g) => !/-c0$/.test(g.owner) && g.token > grants[i]!.token) ? grants : null;
      },
      (v) => v !== null,
      45_000,
    );
    expect(overtaken).not.toBeNull();
    await screenshot(panel.page, 'locks-stale-write-refused-en');
    await panel.byId(TID.workloadStop).click();
    await seeOnScreen('the run checked', () => attr(panel, TID.workloadPhase, 'data-phase'), (v) => v === 'done', 60_000);
    expect(await pageProblems(panel)).toEqual([]);
  });

  /** Starts a txn workload, slows the least-used coordinator and waits for a participant prepared through the delay. */
  async function findInDoubtMoment(timeoutMs: number): Promise<{ txn: string; participant: string; coordinator: string }> {
    await panel.byId(TID.workloadKind).selectOption('txn');
    // One client: its transactions run one at a time, so a transaction the slowed coordinator
    // runs (9 s at time x10) meets no lock conflict and no abort (with two, both clients'
    // transactions at the slowed node could abort each other under no-wait locking: the
    // setup then found no moment in about one CI run of five).
    await panel.byId(TID.workloadClients).fill('1');
    await panel.byId(TID.workloadStart).click();
    // The coordinator: the node home to the fewest of the workload's keys (none, usually),
    // seen from the participants of its first 30 transactions, so slowing it slows only
    // the transactions it coordinates (the node a client asks coordinates).
    const seen = new Set<string>();
    const homes = new Map<string, Set<string>>();
    const home = (node: string): Set<string> => homes.get(node) ?? (homes.set(node, new Set()), homes.get(node)!);
    await sock.until(
      '30 transactions',
      (s: PanelState) => {
        for (const t of s.txns) {
          if (seen.has(t.txn)) continue;
          seen.add(t.txn);
          for (const [node, keys] of Object.entries(t.heldKeys)) for (const k of keys) home(node).add(k);
          for (const node of t.participants) if (home(node).size === 0) home(node).add('(some key)');
        }
        return seen.size >= 30 ? true : undefined;
      },
      60_000,
    );
    const coordinator = sock.state()!.nodes.map((n) => n.id).sort((a, b) => (homes.get(a)?.size ?? 0) - (homes.get(b)?.size ?? 0))[0]!;
    await delayOutbound(coordinator, 3_000);
    // The moment: a transaction this node coordinates, with another node prepared (voted
    // yes) whose prepare reached it about 3 s after it was sent (so it went through the
    // delay, and so will the decision), and no decision delivered yet: none yet, or one the
    // coordinator took in the last 1.5 s, which still sits in its outbound queue for 3 s.
    // (The votes are not delayed, so the coordinator decides a millisecond after the last
    // one arrives: the panel usually sees the decision before it sees the participant
    // prepared, and waiting for "prepared and undecided" alone was a race the setup lost
    // about one run in three.) A transaction begun before the delay does not qualify.
    // What the slowed node's transactions did, for the message when no moment comes.
    const seenThere = new Map<string, string>();
    const describe = (): string =>
      `${coordinator} coordinated ${seenThere.size} transaction(s) after the delay: ${[...seenThere.entries()].slice(-8).map(([id, what]) => `${id} ${what}`).join('; ')}`;
    return sock.until(
      'a participant prepared through the delayed link',
      (s: PanelState) => {
        for (const t of s.txns) {
          if (t.coordinator === coordinator) seenThere.set(t.txn, `${t.phase ?? '-'}/${t.decision ?? 'undecided'} ${t.timeline.map((e) => `${e.node}:${e.state}@${e.atMs - t.firstSeenAtMs}`).join(',')}`);
          if (t.coordinator !== coordinator) continue;
          // "Now" on the lab's clock: the latest change the panel has seen.
          const now = Math.max(...s.txns.map((x) => x.lastChangeAtMs));
          const decided = t.timeline.find((e) => e.node === coordinator && (e.state === 'committing' || e.state === 'aborting'));
          const delivered = t.timeline.some((e) => e.node !== coordinator && (e.state === 'committed' || e.state === 'aborted'));
          if (t.decision === 'split' || delivered || (decided !== undefined && now - decided.atMs > 1_500)) continue;
          const sent = t.timeline.find((e) => e.node === coordinator && e.state === 'preparing');
          const p = t.participants.find((n) => {
            const prepared = t.timeline.find((e) => e.node === n && e.state === 'prepared');
            return n !== coordinator && t.states[n] === 'prepared' && sent !== undefined && prepared !== undefined && prepared.atMs - sent.atMs >= 2_000;
          });
          if (p !== undefined) return { txn: t.txn, participant: p, coordinator };
        }
        return undefined;
      },
      timeoutMs,
    ).catch((e: unknown) => {
      throw new Error(`${(e as Error).message}; ${describe()}`);
    });
  }

  it('a 2PC coordinator killed after the yes votes, before its decision reaches the participants, leaves them in doubt', async () => {
    // Time x10: the coordinator decides within 10 s, so a 3 s delay on everything it sends
    // leaves 3 s between a participant's yes vote and the decision's arrival; the sender
    // holds delayed messages, so killing it then loses the decision for good.
    await freshCluster(sock, { mode: 'paxos', timeScale: 10 });
    // The setup finds the moment; the outcome after it is certain. A moment can fail to come
    // (seen in CI, about one run in five: every transaction the slowed node coordinated
    // aborted before a participant voted), so the setup is tried again from a calm cluster,
    // at most three times, each bounded; the assertions below run once, on the moment found.
    let caught: { txn: string; participant: string; coordinator: string } | undefined;
    for (let attempt = 1; caught === undefined && attempt <= 3; attempt++) {
      if (attempt > 1) await calm(sock);
      caught = await findInDoubtMoment(attempt === 3 ? 60_000 : 30_000).catch((e: unknown) => {
        if (attempt === 3) throw e;
        console.warn(`attempt ${attempt}: ${(e as Error).message}`);
        return undefined;
      });
    }
    if (caught === undefined) throw new Error('no in-doubt moment found in three attempts');
    const { coordinator } = caught;
    // Killed at once over the socket (the 3 s window must not depend on how fast the page
    // answers a click); the screen shows it down and the participants left behind.
    await sock.must({ kind: 'kill', node: coordinator });
    await seeOnScreen(`${coordinator} down`, () => attr(panel, nodeStateTestId(coordinator), 'data-health'), (v) => v === 'down', 10_000);
    await panel.byId(tabTestId('transactions')).click();
    await seeOnScreen(
      `${caught.participant} in doubt for ${caught.txn}`,
      () => attr(panel, txnStateTestId(caught.txn, caught.participant), 'data-state'),
      (v) => v === 'in-doubt',
      30_000,
    );
    await panel.byId(TID.txnBlocked).waitFor({ state: 'visible', timeout: 30_000 });
    await screenshot(panel.page, 'transactions-in-doubt-en');
    await panel.byId(TID.workloadStop).click();
    expect(await pageProblems(panel)).toEqual([]);
  }, 240_000); // up to three bounded attempts at the moment

  it('async mode: a primary killed right after acknowledging loses the writes, and the checker shows the evidence', async () => {
    await freshCluster(sock, { mode: 'async' });
    // The ring shows sample keys until the workload's own keys are seen.
    const sampleKeys = new Set((sock.state()?.ring?.keys ?? []).map((k) => k.key));
    await panel.byId(TID.workloadKind).selectOption('register');
    await panel.byId(TID.workloadRate).fill('50');
    await panel.byId(TID.workloadClients).fill('4');
    await panel.byId(TID.workloadStart).click();
    // The primary: the node that owns the most keys the workload writes (first on the ring).
    const primary = await sock.until('the workload keys on the ring', (s: PanelState) => {
      const keys = (s.ring?.keys ?? []).filter((k) => !sampleKeys.has(k.key));
      if (keys.length < 3) return undefined;
      const count = new Map<string, number>();
      for (const k of keys) count.set(k.owner, (count.get(k.owner) ?? 0) + 1);
      return [...count.entries()].sort((a, b) => b[1] - a[1])[0]![0];
    }, 30_000);
    // Its copies (and its answers to other nodes) are held back 20 s: it keeps acknowledging
    // its own clients' writes while the rest of the cluster, no longer hearing it, serves
    // the older values from the next replica. Then it dies with the copies unsent.
    await delayOutbound(primary, 20_000);
    await new Promise((r) => setTimeout(r, 5_000));
    await killFromDetail(primary);
    await new Promise((r) => setTimeout(r, 3_000));
    await panel.byId(TID.workloadStop).click();
    await panel.byId(tabTestId('verdict')).click();
    await seeOnScreen('the verdict: broken', () => attr(panel, TID.verdictValid, 'data-valid'), (v) => v === 'false', 90_000);
    const evidence = panel.byId(TID.verdictEvidence);
    await evidence.waitFor({ state: 'visible' });
    expect(await evidence.locator('[data-highlight="yes"]').count()).toBeGreaterThan(0);
    await screenshot(panel.page, 'verdict-async-lost-write-en');
    expect(await pageProblems(panel)).toEqual([]);
  });
});
