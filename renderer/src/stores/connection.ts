/**
 * The one socket's state as the page shows it (connecting, open, reconnecting, refused,
 * no token), this panel's role, and the way components send commands: `command()` hands
 * the command to the socket (renderer/src/net) and resolves with the supervisor's reply.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { CommandResult, PanelCommandInput, PanelRole } from '../../../core/protocol/panel';

export type ConnectionStatus = 'no-token' | 'connecting' | 'open' | 'reconnecting' | 'refused';

/** A refused command: its code (READ_ONLY, COMMAND_FAILED, ...) and the supervisor's words. */
export class CommandError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = 'CommandError';
  }
}

export type CommandSender = (command: PanelCommandInput) => Promise<CommandResult>;

export const useConnectionStore = defineStore('connection', () => {
  const status = ref<ConnectionStatus>('connecting');
  const role = ref<PanelRole | null>(null);
  /** Failed attempts since the socket was last open. */
  const attempts = ref(0);
  /** When the next attempt starts (performance.now() ms), while reconnecting. */
  const retryAtMs = ref<number | null>(null);
  const lastError = shallowRef<{ code: string; message: string; command: string } | null>(null);
  /** Commands awaiting their reply (buttons show they are working). */
  const inFlight = ref(0);
  /** This page's token (from the URL fragment), for the history download's Authorization header. */
  const token = ref<string | null>(null);
  let sender: CommandSender | null = null;

  /** Viewers (and a panel not connected) cannot press anything. */
  const readOnly = computed(() => role.value !== 'instructor' || status.value !== 'open');

  function setSender(s: CommandSender | null): void {
    sender = s;
  }

  async function command(c: PanelCommandInput): Promise<CommandResult> {
    if (sender === null) throw new CommandError('NOT_CONNECTED', 'the panel is not connected to the supervisor');
    inFlight.value++;
    try {
      const result = await sender(c);
      lastError.value = null;
      return result;
    } catch (e) {
      const err = e instanceof CommandError ? e : new CommandError('COMMAND_FAILED', String(e));
      lastError.value = { code: err.code, message: err.message, command: c.kind };
      throw err;
    } finally {
      inFlight.value--;
    }
  }

  /** For buttons: send and forget (a failure shows in the bar and on the timeline). */
  function fire(c: PanelCommandInput): void {
    command(c).catch(() => undefined);
  }

  return { status, role, token, attempts, retryAtMs, lastError, inFlight, readOnly, setSender, command, fire };
});
