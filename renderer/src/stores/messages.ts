/**
 * Messages between nodes for the space-time diagram: a fixed-size ring buffer, merged by
 * message id (a send, then its receipt or drop). The buffer is not reactive; `version`
 * changes once per applied batch, and the canvas redraws from `buffer` when it does.
 */
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { MessageEvent } from '../../../core/protocol/panel';
import { RingBuffer } from '../../../core/protocol/ring-buffer';

/** About a minute of a busy 5-node cluster; older messages fall off. */
export const MESSAGE_CAPACITY = 20_000;

export const useMessagesStore = defineStore('messages', () => {
  const buffer = shallowRef(new RingBuffer<MessageEvent>(MESSAGE_CAPACITY));
  /** id -> absolute push number, to merge a receipt into its send. */
  let numberById = new Map<string, number>();
  let pushed = 0;
  const version = ref(0);
  /** Events the supervisor left out to keep its batches bounded (shown as a count). */
  const droppedBySupervisor = ref(0);

  function add(m: MessageEvent): void {
    const n = numberById.get(m.id);
    const b = buffer.value;
    if (n !== undefined) {
      const i = n - (pushed - b.size);
      const old = b.at(i);
      if (old !== undefined && old.id === m.id) {
        b.set(i, { ...old, ...m });
        return;
      }
    }
    const evicted = b.push(m);
    if (evicted !== undefined && numberById.get(evicted.id) === pushed - b.capacity) numberById.delete(evicted.id);
    numberById.set(m.id, pushed);
    pushed++;
  }

  /** A `messages` change: new sends, receipts and drops. */
  function apply(events: readonly MessageEvent[], dropped: number): void {
    for (const m of events) add(m);
    droppedBySupervisor.value += dropped;
    version.value++;
  }

  /** A snapshot: start over from what the supervisor holds. */
  function reset(events: readonly MessageEvent[]): void {
    buffer.value = new RingBuffer<MessageEvent>(MESSAGE_CAPACITY);
    numberById = new Map();
    pushed = 0;
    droppedBySupervisor.value = 0;
    for (const m of events) add(m);
    version.value++;
  }

  return { buffer, version, droppedBySupervisor, apply, reset };
});
