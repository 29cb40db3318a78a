/**
 * Per-node monitoring, sampled every second: CPU and RSS of each process (pidusage:
 * /proc on Linux, ps elsewhere), the bytes of its data folder (log and snapshots; also for
 * a node that is down, whose data stays), plus the request rate, errors and latency that
 * the node reports about itself in its status.
 */
import pidusage from 'pidusage';
import type { NodeMetrics } from '../protocol/panel';
import type { Cluster } from './cluster';
import { diskUsage } from './disk-usage';

export class Monitor {
  private timer: NodeJS.Timeout | undefined;
  private readonly latest = new Map<string, NodeMetrics>();

  constructor(
    private readonly cluster: Cluster,
    private readonly onSample: (id: string, m: NodeMetrics) => void,
    private readonly intervalMs = 1_000,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.sample(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    pidusage.clear();
  }

  metrics(id: string): NodeMetrics | undefined {
    return this.latest.get(id);
  }

  async sample(): Promise<void> {
    const all = this.cluster.views();
    const disk = new Map(await Promise.all(all.map(async (v) => [v.id, await diskUsage(this.cluster.dataDirOf(v.id))] as const)));
    const views = all.filter((v) => v.pid !== undefined && (v.lifecycle === 'up' || v.lifecycle === 'paused'));
    // A node that is down keeps its data: its disk figure stays current, the rest as last seen.
    for (const v of all) {
      const last = this.latest.get(v.id);
      if (views.includes(v) || !last || !disk.has(v.id) || last.diskBytes === disk.get(v.id)) continue;
      const m = { ...last, diskBytes: disk.get(v.id) as number };
      this.latest.set(v.id, m);
      this.onSample(v.id, m);
    }
    if (views.length === 0) return;
    let stats: Record<string, pidusage.Status>;
    try {
      stats = await pidusage(views.map((v) => v.pid as number));
    } catch {
      return; // a process ended between listing and sampling; the next tick sees the truth
    }
    for (const v of views) {
      const s = stats[String(v.pid)];
      if (!s) continue;
      const reported = (v.status?.['metrics'] ?? {}) as Partial<NodeMetrics>;
      const diskBytes = disk.get(v.id);
      const m: NodeMetrics = {
        cpuPercent: Math.round(s.cpu * 10) / 10,
        rssBytes: s.memory,
        ...(diskBytes === undefined ? {} : { diskBytes }),
        ...(typeof reported.requestsPerSec === 'number' ? { requestsPerSec: reported.requestsPerSec } : {}),
        ...(typeof reported.errorsPerSec === 'number' ? { errorsPerSec: reported.errorsPerSec } : {}),
        ...(typeof reported.latencyP50Ms === 'number' ? { latencyP50Ms: reported.latencyP50Ms } : {}),
        ...(typeof reported.latencyP99Ms === 'number' ? { latencyP99Ms: reported.latencyP99Ms } : {}),
      };
      this.latest.set(v.id, m);
      this.onSample(v.id, m);
    }
  }
}
