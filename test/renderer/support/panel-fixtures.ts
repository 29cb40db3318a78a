/**
 * Store data as the supervisor would send it (core/protocol/panel.ts types), for view tests,
 * and a mount that gives a view the page's own Pinia and vue-i18n.
 */
import { mount, type ComponentMountingOptions } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import type { Component } from 'vue';
import type { LogSlot, NodeStatus, PanelNode } from '../../../core/protocol/panel';
import { createPanelI18n } from '../../../renderer/src/i18n';
import type { Language } from '../../../renderer/src/i18n/types';

export function freshPinia(): Pinia {
  const pinia = createPinia();
  setActivePinia(pinia);
  return pinia;
}

export function mountView<C extends Component>(view: C, pinia: Pinia, language: Language = 'en', options: ComponentMountingOptions<C> = {}) {
  const i18n = createPanelI18n(language);
  return mount(view, { ...options, global: { plugins: [pinia, i18n], ...(options.global ?? {}) } } as ComponentMountingOptions<C>);
}

export function nodeStatus(id: string, over: Partial<NodeStatus> = {}, log: LogSlot[] = []): NodeStatus {
  return {
    id,
    mode: 'paxos',
    clockMs: 0,
    skewMs: 0,
    timeScale: 1,
    paxos: { id, role: 'follower', ballot: { round: 1, node: 'n1' }, promised: { round: 1, node: 'n1' }, leader: 'n1', chosenUpTo: 0, appliedUpTo: 0, lastAcceptedSlot: 0 },
    log,
    locks: [],
    txns: { id, mode: 'classic', coordinating: [], participating: [], locks: {} },
    ring: { epoch: 0, members: [], replMembers: [], pendingTransfers: 0, learner: false },
    suspicion: {},
    transport: { sent: 0, received: 0, unconnected: 0, faultDropped: 0, backpressureDropped: 0, oversized: 0, refused: 0, peers: [] },
    durable: { records: 0, bytes: 0, compactions: 0, snapshotFloor: 0 },
    ...over,
  };
}

export function panelNode(id: string, status?: NodeStatus, over: Partial<PanelNode> = {}): PanelNode {
  return {
    id,
    lifecycle: 'up',
    pid: 1000,
    port: 4000,
    connected: true,
    founder: true,
    status,
    statusAtMs: 0,
    metrics: undefined,
    skewMs: 0,
    suspected: false,
    ...over,
  };
}
