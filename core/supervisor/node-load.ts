/**
 * Load per node as a client saw it: requests sent to each node, how many were answered
 * ok, how many failed (an error reply, a redirect, a timeout or an unreachable node), and
 * the latency of every attempt that ended (ok or not; a timed-out attempt counts its
 * timeout, so a node too slow to answer shows up as slow, not as missing).
 *
 * Latencies go into a log-bucketed histogram (about 2% wide buckets from 10 µs to ~28 h),
 * so memory stays fixed however long a run lasts and a percentile is within one bucket.
 */
import type { NodeLoadSummary } from '../protocol/panel';

/** Declared once with the panel protocol, which carries it to the panel's verdict. */
export type { NodeLoadSummary };

const MIN_MS = 0.01;
const GROWTH = 1.02;
const BUCKETS = Math.ceil(Math.log(1e10 / MIN_MS) / Math.log(GROWTH));

class LatencyHistogram {
  private readonly counts = new Uint32Array(BUCKETS);
  total = 0;

  add(ms: number): void {
    const i = ms <= MIN_MS ? 0 : Math.min(BUCKETS - 1, Math.floor(Math.log(ms / MIN_MS) / Math.log(GROWTH)));
    this.counts[i] = (this.counts[i] as number) + 1;
    this.total++;
  }

  /** The upper edge of the bucket holding the q-quantile (rounded to 0.1 ms), or null. */
  quantile(q: number): number | null {
    if (this.total === 0) return null;
    const rank = Math.max(1, Math.ceil(q * this.total));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i] as number;
      if (seen >= rank) return Math.round(MIN_MS * GROWTH ** (i + 1) * 10) / 10;
    }
    return null;
  }
}

interface Entry {
  sent: number;
  ok: number;
  failed: number;
  readonly latency: LatencyHistogram;
}

export class NodeLoad {
  private readonly nodes = new Map<string, Entry>();

  private entry(node: string): Entry {
    let e = this.nodes.get(node);
    if (!e) this.nodes.set(node, (e = { sent: 0, ok: 0, failed: 0, latency: new LatencyHistogram() }));
    return e;
  }

  sent(node: string, n = 1): void {
    this.entry(node).sent += n;
  }

  /** An attempt to `node` ended after `latencyMs`, answered ok or not. */
  ended(node: string, ok: boolean, latencyMs: number): void {
    const e = this.entry(node);
    if (ok) e.ok++;
    else e.failed++;
    e.latency.add(latencyMs);
  }

  /** Every node that was sent anything, in node order (n2 before n10). */
  summary(): Record<string, NodeLoadSummary> {
    const ids = [...this.nodes.keys()].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    return Object.fromEntries(
      ids.map((id) => {
        const e = this.nodes.get(id) as Entry;
        return [id, { sent: e.sent, ok: e.ok, failed: e.failed, p50Ms: e.latency.quantile(0.5), p99Ms: e.latency.quantile(0.99) }];
      }),
    );
  }
}
