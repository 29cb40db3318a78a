/**
 * A tiny stand-in for the supervisor, for the panel bench: serves the built panel
 * (dist/renderer, with the panel's CSP) and a /panel socket that greets, sends a snapshot
 * and then whatever batches the bench pushes, so the page works as hard as it would on a
 * live cluster while no cluster competes with it for the cores.
 */
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer, type WebSocket } from 'ws';
import { PANEL_CSP } from '../../protocol/csp';
import type { PanelServerMessage } from '../../protocol/panel';

export const BUILT_PANEL_DIR = fileURLToPath(new URL('../../../dist/renderer', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

export interface ReplayServer {
  readonly url: string;
  /** Resolves with the page's socket once it connected (and got hello + snapshot). */
  connected(): Promise<WebSocket>;
  close(): Promise<void>;
}

export async function startReplayServer(first: () => PanelServerMessage[]): Promise<ReplayServer> {
  const http: Server = createServer((req, res) => {
    const path = normalize(decodeURIComponent((req.url ?? '/').split('?')[0]!)).replace(/^(\.\.[/\\])+/, '');
    const file = join(BUILT_PANEL_DIR, path === '/' ? 'index.html' : path);
    if (!file.startsWith(BUILT_PANEL_DIR)) {
      res.writeHead(404).end();
      return;
    }
    readFile(file).then(
      (body) => res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'content-security-policy': PANEL_CSP }).end(body),
      () => res.writeHead(404).end(),
    );
  });
  const wss = new WebSocketServer({ noServer: true });
  let resolveSocket: (ws: WebSocket) => void = () => {};
  const socket = new Promise<WebSocket>((r) => (resolveSocket = r));
  http.on('upgrade', (req, sock, head) => {
    if (!(req.url ?? '').startsWith('/panel')) {
      sock.destroy();
      return;
    }
    wss.handleUpgrade(req, sock, head, (ws) => {
      for (const frame of first()) ws.send(JSON.stringify(frame));
      // A resync (the page saw a gap) would need a fresh snapshot; the bench never skips a seq.
      resolveSocket(ws);
    });
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const addr = http.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}/#token=bench`,
    connected: () => socket,
    async close() {
      for (const c of wss.clients) c.terminate();
      wss.close();
      await new Promise<void>((r) => http.close(() => r()));
    },
  };
}
