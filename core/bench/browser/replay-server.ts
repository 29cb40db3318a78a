/**
 * A tiny stand-in for the supervisor, for the panel bench: the Lab's own panel server
 * (dist/renderer with the panel's CSP, core/supervisor/panel/panel-server.ts) and a /panel
 * socket that greets, sends a snapshot and then whatever batches the bench pushes, so the
 * page works as hard as on a live cluster while no cluster competes with it for the cores.
 */
import { fileURLToPath } from 'node:url';
import type { PanelServerMessage } from '../../protocol/panel';
import type { GuardedSocket } from '../../node/guarded-socket';
import { SupervisorHttpServer } from '../../supervisor/http-server';
import { servePanel } from '../../supervisor/panel/panel-server';

export const BUILT_PANEL_DIR = fileURLToPath(new URL('../../../dist/renderer', import.meta.url));
const TOKEN = 'bench';

export interface ReplayServer {
  readonly url: string;
  /** Resolves with the page's socket once it connected (and got the first frames). */
  connected(): Promise<GuardedSocket>;
  close(): Promise<void>;
}

export async function startReplayServer(first: () => PanelServerMessage[]): Promise<ReplayServer> {
  const server = new SupervisorHttpServer();
  servePanel(server, { staticDir: BUILT_PANEL_DIR, authorize: (t) => (t === TOKEN ? 'viewer' : undefined), historyFile: () => undefined });
  let resolveSocket: (ws: GuardedSocket) => void = () => {};
  const socket = new Promise<GuardedSocket>((r) => (resolveSocket = r));
  server.route('/panel', {
    authorize: (t) => (t === TOKEN ? 'viewer' : undefined),
    allowedOrigins: () => true,
    // The bench paces itself by the socket's unsent bytes; the cap only guards a runaway.
    maxBufferedBytes: 64 << 20,
    onConnection: (ws) => {
      for (const frame of first()) ws.send(JSON.stringify(frame));
      // A resync (the page saw a gap) would need a fresh snapshot; the bench never skips a seq.
      resolveSocket(ws);
    },
  });
  const port = await server.listen(0, '127.0.0.1');
  return {
    url: `http://127.0.0.1:${port}/#token=${TOKEN}`,
    connected: () => socket,
    close: () => server.close(),
  };
}
