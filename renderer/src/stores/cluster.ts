/**
 * The cluster as the supervisor last described it: lifecycle and progress, nodes, link
 * faults, leader, ring, locks, transactions and the timeline. A thin view: every field is
 * replaced by what arrives (shallowRef, never deep-watched), nothing is derived here that the
 * supervisor does not send, except lookups.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { ClusterInfo, LeaderSummary, LinkState, LockView, PanelNode, PanelState, RingDetail, TimelineEntry, TxnView } from '../../../core/protocol/panel';

/** The timeline shows the latest entries; older ones fall off. */
export const TIMELINE_CAPACITY = 500;

const emptyCluster: ClusterInfo = {
  state: 'stopped', generation: 0, nodes: 0, mode: 'paxos', txnMode: 'classic', lockPolicy: 'no-wait', timeScale: 1, dataKept: false,
  progress: [], startedAtMs: null, readyAtMs: null, leaderAtMs: null, error: null,
};
const emptyLeader: LeaderSummary = { node: null, ballot: null, followers: [], sinceMs: null, elections: 0, history: [] };

export const useClusterStore = defineStore('cluster', () => {
  const cluster = shallowRef<ClusterInfo>(emptyCluster);
  const nodes = shallowRef<readonly PanelNode[]>([]);
  const links = shallowRef<readonly LinkState[]>([]);
  const leader = shallowRef<LeaderSummary>(emptyLeader);
  const ring = shallowRef<RingDetail | null>(null);
  const locks = shallowRef<readonly LockView[]>([]);
  const txns = shallowRef<readonly TxnView[]>([]);
  const timeline = shallowRef<readonly TimelineEntry[]>([]);
  /** Supervisor time minus this page's performance.now(), from the latest frame (for countdowns). */
  const clockOffsetMs = ref(0);

  const byId = computed(() => new Map(nodes.value.map((n) => [n.id, n])));
  /** Links with a fault, keyed `from>to`. */
  const linkByKey = computed(() => new Map(links.value.map((l) => [`${l.from}>${l.to}`, l])));

  function sync(nowMs: number): void {
    clockOffsetMs.value = nowMs - performance.now();
  }
  /** The supervisor's clock now, on the panel's one time base. */
  function serverNow(): number {
    return performance.now() + clockOffsetMs.value;
  }

  function reset(state: PanelState): void {
    cluster.value = state.cluster;
    nodes.value = [...state.nodes];
    links.value = state.links;
    leader.value = state.leader;
    ring.value = state.ring;
    locks.value = state.locks;
    txns.value = state.txns;
    timeline.value = state.timeline.slice(-TIMELINE_CAPACITY);
  }

  function upsertNode(node: PanelNode): void {
    const i = nodes.value.findIndex((n) => n.id === node.id);
    const next = [...nodes.value];
    if (i < 0) next.push(node);
    else next[i] = node;
    nodes.value = next;
  }

  function removeNode(id: string): void {
    nodes.value = nodes.value.filter((n) => n.id !== id);
  }

  function addTimeline(entries: readonly TimelineEntry[]): void {
    if (entries.length === 0) return;
    const next = timeline.value.concat(entries);
    timeline.value = next.length > TIMELINE_CAPACITY ? next.slice(-TIMELINE_CAPACITY) : next;
  }

  return {
    cluster, nodes, links, leader, ring, locks, txns, timeline, clockOffsetMs, byId, linkByKey,
    sync, serverNow, reset, upsertNode, removeNode, addTimeline,
  };
});
