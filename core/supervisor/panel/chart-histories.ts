/**
 * The charts' last minutes (phi, CPU, memory, request rate, latency per node; workload
 * throughput, latency, availability), one sample per node per step, kept in ring buffers
 * so a panel that connects late draws the last ~5 minutes at once.
 */
import { PHI_DEFAULTS } from '../../algorithms/detector';
import { MAX_NODES, type Histories, type NodeSample, type WorkloadSample } from '../../protocol/panel';
import { RingBuffer } from '../../protocol/ring-buffer';

export const HISTORY_WINDOW_MS = 5 * 60_000;
export const HISTORY_STEP_MS = 1_000;

export class ChartHistories {
  /** Room for every node of the largest cluster plus a few added ones. */
  private readonly nodes = new RingBuffer<NodeSample>((HISTORY_WINDOW_MS / HISTORY_STEP_MS) * (MAX_NODES + 3));
  private readonly workload = new RingBuffer<WorkloadSample>(HISTORY_WINDOW_MS / HISTORY_STEP_MS);

  addNodes(samples: readonly NodeSample[]): void {
    for (const s of samples) this.nodes.push(s);
  }

  addWorkload(sample: WorkloadSample): void {
    this.workload.push(sample);
  }

  snapshot(nowMs: number): Histories {
    const from = nowMs - HISTORY_WINDOW_MS;
    return {
      windowMs: HISTORY_WINDOW_MS,
      stepMs: HISTORY_STEP_MS,
      phiThreshold: PHI_DEFAULTS.threshold,
      nodes: this.nodes.toArray().filter((s) => s.atMs >= from),
      workload: this.workload.toArray().filter((s) => s.atMs >= from),
    };
  }

  clearNodes(): void {
    this.nodes.clear();
  }
}
