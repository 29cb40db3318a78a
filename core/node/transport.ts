/**
 * Node <-> node messaging over WebSockets on 127.0.0.1.
 *
 * Each node listens (inbound: frames it RECEIVES) and dials every peer (outbound: frames
 * it SENDS), so a link direction is one socket and a one-way cut is just that socket's
 * frames being dropped. Outbound links reconnect forever with randomized back-off.
 *
 * Guard rails, in order: a browser Origin not in the allow-list is refused at the HTTP
 * upgrade (403); the first frame must be `hello` with the cluster token (else close 4401);
 * every later frame is decoded by core/protocol, and a bad one gets an `error` frame back
 * and never reaches the handler. Faults (LinkFaults) are applied to what passes.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { backoffMs, type NodeId } from '../algorithms/common';
import {
  PEER_PARTS,
  PEER_PROTOCOL_VERSION,
  decodePeerFrame,
  encodePeerFrame,
  type PeerFrame,
  type ProtocolErrorCode,
} from '../protocol';
import { LinkFaults, type Direction } from './link-faults';

/** WebSocket close codes this transport uses (4000-4999 are for applications). */
export const CLOSE_CODES = {
  UNAUTHORIZED: 4401,
  WRONG_NODE: 4404,
  HELLO_TIMEOUT: 4408,
  SHUTDOWN: 1001,
} as const;

export const PEER_PATH = '/peer';

/**
 * Peer frames may be far larger than client frames: a catch-up reply carries up to a
 * batch of log entries (256 x a 64 KiB value in the worst case). Refusing one would stop
 * a lagging replica from ever catching up, so the node-to-node limit is 16 MiB.
 */
export const PEER_MAX_FRAME_BYTES = 16 * 1024 * 1024;
/** Before the hello, nobody is trusted with more than this (a hello is ~200 bytes). */
const MAX_HELLO_BYTES = 4096;
/**
 * Bytes queued on one outbound socket beyond which frames are dropped: a peer that is
 * paused (SIGSTOP) keeps its socket open but reads nothing, and the queue must not grow
 * without bound. Dropping is what a real network does; the algorithms retry.
 */
export const MAX_BUFFERED_BYTES = 32 * 1024 * 1024;

export interface PeerAddress {
  readonly host?: string;
  readonly port: number;
}

export type TransportEvent =
  | { readonly kind: 'peer-up'; readonly peer: NodeId; readonly direction: Direction }
  | { readonly kind: 'peer-down'; readonly peer: NodeId; readonly direction: Direction; readonly code: number; readonly reason: string }
  /** A frame or connection this node refused (inbound) or a refusal a peer reported (outbound). */
  | { readonly kind: 'refused'; readonly peer?: NodeId; readonly direction: Direction; readonly code: ProtocolErrorCode | string; readonly message: string }
  | { readonly kind: 'handler-error'; readonly peer: NodeId; readonly message: string };

export interface TransportOptions {
  readonly id: NodeId;
  readonly token: string;
  readonly host?: string;
  /** 0 (the default) picks a free port; read it from `listen()`. */
  readonly port?: number;
  readonly peers?: Readonly<Record<NodeId, PeerAddress>>;
  /** Browser origins allowed to connect. Nodes serve no browsers: empty by default. */
  readonly allowedOrigins?: readonly string[];
  /** Default PEER_MAX_FRAME_BYTES. */
  readonly maxFrameBytes?: number;
  /** Default MAX_BUFFERED_BYTES. */
  readonly maxBufferedBytes?: number;
  /** Uniform [0, 1) source for back-off and faults; inject a seeded one in tests. */
  readonly random?: () => number;
  readonly reconnectBaseMs?: number;
  readonly reconnectMaxMs?: number;
  readonly helloTimeoutMs?: number;
  /** Message schemas per part (default: core/protocol PEER_PARTS). */
  readonly parts?: typeof PEER_PARTS;
  /** Called once per delivered, validated message. Never called for a refused frame. */
  /** `id`: the sender's message id when it sent one (for the panel's message view). */
  readonly onMessage: (from: NodeId, part: string, body: unknown, id?: string) => void;
  readonly onEvent?: (event: TransportEvent) => void;
  /** Other WebSocket endpoints served on the same port (e.g. the client API), by path. */
  readonly endpoints?: Readonly<Record<string, (socket: WebSocket, request: IncomingMessage) => void>>;
}

