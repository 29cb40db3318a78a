import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseHistory } from '../../core/check/history';
import { checkLocks } from '../../core/check/locks';
import type { LockView, RingDetail, TxnView, VerdictView, WorkloadState } from '../../core/protocol/panel';
import { useClockStore } from '../../renderer/src/stores/clock';
import { useClusterStore } from '../../renderer/src/stores/cluster';
import { useWorkloadStore } from '../../renderer/src/stores/workload';
import {
  lockHolderTestId,
  lockLeaseTestId,
  lockRowTestId,
  lockTokenTestId,
  paxosCellTestId,
  paxosSlotTestId,
  ringLoadTestId,
  TID,
  txnDecidedByTestId,
  txnRowTestId,
  txnWaitingTestId,
  txnStateTestId,
} from '../../renderer/src/testids';
import LocksView from '../../renderer/src/views/Locks/LocksView.vue';
import PaxosView from '../../renderer/src/views/Paxos/PaxosView.vue';
import RingView from '../../renderer/src/views/Ring/RingView.vue';
import TransactionsView from '../../renderer/src/views/Transactions/TransactionsView.vue';
import VerdictViewComponent from '../../renderer/src/views/Verdict/VerdictView.vue';
import { freshPinia, mountView, nodeStatus, panelNode } from './support/panel-fixtures';

const sel = (id: string) => `[data-testid="${id}"]`;
let unmount: (() => void) | undefined;
afterEach(() => {
  unmount?.();
  unmount = undefined;
});

describe('Locks view', () => {
  const lock: LockView = {
    lock: 'lock0',
    holder: { owner: 'client-2', token: 7, ttlMs: 1_500, expiresAtMs: 11_000 },
    waiters: ['client-3', 'client-1'],
    grants: [
      { atMs: 4_000, owner: 'client-1', token: 6 },
      { atMs: 9_500, owner: 'client-2', token: 7 },
    ],
    resource: {
      accepted: 5,
      refused: 1,
      recent: [
        { atMs: 9_800, client: 2, token: 7, accepted: true },
        { atMs: 10_100, client: 1, token: 6, accepted: false },
      ],
    },
  };

  function setup(language: 'en' | 'zh-CN' = 'en') {
    const pinia = freshPinia();
    const cluster = useClusterStore();
    cluster.locks = [lock];
    const w = mountView(LocksView, pinia, language);
    unmount = () => {
      w.unmount();
      useClockStore().stop();
    };
    return w;
  }

  it('shows each lock with its holder, fencing token and waiters in order', () => {
    const w = setup();
    expect(w.find(sel(lockRowTestId('lock0'))).exists()).toBe(true);
    expect(w.find(sel(lockHolderTestId('lock0'))).text()).toBe('client-2');
    expect(w.find(sel(lockTokenTestId('lock0'))).text()).toBe('#7');
    expect(w.findAll('.waiters li').map((li) => li.text())).toEqual(['client-3', 'client-1']);
    // Newest grant first.
    expect(w.findAll('.grants li')[0]!.text()).toContain('client-2 got token 7');
  });

  it('makes a refused stale write visible, in words, apart from the accepted ones', () => {
    const w = setup();
    const refused = w.findAll(sel(TID.resourceWriteRefused));
    expect(refused).toHaveLength(1);
    expect(refused[0]!.text()).toContain('client 1, token 6: REFUSED');
    expect(refused[0]!.text()).toContain('✕');
    expect(w.findAll(sel(TID.resourceWriteAccepted))).toHaveLength(1);
    expect(w.text()).toContain('1 refused (stale token)');
  });

  it('counts the lease down on the supervisor clock and says when it has expired', async () => {
    const w = setup();
    const clock = useClockStore();
    clock.stop(); // the test sets the time itself
    clock.nowMs = 10_000;
    await w.vm.$nextTick();
    expect(w.find(sel(lockLeaseTestId('lock0'))).text()).toContain('1.0 s');
    clock.nowMs = 12_000;
    await w.vm.$nextTick();
    expect(w.find(sel(lockLeaseTestId('lock0'))).text()).toContain('expired');
  });

  it('speaks Chinese when the panel does', () => {
    const w = setup('zh-CN');
    expect(w.find(sel(TID.resourceWriteRefused)).text()).toContain('已拒绝');
    expect(w.text()).toContain('持有者');
  });
});

