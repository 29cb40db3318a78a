/**
 * The panel's WebSocket opened from the test itself, for the few recipes that need a precise
 * setup (delay a coordinator's links before the moment that matters) and to prove that the
 * server, not only the page, refuses a viewer's commands. Outcomes are still read from the
 * screen.
 */
import WebSocket from 'ws';
import type { PanelCommand, PanelServerMessage } from '../../../core/protocol/panel';
import { tokenOf } from './serve';

export type Reply = Extract<PanelServerMessage, { type: 'reply' }>;

export interface PanelSocket {
  readonly messages: PanelServerMessage[];
  /** Sends a command and resolves with its reply (ok or refused). */
  command(command: PanelCommand | Record<string, unknown>, timeoutMs?: number): Promise<Reply>;
  /** Like command(), but throws unless the reply is ok; returns the reply. */
  must(command: PanelCommand | Record<string, unknown>, timeoutMs?: number): Promise<Reply>;
  close(): void;
}

let nextId = 0;

/** Opens /panel with the link's token, from the page's own origin (the only one allowed). */
export function openPanelSocket(link: string): Promise<PanelSocket> {
  const url = new URL(link);
  const ws = new WebSocket(`ws://${url.host}/panel?token=${encodeURIComponent(tokenOf(link))}`, { origin: url.origin });
  const messages: PanelServerMessage[] = [];
  const waiting = new Map<string, (r: Reply) => void>();
  ws.on('message', (d) => {
    const m = JSON.parse(d.toString()) as PanelServerMessage;
    messages.push(m);
    if (m.type === 'reply' && m.id !== null) waiting.get(m.id)?.(m);
  });
  const command = (command: PanelCommand | Record<string, unknown>, timeoutMs = 30_000): Promise<Reply> => {
    const id = `e2e-${++nextId}`;
    return new Promise<Reply>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiting.delete(id);
        reject(new Error(`no reply to ${JSON.stringify(command)} within ${timeoutMs} ms`));
      }, timeoutMs);
      waiting.set(id, (r) => {
        clearTimeout(timer);
        waiting.delete(id);
        resolve(r);
      });
      ws.send(JSON.stringify({ type: 'command', id, command }));
    });
  };
  return new Promise((resolve, reject) => {
    ws.once('unexpected-response', (_req, res) => reject(new Error(`/panel refused the socket: HTTP ${res.statusCode}`)));
    ws.once('error', reject);
    ws.once('open', () =>
      resolve({
        messages,
        command,
        async must(c, timeoutMs) {
          const r = await command(c, timeoutMs);
          if (!r.ok) throw new Error(`${JSON.stringify(c)} was refused: ${r.code} ${r.message}`);
          return r;
        },
        close: () => ws.close(),
      }),
    );
  });
}