export interface TransportStats {
  sent: number;
  received: number;
  /** Frames not sent: no connection to the peer. */
  unconnected: number;
  /** Frames lost to fault rules (both directions). */
  faultDropped: number;
  /** Frames dropped because the peer is not reading (MAX_BUFFERED_BYTES). */
  backpressureDropped: number;
  /** Frames this node refused to send: bigger than the frame limit. */
  oversized: number;
  refused: number;
}

export class Transport {
  readonly faults: LinkFaults;
  readonly stats: TransportStats = { sent: 0, received: 0, unconnected: 0, faultDropped: 0, backpressureDropped: 0, oversized: 0, refused: 0 };
  private readonly random: () => number;
  private readonly maxFrameBytes: number;
  private readonly tokenDigest: Buffer;
  private readonly links = new Map<NodeId, OutboundLink>();
  private readonly inbound = new Set<WebSocket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private server: Server | undefined;
  private wss: WebSocketServer | undefined;
  private listeningPort: number | undefined;
  private closed = false;

  constructor(private readonly options: TransportOptions) {
    this.random = options.random ?? Math.random;
    this.faults = new LinkFaults(this.random);
    this.maxFrameBytes = options.maxFrameBytes ?? PEER_MAX_FRAME_BYTES;
    this.tokenDigest = digest(options.token);
  }

  get id(): NodeId {
    return this.options.id;
  }

  get port(): number {
    if (this.listeningPort === undefined) throw new Error(`transport ${this.id} is not listening; call listen() first`);
    return this.listeningPort;
  }

  /** Starts the listener and dials the configured peers; resolves with the port. */
  async listen(): Promise<number> {
    const wss = new WebSocketServer({ noServer: true, maxPayload: 2 * this.maxFrameBytes });
    const server = createServer((_req, res) => {
      res.writeHead(426, { 'content-type': 'text/plain' }).end('WebSocket only\n');
    });
    server.on('upgrade', (req, socket, head) => this.upgrade(req, socket, head));
    this.wss = wss;
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port ?? 0, this.options.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error(`transport ${this.id}: unexpected listen address ${String(address)}`);
    this.listeningPort = address.port;
    if (this.options.peers) this.setPeers(this.options.peers);
    return address.port;
  }

  /** Dials new peers, re-dials moved ones, hangs up on removed ones. */
  setPeers(peers: Readonly<Record<NodeId, PeerAddress>>): void {
    for (const [peer, link] of this.links) {
      const next = peers[peer];
      if (!next || next.port !== link.address.port || (next.host ?? '127.0.0.1') !== (link.address.host ?? '127.0.0.1')) {
        link.stop();
        this.links.delete(peer);
      }
    }
    for (const [peer, address] of Object.entries(peers)) {
      if (peer === this.id || this.links.has(peer)) continue;
      const link = new OutboundLink(this, peer, address);
      this.links.set(peer, link);
      link.connect();
    }
  }

  peers(): NodeId[] {
    return [...this.links.keys()];
  }

  /** True when frames to `peer` currently have a socket to go out on. */
  isConnected(peer: NodeId): boolean {
    return this.links.get(peer)?.ready ?? false;
  }

