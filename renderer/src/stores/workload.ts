/** The workload run as the supervisor reports it: phase, settings, live figures, verdict. */
import { defineStore } from 'pinia';
import { computed, shallowRef } from 'vue';
import type { WorkloadState } from '../../../core/protocol/panel';

const idle: WorkloadState = {
  phase: 'idle', run: 0, settings: null, startedAtMs: null, endedAtMs: null,
  live: null, verdict: null, error: null, historyOps: 0,
};

export const useWorkloadStore = defineStore('workload', () => {
  const state = shallowRef<WorkloadState>(idle);
  const running = computed(() => state.value.phase === 'running' || state.value.phase === 'stopping' || state.value.phase === 'checking');

  function set(next: WorkloadState): void {
    state.value = next;
  }
  return { state, running, set };
});
