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
  await workloadSettled(sock);
  await sock.must({ kind: 'cluster-reset', nodes: settings.nodes ?? 5, mode: settings.mode, timeScale: settings.timeScale ?? 1 }, 90_000);
  return sock.until('a fresh cluster, every node up, a leader', (s) => ready(s, before), 90_000);
}

/** After a case: its workload stopped and its faults healed, whatever it left (a failed case too). */
export async function calm(sock: PanelSocket): Promise<void> {
  const s = sock.state();
  if (s === undefined || s.cluster.state !== 'running') return;
  await workloadSettled(sock);
  await sock.command({ kind: 'heal' });
}

/** The cluster as a case expects to find it: running and ready (a fresh one if not). */
export async function readyCluster(sock: PanelSocket, mode: KvMode): Promise<void> {
  const s = sock.state();
  if (s === undefined || s.cluster.mode !== mode || ready(s) === undefined) await freshCluster(sock, { mode });
}

/** No workload running, stopping or being checked (the bar's workload controls are enabled again). */
export async function workloadSettled(sock: PanelSocket): Promise<void> {
  if (sock.state()?.workload.phase === 'running') await sock.command({ kind: 'workload-stop' }, 60_000);
  await sock.until('the workload settled', (s) => (['idle', 'done', 'failed'].includes(s.workload.phase) ? true : undefined), 90_000);
}