  /**
   * Sends one part's message to `peer`, subject to the outbound fault rules. Returns false
   * when it certainly went nowhere (no connection, or a fault dropped it). Messages are
   * never queued for a dead link: the algorithms already treat the network as lossy.
   */
  send(to: NodeId, part: string, body: unknown, id?: string): boolean {
    if (this.closed) return false;
    const link = this.links.get(to);
    if (!link) {
      this.stats.unconnected++;
      return false;
    }
    const delays = this.faults.plan('out', to);
    if (delays.length === 0) {
      this.stats.faultDropped++;
      return false;
    }
    const text = encodePeerFrame(id === undefined ? { type: 'msg', part, body } : { type: 'msg', part, body, id });
    // The receiver would refuse it; say so here, where the sender can be found.
    if (text.length > this.maxFrameBytes || Buffer.byteLength(text) > this.maxFrameBytes) {
      this.stats.oversized++;
      const type = (body as { type?: unknown } | null)?.type;
      this.emit({
        kind: 'refused',
        peer: to,
        direction: 'out',
        code: 'FRAME_TOO_LARGE',
        message: `not sending ${part} ${String(type)} to ${to}: ${Buffer.byteLength(text)} bytes exceed the ${this.maxFrameBytes}-byte frame limit`,
      });
      return false;
    }
    let sent = false;
    for (const delay of delays) {
      if (delay <= 0) sent = this.sendNow(link, text) || sent;
      else {
        this.later(delay, () => this.sendNow(link, text));
        sent = true;
      }
    }
    return sent;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const link of this.links.values()) link.stop();
    this.links.clear();
    for (const ws of this.inbound) ws.terminate();
    this.inbound.clear();
    const wss = this.wss;
    const server = this.server;
    if (wss) await new Promise<void>((resolve) => wss.close(() => resolve()));
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  // ---- internals shared with OutboundLink ------------------------------------------------

  /** @internal */
  get isClosed(): boolean {
    return this.closed;
  }

  /** @internal */
  emit(event: TransportEvent): void {
    if (event.kind === 'refused') this.stats.refused++;
    this.options.onEvent?.(event);
  }

  /** @internal */
  nextRandom(): number {
    return this.random();
  }

  /** @internal */
  get settings(): { token: string; maxFrameBytes: number; reconnectBaseMs: number; reconnectMaxMs: number } {
    return {
      token: this.options.token,
      maxFrameBytes: this.maxFrameBytes,
      reconnectBaseMs: this.options.reconnectBaseMs ?? 50,
      reconnectMaxMs: this.options.reconnectMaxMs ?? 2000,
    };
  }

