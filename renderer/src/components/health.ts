/**
 * A node's health as the panel shows it, at the cluster level: lifecycle first (a process
 * that runs and answers its supervisor is up; a killed one is down whatever its peers think),
 * then reach. Suspicion is per observer: in a partition every node is suspected by someone on
 * the other side, so "suspected" alone would call the whole cluster broken. A running node is
 * `isolated` (cut off) only when most of its live peers suspect it; otherwise it is up, and who
 * suspects it (or whom it cannot reach) is said beside it, per link (`nodeReach`).
 */
import type { ClusterState, PanelNode } from '../../../core/protocol/panel';
import { byNodeOrder } from './partitions';
import { unreachable } from './unreachable';

export const HEALTH_STATES = ['up', 'isolated', 'paused', 'down', 'starting', 'stopped'] as const;
export type Health = (typeof HEALTH_STATES)[number];

/** What the node's live peers say about it (a peer is live when its process is up and reporting). */
export interface Reach {
  /** Live peers that suspect it (phi over the threshold on their side). */
  readonly suspectedBy: readonly string[];
  /** Live peers it cannot talk with: they suspect it, or it suspects them. */
  readonly cutOffFrom: readonly string[];
  /** How many live peers report about it (the "of N" in "suspected by 2 of 4 peers"). */
  readonly livePeers: number;
}

export const NO_REACH: Reach = { suspectedBy: [], cutOffFrom: [], livePeers: 0 };

/** Each node's reach, from every live node's suspicion table. */
export function clusterReach(nodes: readonly PanelNode[]): Map<string, Reach> {
  const live = nodes.filter((n) => n.lifecycle === 'up' && n.status !== undefined);
  const suspects = (observer: PanelNode, id: string) => observer.status?.suspicion[id]?.suspected === true;
  const out = new Map<string, Reach>();
  for (const node of nodes) {
    const peers = live.filter((p) => p.id !== node.id);
    const suspectedBy = peers.filter((p) => suspects(p, node.id)).map((p) => p.id);
    const cutOffFrom = node.lifecycle === 'up' ? peers.filter((p) => suspects(p, node.id) || suspects(node, p.id)).map((p) => p.id) : suspectedBy;
    out.set(node.id, { suspectedBy: suspectedBy.sort(byNodeOrder), cutOffFrom: cutOffFrom.sort(byNodeOrder), livePeers: peers.length });
  }
  return out;
}

/** Most of its live peers suspect it (more than half: 3 of 4, not 2 of 4). */
export function cutOff(reach: Reach): boolean {
  return reach.livePeers > 0 && reach.suspectedBy.length * 2 > reach.livePeers;
}

export function nodeHealth(node: PanelNode, cluster: ClusterState = 'running', reach: Reach = NO_REACH): Health {
  if (cluster === 'stopped') return 'stopped';
  switch (node.lifecycle) {
    case 'starting':
      return 'starting';
    case 'paused':
      return 'paused';
    case 'killed':
    case 'exited':
      return 'down';
    case 'stopped':
      return 'stopped';
    case 'up':
      return cutOff(reach) ? 'isolated' : 'up';
    default:
      return unreachable(node.lifecycle);
  }
}

/** Its process runs (up or cut off): what the summary counts as up. */
export function processUp(h: Health): boolean {
  return h === 'up' || h === 'isolated';
}

/** The CSS class carrying the state's colour (style/theme.css). */
export function healthClass(h: Health): string {
  switch (h) {
    case 'up':
      return 'h-ok';
    case 'isolated':
    case 'starting':
      return 'h-warn';
    case 'paused':
      return 'h-paused';
    case 'down':
      return 'h-bad';
    case 'stopped':
      return 'h-off';
    default:
      return unreachable(h);
  }
}

/** A mark that says the state without colour: ✓ up, ⊘ cut off, ‖ paused, ✕ down. */
export function healthGlyph(h: Health): string {
  switch (h) {
    case 'up':
      return '✓';
    case 'isolated':
      return '⊘';
    case 'paused':
      return '‖';
    case 'down':
      return '✕';
    case 'starting':
      return '…';
    case 'stopped':
      return '■';
    default:
      return unreachable(h);
  }
}

/** The node's Paxos role, or learner for a node added later. */
export function nodeRole(node: PanelNode): 'leader' | 'follower' | 'candidate' | 'learner' | null {
  if (node.status === undefined) return null;
  if (!node.founder) return 'learner';
  return node.status.paxos.role;
}
