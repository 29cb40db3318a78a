/**
 * Protocol-shaped data for tests (stores, components, views): a running cluster as the
 * supervisor would describe it. Not imported by the panel itself.
 */
import type { NodeStatus, PanelNode, PanelState, WorkloadState } from '../../../core/protocol/panel';

export function nodeStatus(id: string, over: Partial<NodeStatus> = {}): NodeStatus {
  return {
    id,
    mode: 'paxos',
    clockMs: 1_000,
    skewMs: 0,
    timeScale: 1,
    paxos: { id, role: id === 'n1' ? 'leader' : 'follower', ballot: { round: 1, node: 'n1' }, promised: { round: 1, node: 'n1' }, leader: 'n1', chosenUpTo: 10, appliedUpTo: 10, lastAcceptedSlot: 10 },
    log: [{ slot: 10, state: 'applied', ballot: { round: 1, node: 'n1' }, summary: 'kv write k1' }],
    locks: [],
    txns: { id, mode: 'classic', coordinating: [], participating: [], locks: {} },
    ring: { epoch: 1, members: [{ id, weight: 1 }], replMembers: [], pendingTransfers: 0, learner: false },
    suspicion: {},
    transport: { sent: 0, received: 0, unconnected: 0, faultDropped: 0, backpressureDropped: 0, oversized: 0, refused: 0, peers: [] },
    durable: { records: 0, bytes: 0, compactions: 0, snapshotFloor: 0 },
    ...over,
  };
}

export function panelNode(id: string, over: Partial<PanelNode> = {}): PanelNode {
  return {
    id,
    lifecycle: 'up',
    pid: 1000 + Number(id.replace(/\D/g, '') || 0),
    port: 7000,
    connected: true,
    founder: true,
    status: nodeStatus(id),
    statusAtMs: 1_000,
    metrics: { cpuPercent: 12, rssBytes: 80 * 1_048_576, requestsPerSec: 30 },
    skewMs: 0,
    suspected: false,
    ...over,
  };
}

export const idleWorkload: WorkloadState = {
  phase: 'idle', run: 0, settings: null, startedAtMs: null, endedAtMs: null, live: null, verdict: null, error: null, historyOps: 0,
};

export function panelState(ids: readonly string[] = ['n1', 'n2', 'n3'], over: Partial<PanelState> = {}): PanelState {
  return {
    protocol: 2,
    cluster: {
      state: 'running', generation: 1, nodes: ids.length, mode: 'paxos', txnMode: 'classic', lockPolicy: 'no-wait', timeScale: 1, dataKept: false,
      progress: [], startedAtMs: 0, readyAtMs: 500, leaderAtMs: 800, error: null,
    },
    nodes: ids.map((id) => panelNode(id)),
    links: [],
    leader: { node: 'n1', ballot: { round: 1, node: 'n1' }, followers: ids.filter((i) => i !== 'n1'), sinceMs: 800, elections: 1, history: [] },
    ring: null,
    locks: [],
    txns: [],
    workload: idleWorkload,
    histories: { windowMs: 300_000, stepMs: 1_000, phiThreshold: 8, nodes: [], workload: [] },
    messages: [],
    timeline: [{ atMs: 800, kind: 'leader', code: 'leader.elected', params: { node: 'n1', ballot: '1.n1' }, text: 'n1 leads (ballot 1.n1)', node: 'n1' }],
    ...over,
  };
}
