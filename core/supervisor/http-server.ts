/**
 * The supervisor's one listening socket (127.0.0.1 only): WebSocket endpoints routed by
 * path (/node for node processes, /panel for control panels) and a small HTTP surface.
 * Every WebSocket must present a token; browser connections must come from an allowed
 * Origin. A refused upgrade gets an HTTP status and a reason, never a half-open socket.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';

export interface Route {
  /** Returns the role this token grants on this path, or undefined to refuse. */
  authorize(token: string | undefined, request: IncomingMessage): string | undefined;
  /** Origins allowed for browser connections; non-browser clients send none. */
  allowedOrigins?: (origin: string) => boolean;
  onConnection(socket: WebSocket, role: string, request: IncomingMessage): void;
  /** Largest frame accepted on this path, in bytes. */
  maxPayloadBytes?: number;
}

export type HttpHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

export class SupervisorHttpServer {
  private readonly routes = new Map<string, { route: Route; wss: WebSocketServer }>();
  private readonly httpHandlers: HttpHandler[] = [];
  readonly server: Server;

  constructor() {
    this.server = createServer((req, res) => {
      for (const h of this.httpHandlers) if (h(req, res)) return;
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    });
    this.server.on('upgrade', (req, socket, head) => this.upgrade(req, socket, head));
  }

  route(path: string, route: Route): void {
    const wss = new WebSocketServer({ noServer: true, maxPayload: route.maxPayloadBytes ?? 1 << 20 });
    this.routes.set(path, { route, wss });
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
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const entry = this.routes.get(url.pathname);
    const refuse = (status: number, reason: string): void => {
      socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n${reason}\n`);
    };
    if (!entry) return refuse(404, `no WebSocket endpoint at ${url.pathname}`);
    const origin = req.headers.origin;
    if (origin !== undefined && !(entry.route.allowedOrigins?.(origin) ?? false)) {
      return refuse(403, `origin ${origin} is not allowed`);
    }
    const header = req.headers['authorization'];
    const bearer = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7) : undefined;
    const token = bearer ?? url.searchParams.get('token') ?? undefined;
    const role = entry.route.authorize(token, req);
    if (role === undefined) return refuse(401, 'missing or wrong token');
    entry.wss.handleUpgrade(req, socket, head, (ws) => entry.route.onConnection(ws, role, req));
  }
}
