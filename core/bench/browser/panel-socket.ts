/**
 * The panel's WebSocket opened from the test itself, for the few recipes that need a precise
 * setup (delay a coordinator's links before the moment that matters) and to prove that the
 * server, not only the page, refuses a viewer's commands. Outcomes are still read from the
 * screen.
 */
import WebSocket from 'ws';
import type { PanelChange, PanelCommandInput, PanelServerMessage, PanelState } from '../../protocol/panel';
import { unreachable } from '../../algorithms/common/unreachable';
import { tokenOf } from './serve';

export type Reply = Extract<PanelServerMessage, { type: 'reply' }>;

export interface PanelSocket {
  /** Every frame received, in order (the bench records these). */
  readonly messages: PanelServerMessage[];
  /** The state as the page would hold it: the last snapshot with every batch applied. */
  state(): PanelState | undefined;
  /** Polls state() until `probe` returns a value. */
  until<T>(what: string, probe: (s: PanelState) => T | undefined, timeoutMs?: number): Promise<T>;
  /** Sends a command and resolves with its reply (ok or refused). */
  command(command: PanelCommandInput, timeoutMs?: number): Promise<Reply>;
  /** Like command(), but throws unless the reply is ok; returns the reply. */
  must(command: PanelCommandInput, timeoutMs?: number): Promise<Reply>;
  close(): void;
}

let nextId = 0;

/** Opens /panel with the link's token, from the page's own origin (the only one allowed). */
export function openPanelSocket(link: string): Promise<PanelSocket> {
  const url = new URL(link);
  const ws = new WebSocket(`ws://${url.host}/panel?token=${encodeURIComponent(tokenOf(link))}`, { origin: url.origin });
  const messages: PanelServerMessage[] = [];
  const waiting = new Map<string, (r: Reply) => void>();
  let state: PanelState | undefined;
  let seq = -1;
  ws.on('message', (d) => {
    const m = JSON.parse(d.toString()) as PanelServerMessage;
    messages.push(m);
    if (m.type === 'reply' && m.id !== null) waiting.get(m.id)?.(m);
    if (m.type === 'snapshot') {
      state = m.state;
      seq = m.seq;
    } else if (m.type === 'changes' && state !== undefined) {
      if (m.seq !== seq + 1) ws.send(JSON.stringify({ type: 'resync' }));
      else {
        seq = m.seq;
        for (const c of m.changes) state = applyChange(state, c);
      }
    }
  });
  const command = (command: PanelCommandInput, timeoutMs = 30_000): Promise<Reply> => {
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
        state: () => state,
        async until(what, probe, timeoutMs = 30_000) {
          const deadline = Date.now() + timeoutMs;
          for (;;) {
            const v = state === undefined ? undefined : probe(state);
            if (v !== undefined) return v;
            if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
            await new Promise((r) => setTimeout(r, 50));
          }
        },
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

/** One batch entry applied to the state, as protocol v2 describes each change. */
function applyChange(s: PanelState, c: PanelChange): PanelState {
  switch (c.kind) {
    case 'cluster':
      return { ...s, cluster: c.cluster };
    case 'node': {
      const others = s.nodes.filter((n) => n.id !== c.node.id);
      return { ...s, nodes: s.nodes.some((n) => n.id === c.node.id) ? s.nodes.map((n) => (n.id === c.node.id ? c.node : n)) : [...others, c.node] };
    }
    case 'node-removed':
      return { ...s, nodes: s.nodes.filter((n) => n.id !== c.node) };
    case 'links':
      return { ...s, links: c.links };
    case 'leader':
      return { ...s, leader: c.leader };
    case 'ring':
      return { ...s, ring: c.ring };
    case 'locks':
      return { ...s, locks: c.locks };
    case 'txns':
      return { ...s, txns: c.txns };
    case 'workload':
      return { ...s, workload: c.workload };
    case 'samples':
      return s; // the charts' points; no recipe waits on them
    case 'timeline':
      return { ...s, timeline: [...s.timeline, c.entry] };
    case 'messages':
      return s; // arrows for the diagram; kept raw in `messages` for the bench
    default:
      return unreachable(c);
  }
}
