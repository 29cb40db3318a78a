/**
 * Setting up a case's cluster through the panel socket (the same commands the bar sends),
 * and waiting, through the socket's mirror of the state, until it is ready. Outcomes are
 * read from the screen; this only makes the starting point certain.
 */
import type { ClusterInfo, KvMode, PanelState } from '../../../core/protocol/panel';
import type { PanelSocket } from '../../../core/bench/browser/panel-socket';

/** Running, every node up and unsuspected, a leader named: the state every case starts from. */
export function ready(s: PanelState, generation = 0): ClusterInfo | undefined {
  const c = s.cluster;
  if (c.state !== 'running' || c.generation <= generation) return undefined;
  if (s.nodes.length !== c.nodes || !s.nodes.every((n) => n.lifecycle === 'up' && !n.suspected && n.status !== undefined)) return undefined;
  return s.leader.node !== null ? c : undefined;
}

/** A fresh cluster (data deleted) with these settings, ready; heals and stops any workload first. */
export async function freshCluster(sock: PanelSocket, settings: { mode: KvMode; nodes?: number; timeScale?: 1 | 3 | 10 }): Promise<ClusterInfo> {
  const before = sock.state()?.cluster.generation ?? 0;
  const phase = sock.state()?.workload.phase;
  if (phase === 'running') await sock.must({ kind: 'workload-stop' }, 60_000);
  await sock.must({ kind: 'cluster-reset', nodes: settings.nodes ?? 5, mode: settings.mode, timeScale: settings.timeScale ?? 1 }, 90_000);
  return sock.until('a fresh cluster, every node up, a leader', (s) => ready(s, before), 90_000);
}

/** After a case: its workload stopped and its faults healed, whatever it left (a failed case too). */
export async function calm(sock: PanelSocket): Promise<void> {
  const s = sock.state();
  if (s === undefined || s.cluster.state !== 'running') return;
  if (s.workload.phase === 'running') await sock.command({ kind: 'workload-stop' }, 60_000);
  await sock.command({ kind: 'heal' });
}

/** The cluster as a case expects to find it: running and ready (a fresh one if not). */
export async function readyCluster(sock: PanelSocket, mode: KvMode): Promise<void> {
  const s = sock.state();
  if (s === undefined || s.cluster.mode !== mode || ready(s) === undefined) await freshCluster(sock, { mode });
}
