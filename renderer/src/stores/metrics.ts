/**
 * Chart histories: per node samples (CPU, memory, request rate, latency, peers' phi) and
 * the workload's per-second figures, each in a fixed-size ring buffer trimmed to the
 * supervisor's window. `version` changes once per applied batch; charts rebuild from it.
 */
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { Histories, NodeSample, WorkloadSample } from '../../../core/protocol/panel';
import { RingBuffer } from '../../../core/protocol/ring-buffer';

/** Ten minutes at one sample a second: more than the supervisor's window. */
export const SAMPLE_CAPACITY = 600;

export const useMetricsStore = defineStore('metrics', () => {
  const nodes = shallowRef(new Map<string, RingBuffer<NodeSample>>());
  const workload = shallowRef(new RingBuffer<WorkloadSample>(SAMPLE_CAPACITY));
  const windowMs = ref(300_000);
  const stepMs = ref(1_000);
  const phiThreshold = ref(8);
  const version = ref(0);

  function bufferFor(node: string): RingBuffer<NodeSample> {
    let b = nodes.value.get(node);
    if (!b) nodes.value.set(node, (b = new RingBuffer<NodeSample>(SAMPLE_CAPACITY)));
    return b;
  }

  function append(nodeSamples: readonly NodeSample[], workloadSamples: readonly WorkloadSample[]): void {
    let latest = -Infinity;
    for (const s of nodeSamples) {
      bufferFor(s.node).push(s);
      latest = Math.max(latest, s.atMs);
    }
    for (const s of workloadSamples) {
      workload.value.push(s);
      latest = Math.max(latest, s.atMs);
    }
    if (latest > -Infinity) {
      const floor = latest - windowMs.value;
      for (const b of nodes.value.values()) b.dropWhile((s) => s.atMs < floor);
      workload.value.dropWhile((s) => s.atMs < floor);
    }
    version.value++;
  }

  function reset(h: Histories): void {
    windowMs.value = h.windowMs;
    stepMs.value = h.stepMs;
    phiThreshold.value = h.phiThreshold;
    nodes.value = new Map();
    workload.value = new RingBuffer<WorkloadSample>(SAMPLE_CAPACITY);
    append(h.nodes, h.workload);
  }

  /** A node that left: its history goes with it. */
  function forget(node: string): void {
    nodes.value.delete(node);
    version.value++;
  }

  function samples(node: string): NodeSample[] {
    return nodes.value.get(node)?.toArray() ?? [];
  }

  return { nodes, workload, windowMs, stepMs, phiThreshold, version, append, reset, forget, samples };
});