describe('Transactions view', () => {
  const base: Omit<TxnView, 'txn' | 'states' | 'blocked' | 'lastChangeAtMs'> = {
    coordinator: 'n1',
    participants: ['n2', 'n3'],
    phase: 'deciding',
    votes: { n2: 'yes', n3: 'yes' },
    decision: null,
    heldKeys: { n2: ['k1'], n3: ['k7'] },
    timeline: [{ atMs: 1_000, node: 'n2', state: 'prepared' }, { atMs: 2_000, node: 'n2', state: 'in-doubt' }],
    decidedBy: 'coordinator',
    firstSeenAtMs: 900,
  };
  const stuck: TxnView = { ...base, txn: 't1', states: { n2: 'in-doubt', n3: 'prepared' }, blocked: true, lastChangeAtMs: 2_000 };
  const done: TxnView = { ...base, txn: 't2', states: { n2: 'committed', n3: 'committed' }, decision: 'commit', phase: 'committing', blocked: false, heldKeys: {}, lastChangeAtMs: 5_000 };

  it('shows each participant’s vote and state, the in-doubt one loud, blocked transactions first with their keys', () => {
    const pinia = freshPinia();
    useClusterStore().txns = [done, stuck];
    const w = mountView(TransactionsView, pinia);
    unmount = () => w.unmount();
    const rows = w.findAll('[data-testid^="txn-row-"]');
    expect(rows.map((r) => r.attributes('data-testid'))).toEqual([txnRowTestId('t1'), txnRowTestId('t2')]);
    const doubt = w.find(sel(txnStateTestId('t1', 'n2')));
    expect(doubt.attributes('data-state')).toBe('in-doubt');
    expect(doubt.text()).toContain('⚠ IN DOUBT');
    expect(w.find(sel(txnStateTestId('t2', 'n3'))).text()).toContain('committed');
    expect(w.find(sel(TID.txnBlocked)).text()).toContain('k1, k7');
    expect(w.find(sel(txnRowTestId('t1'))).text()).toContain('BLOCKED');
    expect(w.find(sel(txnDecidedByTestId('t2'))).text()).toBe('(by the coordinator)');
  });

  it('shows a participant queued for a key by the lock policy', () => {
    const pinia = freshPinia();
    useClusterStore().txns = [{ ...stuck, txn: 't3', states: { n2: 'working', n3: 'prepared' }, blocked: false, heldKeys: { n3: ['k7'] }, waitingKeys: { n2: ['k1'] } }];
    const w = mountView(TransactionsView, pinia);
    unmount = () => w.unmount();
    expect(w.find(sel(txnWaitingTestId('t3', 'n2'))).text()).toBe('⏳ waits for k1');
  });

  it('says when the decision comes from the Paxos log (txn mode paxos)', () => {
    const pinia = freshPinia();
    useClusterStore().txns = [{ ...done, decision: 'abort', phase: null, states: { n2: 'aborted', n3: 'aborted' }, decidedBy: 'log' }];
    const w = mountView(TransactionsView, pinia);
    unmount = () => w.unmount();
    const by = w.find(sel(txnDecidedByTestId('t2')));
    expect(by.attributes('data-by')).toBe('log');
    expect(by.text()).toBe('(from the Paxos log)');
  });
});

describe('Paxos view', () => {
  it('shows the leader and ballot, and marks a slot chosen once a majority accepted it', () => {
    const pinia = freshPinia();
    const cluster = useClusterStore();
    const b = { round: 3, node: 'n1' };
    const slot = (s: number, state: 'accepted' | 'chosen' | 'applied') => ({ slot: s, state, ballot: b, summary: `kv write k${s}` });
    cluster.nodes = [
      panelNode('n1', nodeStatus('n1', {}, [slot(1, 'applied'), slot(2, 'accepted'), slot(3, 'accepted')])),
      panelNode('n2', nodeStatus('n2', {}, [slot(1, 'applied'), slot(2, 'accepted')])),
      panelNode('n3', nodeStatus('n3', {}, [slot(1, 'chosen')])),
    ];
    cluster.leader = { node: 'n1', ballot: b, followers: ['n2', 'n3'], sinceMs: 0, elections: 1, history: [] };
    const w = mountView(PaxosView, pinia);
    unmount = () => w.unmount();
    expect(w.find(sel(TID.paxosLeader)).text()).toContain('n1');
    expect(w.find(sel(TID.paxosBallot)).text()).toBe('3.n1');
    // Slot 2: accepted by 2 of 3 acceptors = a majority: chosen. Slot 3: 1 of 2 needed.
    expect(w.find(sel(paxosSlotTestId(2))).attributes('data-chosen')).toBe('yes');
    expect(w.find(sel(paxosSlotTestId(3))).attributes('data-chosen')).toBe('no');
    expect(w.find(sel(paxosSlotTestId(3))).text()).toContain('1/2');
    expect(w.find(sel(paxosCellTestId('n1', 1))).text()).toBe('✓');
    expect(w.find(sel(paxosCellTestId('n3', 1))).text()).toBe('C');
    expect(w.find(sel(paxosCellTestId('n3', 2))).text()).toBe('');
  });
});

