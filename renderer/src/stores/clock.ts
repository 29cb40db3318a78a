/**
 * The supervisor's clock, ticking, for what counts down on screen (lease remaining, time
 * since). One interval for the whole page, started by the first view that asks; views read
 * `nowMs` (panel time base, the one every `atMs` uses) instead of keeping their own timers.
 */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { useClusterStore } from './cluster';

/** Ten updates a second: a countdown in tenths of a second moves smoothly, cheaply. */
export const CLOCK_PERIOD_MS = 100;

export const useClockStore = defineStore('clock', () => {
  const cluster = useClusterStore();
  const nowMs = ref(cluster.serverNow());
  let timer: ReturnType<typeof setInterval> | undefined;

  function tick(): void {
    nowMs.value = cluster.serverNow();
  }

  /** Starts the ticking (idempotent); views call it in setup. */
  function start(): void {
    tick();
    if (timer === undefined) timer = setInterval(tick, CLOCK_PERIOD_MS);
  }

  function stop(): void {
    if (timer !== undefined) clearInterval(timer);
    timer = undefined;
  }

  return { nowMs, start, stop, tick };
});
