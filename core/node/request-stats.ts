/**
 * What a node reports about the requests it served over the last window: rate, error
 * rate and latency percentiles (the panel's per-node metrics).
 */
export interface RequestWindowReport {
  readonly requestsPerSec: number;
  readonly errorsPerSec: number;
  readonly latencyP50Ms: number | undefined;
  readonly latencyP99Ms: number | undefined;
}

export class RequestStats {
  private latencies: number[] = [];
  private errors = 0;
  private windowStart: number;

  constructor(private readonly now: () => number = () => performance.now()) {
    this.windowStart = now();
  }

  record(latencyMs: number, ok: boolean): void {
    if (this.latencies.length < 100_000) this.latencies.push(latencyMs);
    if (!ok) this.errors++;
  }

  /** Reports the window since the last call and starts a new one. */
  roll(): RequestWindowReport {
    const t = this.now();
    const seconds = Math.max(1e-3, (t - this.windowStart) / 1000);
    const sorted = this.latencies.sort((a, b) => a - b);
    const pick = (q: number): number | undefined =>
      sorted.length === 0 ? undefined : Math.round((sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number) * 100) / 100;
    const report: RequestWindowReport = {
      requestsPerSec: Math.round(sorted.length / seconds),
      errorsPerSec: Math.round(this.errors / seconds),
      latencyP50Ms: pick(0.5),
      latencyP99Ms: pick(0.99),
    };
    this.latencies = [];
    this.errors = 0;
    this.windowStart = t;
    return report;
  }
}
