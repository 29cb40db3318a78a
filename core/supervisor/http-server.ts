/**
 * The supervisor's listening socket: WebSocket endpoints routed by path (/node for node
 * processes, /panel for control panels) and a small HTTP surface.
 *
 * Every WebSocket must present a token (Bearer header or `?token=`), checked by its route
 * at the upgrade; browser connections must come from an allowed Origin. A route is
 * loopback-only unless it says `localOnly: false` (the panel, when it is opened to a
 * classroom with --host), so binding the server to a network address never exposes /node.
 * Each route caps its frames, its open connections and each connection's unsent output
 * (core/node/guarded-socket.ts). A refused upgrade gets an HTTP status and a reason,
 * never a half-open socket; a bad frame closes only its own connection, with a reason.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocketServer } from 'ws';
import { HTTP_SERVER_OPTIONS, acceptUpgrade, boundHttpServer, guardedServer, isLoopbackPeer, quietSocket, refuseUpgrade, type GuardedSocket, type UpgradePolicy } from '../node/guarded-socket';

export interface Route {
  /** Returns the role this token grants on this path, or undefined to refuse. */
  authorize(token: string | undefined, request: IncomingMessage): string | undefined;
  /** Origins allowed for browser connections; non-browser clients send none. */
  allowedOrigins?: (origin: string) => boolean;
  onConnection(socket: GuardedSocket, role: string, request: IncomingMessage): void;
  /** Largest frame accepted on this path, in bytes (default 1 MiB). */
  maxPayloadBytes?: number;
  /** Open connections allowed on this path (default 256); more get 503. */
  maxConnections?: number;
  /** Unsent bytes one connection may have queued before it is closed as a slow reader (default 8 MiB). */
  maxBufferedBytes?: number;
  /** Default true: only 127.0.0.1 / ::1 may connect. The panel sets false when served to a network. */
  localOnly?: boolean;
}

export type HttpHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

export const ROUTE_DEFAULTS = {
  maxPayloadBytes: 1 << 20,
  maxConnections: 256,
  maxBufferedBytes: 8 << 20,
} as const;

/** TCP connections the server keeps open at most (every route's cap, plus HTTP requests). */
const MAX_TCP_CONNECTIONS = 2048;

export class SupervisorHttpServer {
  private readonly routes = new Map<string, { route: Route; wss: WebSocketServer; policy: UpgradePolicy }>();
  private readonly httpHandlers: HttpHandler[] = [];
  readonly server: Server;

  constructor() {
    this.server = createServer(HTTP_SERVER_OPTIONS, (req, res) => {
      for (const h of this.httpHandlers) if (h(req, res)) return;
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    });
    boundHttpServer(this.server, MAX_TCP_CONNECTIONS);
    this.server.on('upgrade', (req, socket, head) => this.upgrade(req, socket, head));
  }

  route(path: string, route: Route): void {
    const policy: UpgradePolicy = {
      label: path,
      maxPayloadBytes: route.maxPayloadBytes ?? ROUTE_DEFAULTS.maxPayloadBytes,
      maxConnections: route.maxConnections ?? ROUTE_DEFAULTS.maxConnections,
      maxBufferedBytes: route.maxBufferedBytes ?? ROUTE_DEFAULTS.maxBufferedBytes,
      localOnly: route.localOnly ?? true,
    };
    this.routes.set(path, { route, wss: guardedServer(policy.maxPayloadBytes), policy });
  }

  http(handler: HttpHandler): void {
    this.httpHandlers.push(handler);
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const addr = this.server.address();
    if (addr === null || typeof addr === 'string') throw new Error('supervisor server has no TCP address');
    return addr.port;
  }

  async close(): Promise<void> {
    for (const { wss } of this.routes.values()) {
      for (const client of wss.clients) client.terminate();
      wss.close();
    }
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    quietSocket(socket);
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://127.0.0.1');
    } catch {
      // `GET // HTTP/1.1` and the like: a URL that does not parse is a bad request, not a crash.
      refuseUpgrade(socket, 400, 'Bad Request', 'the request target is not a valid path');
      return;
    }
    const entry = this.routes.get(url.pathname);
    if (!entry) {
      refuseUpgrade(socket, 404, 'Not Found', `no WebSocket endpoint at ${url.pathname}`);
      return;
    }
    if (entry.policy.localOnly && !isLoopbackPeer(req.socket.remoteAddress)) {
      // Before anything else: a network peer learns nothing about tokens here.
      refuseUpgrade(socket, 403, 'Forbidden', `${url.pathname} accepts connections from 127.0.0.1 only`);
      return;
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !(entry.route.allowedOrigins?.(origin) ?? false)) {
      refuseUpgrade(socket, 403, 'Forbidden', `origin ${origin} is not allowed`);
      return;
    }
    const header = req.headers['authorization'];
    const bearer = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7) : undefined;
    const token = bearer ?? url.searchParams.get('token') ?? undefined;
    const role = entry.route.authorize(token, req);
    if (role === undefined) {
      refuseUpgrade(socket, 401, 'Unauthorized', 'missing or wrong token');
      return;
    }
    acceptUpgrade(entry.wss, entry.policy, req, socket, head, (ws) => entry.route.onConnection(ws, role, req));
  }
}