  /** @internal A timer that close() cancels. */
  later(delayMs: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.closed) fn();
    }, delayMs);
    this.timers.add(t);
  }

  private sendNow(link: OutboundLink, text: string): boolean {
    const outcome = link.send(text, this.options.maxBufferedBytes ?? MAX_BUFFERED_BYTES);
    if (outcome !== 'sent') {
      if (outcome === 'backpressure') this.stats.backpressureDropped++;
      else this.stats.unconnected++;
      return false;
    }
    this.stats.sent++;
    return true;
  }

  // ---- inbound -------------------------------------------------------------------------

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const origin = req.headers.origin;
    if (origin !== undefined && !(this.options.allowedOrigins ?? []).includes(origin)) {
      this.emit({ kind: 'refused', direction: 'in', code: 'FORBIDDEN_ORIGIN', message: `Origin ${origin} is not allowed` });
      rejectUpgrade(socket, 403, 'Forbidden', `Origin ${origin} is not allowed to connect to node ${this.id}`);
      return;
    }
    const path = (req.url ?? '').split('?')[0] ?? '';
    const endpoint = path === PEER_PATH ? undefined : this.options.endpoints?.[path];
    if (path !== PEER_PATH && !endpoint) {
      rejectUpgrade(socket, 404, 'Not Found', `no WebSocket endpoint ${path}; expected ${PEER_PATH}`);
      return;
    }
    const wss = this.wss;
    if (!wss || this.closed) {
      rejectUpgrade(socket, 503, 'Service Unavailable', 'node is shutting down');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      if (endpoint) endpoint(ws, req);
      else this.acceptPeer(ws);
    });
  }

  private acceptPeer(ws: WebSocket): void {
    this.inbound.add(ws);
    let from: NodeId | undefined;
    const helloTimer = setTimeout(() => {
      this.emit({ kind: 'refused', direction: 'in', code: 'UNAUTHORIZED', message: 'no hello before the timeout' });
      ws.close(CLOSE_CODES.HELLO_TIMEOUT, 'UNAUTHORIZED: no hello before the timeout');
    }, this.options.helloTimeoutMs ?? 5000);
    ws.on('close', (code, reason) => {
      clearTimeout(helloTimer);
      this.inbound.delete(ws);
      if (from !== undefined) this.emit({ kind: 'peer-down', peer: from, direction: 'in', code, reason: reason.toString() });
    });
    ws.on('error', () => undefined); // 'close' follows; nothing else to do
    ws.on('message', (data: RawData) => {
      const bytes = asBytes(data);
      if (from === undefined && bytes.byteLength > MAX_HELLO_BYTES) {
        clearTimeout(helloTimer);
        const reason = `UNAUTHORIZED: a ${bytes.byteLength}-byte first frame is no hello (limit ${MAX_HELLO_BYTES})`;
        this.emit({ kind: 'refused', direction: 'in', code: 'UNAUTHORIZED', message: reason });
        ws.close(CLOSE_CODES.UNAUTHORIZED, reason);
        return;
      }
      const decoded = decodePeerFrame(bytes, this.maxFrameBytes, this.options.parts ?? PEER_PARTS);
      if (from === undefined) {
        clearTimeout(helloTimer);
        const refusal = this.checkHello(decoded);
        if (typeof refusal === 'string') {
          from = refusal;
          ws.send(encodePeerFrame({ type: 'welcome', node: this.id }));
          this.emit({ kind: 'peer-up', peer: from, direction: 'in' });
        } else {
          this.emit({ kind: 'refused', direction: 'in', code: 'UNAUTHORIZED', message: refusal.reason });
          ws.close(refusal.code, refusal.reason.slice(0, 120));
        }
        return;
      }
      if (!decoded.ok) {
        this.refuseFrame(ws, from, decoded.error.code, decoded.error.message);
        return;
      }
      const frame = decoded.value;
      if (frame.type !== 'msg') {
        this.refuseFrame(ws, from, 'INVALID_MESSAGE', `type: "${frame.type}" is not expected after the handshake; expected msg`);
        return;
      }
      this.receive(from, frame.part, frame.body, frame.id);
    });
  }

  /** The peer's id when the hello is good; otherwise the close code and reason. */
  private checkHello(decoded: ReturnType<typeof decodePeerFrame>): NodeId | { code: number; reason: string } {
    if (!decoded.ok) return { code: CLOSE_CODES.UNAUTHORIZED, reason: `UNAUTHORIZED: bad hello (${decoded.error.code}: ${decoded.error.message})` };
    const hello = decoded.value;
    if (hello.type !== 'hello') return { code: CLOSE_CODES.UNAUTHORIZED, reason: `UNAUTHORIZED: first frame must be hello, got ${hello.type}` };
    if (!timingSafeEqual(digest(hello.token), this.tokenDigest)) return { code: CLOSE_CODES.UNAUTHORIZED, reason: 'UNAUTHORIZED: wrong cluster token' };
    if (hello.to !== this.id) return { code: CLOSE_CODES.WRONG_NODE, reason: `WRONG_NODE: this is ${this.id}, not ${hello.to}` };
    return hello.node;
  }

  private refuseFrame(ws: WebSocket, from: NodeId, code: ProtocolErrorCode, message: string): void {
    this.emit({ kind: 'refused', peer: from, direction: 'in', code, message });
    if (ws.readyState === WebSocket.OPEN) ws.send(encodePeerFrame({ type: 'error', code, message }));
  }

  private receive(from: NodeId, part: string, body: unknown, id?: string): void {
    const delays = this.faults.plan('in', from);
    if (delays.length === 0) {
      this.stats.faultDropped++;
      return;
    }
    for (const delay of delays) {
      if (delay <= 0) this.deliver(from, part, body, id);
      else this.later(delay, () => this.deliver(from, part, body, id));
    }
  }

  private deliver(from: NodeId, part: string, body: unknown, id?: string): void {
    this.stats.received++;
    try {
      this.options.onMessage(from, part, body, id);
    } catch (error) {
      // One failing handler must not take the node's networking down with it.
      this.emit({ kind: 'handler-error', peer: from, message: error instanceof Error ? error.message : String(error) });
    }
  }
}

