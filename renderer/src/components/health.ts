/**
 * A node's health as the panel shows it, from what the supervisor reports: lifecycle first
 * (a killed node is down whatever its peers think), then suspicion.
 */
import type { ClusterState, PanelNode } from '../../../core/protocol/panel';
import { unreachable } from './unreachable';

export const HEALTH_STATES = ['up', 'suspected', 'paused', 'down', 'starting', 'stopped'] as const;
export type Health = (typeof HEALTH_STATES)[number];

export function nodeHealth(node: PanelNode, cluster: ClusterState = 'running'): Health {
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
      return node.suspected ? 'suspected' : 'up';
    default:
      return unreachable(node.lifecycle);
  }
}

/** The CSS class carrying the state's colour (style/theme.css). */
export function healthClass(h: Health): string {
  switch (h) {
    case 'up':
      return 'h-ok';
    case 'suspected':
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

/** A mark that says the state without colour: ✓ up, ? suspected, ‖ paused, ✕ down. */
export function healthGlyph(h: Health): string {
  switch (h) {
    case 'up':
      return '✓';
    case 'suspected':
      return '?';
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
