import type { PanelNode } from '../protocol/panel';

/** One line per cluster: each node's lifecycle, Paxos role and memory, for terminals. */
export function healthLine(nodes: readonly PanelNode[]): string {
  const parts = nodes.map((n) => {
    const paxos = (n.status?.['paxos'] ?? {}) as { role?: string; chosenUpTo?: number };
    const role = n.lifecycle !== 'up' ? n.lifecycle : (paxos.role ?? 'up');
    const mb = n.metrics ? ` ${(n.metrics.rssBytes / 1048576).toFixed(0)}MB` : '';
    const slot = paxos.chosenUpTo !== undefined ? ` @${paxos.chosenUpTo}` : '';
    return `${n.id}:${role}${slot}${mb}`;
  });
  return `[${new Date().toISOString().slice(11, 19)}] ${parts.join('  ')}`;
}