/** The dialing side of one peer link: connect, hello, wait for welcome, reconnect on loss. */
class OutboundLink {
  private ws: WebSocket | undefined;
  private attempt = 0;
  private stopped = false;
  ready = false;

  constructor(
    private readonly transport: Transport,
    readonly peer: NodeId,
    readonly address: PeerAddress,
  ) {}

  connect(): void {
    if (this.stopped || this.transport.isClosed) return;
    const { token, maxFrameBytes } = this.transport.settings;
    const url = `ws://${this.address.host ?? '127.0.0.1'}:${this.address.port}${PEER_PATH}`;
    const ws = new WebSocket(url, { maxPayload: 2 * maxFrameBytes, handshakeTimeout: 5000 });
    this.ws = ws;
    ws.on('open', () => {
      ws.send(encodePeerFrame({ type: 'hello', version: PEER_PROTOCOL_VERSION, node: this.transport.id, to: this.peer, token }));
    });
    ws.on('message', (data: RawData) => {
      const decoded = decodePeerFrame(asBytes(data), maxFrameBytes);
      if (!decoded.ok) {
        this.transport.emit({ kind: 'refused', peer: this.peer, direction: 'out', code: decoded.error.code, message: decoded.error.message });
        return;
      }
      const frame: PeerFrame = decoded.value;
      if (frame.type === 'welcome' && frame.node === this.peer) {
        this.ready = true;
        this.attempt = 0;
        this.transport.emit({ kind: 'peer-up', peer: this.peer, direction: 'out' });
      } else if (frame.type === 'error') {
        // The peer refused one of our frames: a bug or version skew worth seeing.
        this.transport.emit({ kind: 'refused', peer: this.peer, direction: 'out', code: frame.code, message: frame.message });
      }
    });
    ws.on('error', () => undefined); // 'close' follows
    ws.on('close', (code, reason) => {
      const wasReady = this.ready;
      this.ready = false;
      if (this.ws === ws) this.ws = undefined;
      if (wasReady || code >= 4000) {
        this.transport.emit({ kind: 'peer-down', peer: this.peer, direction: 'out', code, reason: reason.toString() });
      }
      this.scheduleReconnect();
    });
  }

  send(text: string, maxBufferedBytes: number): 'sent' | 'unconnected' | 'backpressure' {
    const ws = this.ws;
    if (!this.ready || !ws || ws.readyState !== WebSocket.OPEN) return 'unconnected';
    if (ws.bufferedAmount > maxBufferedBytes) return 'backpressure';
    ws.send(text);
    return 'sent';
  }

  stop(): void {
    this.stopped = true;
    this.ready = false;
    this.ws?.terminate();
    this.ws = undefined;
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.transport.isClosed) return;
    const { reconnectBaseMs, reconnectMaxMs } = this.transport.settings;
    const delay = backoffMs(this.attempt++, reconnectBaseMs, reconnectMaxMs, this.transport.nextRandom());
    this.transport.later(delay, () => this.connect());
  }
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

function asBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return data;
}

function rejectUpgrade(socket: Duplex, status: number, statusText: string, body: string): void {
  socket.end(`HTTP/1.1 ${status} ${statusText}\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}
