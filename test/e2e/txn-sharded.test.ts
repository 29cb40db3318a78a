/**
 * The Transactions view in txn mode sharded, in a real browser against a real `faultline
 * serve`: a txn workload on 5 nodes started with --txn-mode sharded (the cluster bar's
 * Transactions select sends the same setting), and every participant on screen is a shard
 * group named with the node leading it ("s3 · led by n2"), in English and in Chinese.
 */
import { beforeAll, expect, it } from 'vitest';
import type { PanelSocket } from '../../core/bench/browser/panel-socket';
import { TID, tabTestId } from '../../renderer/src/testids';
import { screenshot } from './support/artifacts';
import { ready, workloadSettled } from './support/cluster';
import { describeE2E } from './support/e2e';
import { useE2ELab } from './support/lab-fixture';
import { attr, pageProblems, seeOnScreen, type PanelPage } from './support/panel-page';

describeE2E('the panel: 2PC over Paxos-replicated shards (5 real nodes)', () => {
  const lab = useE2ELab();
  let sock: PanelSocket;
  let panel: PanelPage;
  beforeAll(() => {
    ({ sock, panel } = lab);
  });

  it('shows each participant as a shard group with its leader', async () => {
    const before = sock.state()?.cluster.generation ?? 0;
    await workloadSettled(sock);
    await sock.must({ kind: 'cluster-reset', nodes: 5, mode: 'paxos', timeScale: 1, txnMode: 'sharded' }, 90_000);
    await sock.until('a fresh sharded cluster, every node up, a leader', (s) => (s.cluster.txnMode === 'sharded' ? ready(s, before) : undefined), 90_000);
    await panel.byId(TID.workloadKind).selectOption('txn');
    await panel.byId(TID.workloadRate).fill('20');
    await panel.byId(TID.workloadStart).click();
    await panel.byId(tabTestId('transactions')).click();
    const view = panel.byId(TID.txnsView);
    const led = await seeOnScreen('a participant shown as a shard led by a node', async () => /s\d+ · led by n\d/.exec(await view.innerText().catch(() => ''))?.[0] ?? '', (v) => v !== '', 60_000);
    expect(led).toMatch(/^s\d+ · led by n[1-5]$/);
    await screenshot(panel.page, 'transactions-sharded-en');
    await panel.byId(TID.langSwitch).click();
    await seeOnScreen('the same in Chinese', async () => /s\d+ · 领导者 n\d/.test(await view.innerText().catch(() => '')), (v) => v, 30_000);
    await screenshot(panel.page, 'transactions-sharded-zh-CN');
    await panel.byId(TID.langSwitch).click();
    await panel.byId(TID.workloadStop).click();
    await seeOnScreen('the run checked', () => attr(panel, TID.workloadPhase, 'data-phase'), (v) => v === 'done', 90_000);
    expect(await pageProblems(panel)).toEqual([]);
  });
});