describe('Ring view', () => {
  it('draws an arc per owner run, the keys, load per node and the keys that moved', () => {
    const pinia = freshPinia();
    const ring: RingDetail = {
      epoch: 2,
      members: [{ id: 'n1', weight: 1 }, { id: 'n2', weight: 1 }],
      vnodes: [
        { position: 100, node: 'n1' },
        { position: 2 ** 31, node: 'n2' },
        { position: 3 * 2 ** 30, node: 'n1' },
      ],
      ownership: { n1: 0.5, n2: 0.5 },
      load: { n1: 40, n2: 10 },
      keys: [{ key: 'k1', position: 5, owner: 'n1' }, { key: 'k2', position: 2 ** 30, owner: 'n2' }],
      moved: { atMs: 1_000, fromEpoch: 1, toEpoch: 2, keys: [{ key: 'k2', from: 'n1', to: 'n2' }] },
      pendingTransfers: 0,
    };
    useClusterStore().ring = ring;
    const w = mountView(RingView, pinia);
    unmount = () => w.unmount();
    // n1's last and first virtual nodes meet across 0: two runs, not three.
    expect(w.findAll('path.arc').map((p) => p.attributes('data-node'))).toEqual(['n1', 'n2']);
    expect(w.findAll('circle.key')).toHaveLength(2);
    expect(w.find(sel(ringLoadTestId('n1'))).text()).toContain('40 req/s');
    expect(w.find(sel(TID.ringMoved)).text()).toContain('k2: n1 → n2');
  });
});

describe('Verdict view', () => {
  const fixture = (name: string) => parseHistory(readFileSync(join(__dirname, '..', 'fixtures', 'histories', name), 'utf8'));
  const workloadWith = (verdict: VerdictView | null, phase: WorkloadState['phase'] = 'done'): WorkloadState => ({
    phase, run: 1, settings: null, startedAtMs: 0, endedAtMs: 10_000, live: null, verdict, error: null, historyOps: 8,
  });

  it('draws a broken guarantee’s evidence: both writes of the stale-token violation highlighted', () => {
    const pinia = freshPinia();
    const v = checkLocks(fixture('lock-invalid-stale-write.jsonl'));
    useWorkloadStore().set(workloadWith({
      valid: v.valid, model: v.model, summary: v.summary, evidence: v.evidence, evidenceOps: [],
      availability: { overall: 1, baseline: 1, duringFaults: null }, notes: [],
    }));
    const w = mountView(VerdictViewComponent, pinia);
    unmount = () => w.unmount();
    expect(w.find(sel(TID.verdictValid)).attributes('data-valid')).toBe('false');
    expect(w.find(sel(TID.verdictValid)).text()).toContain('Guarantee broken');
    const evidence = w.find(sel(TID.verdictEvidence));
    expect(evidence.exists()).toBe(true);
    expect(evidence.findAll('[data-highlight="yes"]')).toHaveLength(2);
    expect(evidence.text()).toContain('process 1');
    expect(w.find(sel(TID.historyDownload)).text()).toContain('8 operations');
  });

  it('says the guarantee held, and what to do before any run', () => {
    const pinia = freshPinia();
    const workload = useWorkloadStore();
    const w = mountView(VerdictViewComponent, pinia);
    unmount = () => w.unmount();
    expect(w.text()).toContain('No workload has run yet');
    workload.set(workloadWith({
      valid: true, model: 'register', summary: 'Linearizable.', evidenceOps: [],
      availability: { overall: 0.98, baseline: 1, duringFaults: 0.9 }, notes: [],
    }));
    return w.vm.$nextTick().then(() => {
      expect(w.find(sel(TID.verdictValid)).text()).toContain('Guarantee held');
      expect(w.find(sel(TID.verdictEvidence)).exists()).toBe(false);
      expect(w.text()).toContain('overall 98.0 %');
    });
  });
});
