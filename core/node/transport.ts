/**
 * Node <-> node messaging over WebSockets on 127.0.0.1.
 *
 * Each node listens (inbound: frames it RECEIVES) and dials every peer (outbound: frames
 * it SENDS), so a link direction is one socket and a one-way cut is just that socket's
 * frames being dropped. Outbound links reconnect forever with randomized back-off.
 *
 * Guard rails, in order: only 127.0.0.1 may connect (403); a browser Origin not in the
 * allow-list is refused (403); each endpoint caps its open connections (503). On /peer the
 * listener sends a challenge, and the first frame must be a `hello` that proves the key of
 * this very link (core/node/credentials.ts), within 4 KiB and 5 s (else close 4401/4413/4408):
 * the client token, or another link's key, opens nothing. Every later frame is decoded by
 * core/protocol, and a bad one gets an `error` frame back and never reaches the handler.
 * Faults (LinkFaults) are applied to what passes.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, type RawData, type WebSocketServer } from 'ws';
import { backoffMs, type NodeId } from '../algorithms/common';
import {
  PEER_HELLO_MAX_BYTES,
  PEER_PARTS,
  PEER_PROTOCOL_VERSION,
  decodePeerFrame,
  encodePeerFrame,
  type PeerFrame,
  type ProtocolErrorCode,
} from '../protocol';
import { helloProof, nonce, sameSecret, welcomeProof } from './credentials';
import { CLOSE_CODES, HTTP_SERVER_OPTIONS, acceptUpgrade, closeReason, boundHttpServer, guardedServer, quietSocket, refuseUpgrade, type GuardedSocket, type UpgradePolicy } from './guarded-socket';
import { LinkFaults, type Direction } from './link-faults';

export { CLOSE_CODES } from './guarded-socket';

export const PEER_PATH = '/peer';

/**
 * Peer frames may be far larger than client frames: a catch-up reply carries up to a
 * batch of log entries (256 x a 64 KiB value in the worst case). Refusing one would stop
 * a lagging replica from ever catching up, so the node-to-node limit is 16 MiB.
 */
export const PEER_MAX_FRAME_BYTES = 16 * 1024 * 1024;
/** Inbound peer connections at most (every other node dials once; restarts overlap briefly). */
export const PEER_MAX_CONNECTIONS = 64;
/** A node sends a peer only welcomes and error frames: a peer that reads none of them is gone. */
const PEER_INBOUND_MAX_BUFFERED_BYTES = 1 << 20;
/** Every TCP connection of a node's port (each endpoint's cap plus upgrades in flight). */
const NODE_MAX_TCP_CONNECTIONS = 2048;
/**
 * Bytes queued on one outbound socket beyond which frames are dropped: a peer that is
 * paused (SIGSTOP) keeps its socket open but reads nothing, and the queue must not grow
 * without bound. Dropping is what a real network does; the algorithms retry.
 */
export const MAX_BUFFERED_BYTES = 32 * 1024 * 1024;

export interface PeerAddress {
  readonly host?: string;
  readonly port: number;
  /** The key of the link between this node and that peer (hex), from the supervisor. */
  readonly key?: string;
}

/** Another WebSocket endpoint on the node's port (e.g. the client API), with its limits. */
export interface EndpointSpec {
  /** Called with each accepted socket; the endpoint owns its hello (see GuardedSocket.guardPreAuth). */
  readonly accept: (socket: GuardedSocket, request: IncomingMessage) => void;
  readonly maxPayloadBytes: number;
  readonly maxConnections: number;
  readonly maxBufferedBytes: number;
}

export type TransportEvent =
  | { readonly kind: 'peer-up'; readonly peer: NodeId; readonly direction: Direction }
  | { readonly kind: 'peer-down'; readonly peer: NodeId; readonly direction: Direction; readonly code: number; readonly reason: string }
  /** A frame or connection this node refused (inbound) or a refusal a peer reported (outbound). */
  | { readonly kind: 'refused'; readonly peer?: NodeId; readonly direction: Direction; readonly code: ProtocolErrorCode | string; readonly message: string }
  | { readonly kind: 'handler-error'; readonly peer: NodeId; readonly message: string };

export interface TransportOptions {
  readonly id: NodeId;
  /** Keys of this node's links by peer id (hex); setPeers adds the ones the supervisor sends. */
  readonly linkKeys?: Readonly<Record<NodeId, string>>;
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
  readonly endpoints?: Readonly<Record<string, EndpointSpec>>;
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
  private readonly keys: Map<NodeId, string>;
  private readonly links = new Map<NodeId, OutboundLink>();
  private readonly inbound = new Set<WebSocket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private server: Server | undefined;
  /** One ws server per path, each with its own frame limit and connection cap. */
  private readonly servers = new Map<string, { wss: WebSocketServer; policy: UpgradePolicy; accept: (ws: GuardedSocket, req: IncomingMessage) => void }>();
  private listeningPort: number | undefined;
  private closed = false;

  constructor(private readonly options: TransportOptions) {
    this.random = options.random ?? Math.random;
    this.faults = new LinkFaults(this.random);
    this.maxFrameBytes = options.maxFrameBytes ?? PEER_MAX_FRAME_BYTES;
    this.keys = new Map(Object.entries(options.linkKeys ?? {}));
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
    const peerPolicy: UpgradePolicy = {
      label: PEER_PATH,
      // Up to twice the limit a frame is read and answered FRAME_TOO_LARGE (the sender
      // learns what it did); beyond that ws closes the socket from the frame header (1009).
      maxPayloadBytes: 2 * this.maxFrameBytes,
      maxConnections: PEER_MAX_CONNECTIONS,
      maxBufferedBytes: PEER_INBOUND_MAX_BUFFERED_BYTES,
      localOnly: true,
    };
    this.servers.set(PEER_PATH, { wss: guardedServer(peerPolicy.maxPayloadBytes), policy: peerPolicy, accept: (ws, req) => this.acceptPeer(ws, req) });
    for (const [path, spec] of Object.entries(this.options.endpoints ?? {})) {
      const policy: UpgradePolicy = { label: path, maxPayloadBytes: spec.maxPayloadBytes, maxConnections: spec.maxConnections, maxBufferedBytes: spec.maxBufferedBytes, localOnly: true };
      this.servers.set(path, { wss: guardedServer(spec.maxPayloadBytes), policy, accept: spec.accept });
    }
    const server = createServer(HTTP_SERVER_OPTIONS, (_req, res) => {
      res.writeHead(426, { 'content-type': 'text/plain' }).end('WebSocket only\n');
    });
    boundHttpServer(server, NODE_MAX_TCP_CONNECTIONS);
    server.on('upgrade', (req, socket, head) => this.upgrade(req, socket, head));
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

  /** Dials new peers, re-dials moved ones, hangs up on removed ones; learns their link keys. */
  setPeers(peers: Readonly<Record<NodeId, PeerAddress>>): void {
    for (const [peer, address] of Object.entries(peers)) if (address.key !== undefined) this.keys.set(peer, address.key);
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
        // A link cut while the frame waits loses it, as a cable pulled under a packet in flight.
        this.later(delay, () => (this.faults.rule('out', to).cut === true ? void this.stats.faultDropped++ : this.sendNow(link, text)));
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
    for (const { wss } of this.servers.values()) {
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    }
    const server = this.server;
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

  /** @internal The key of the link to `peer`, once known. */
  keyFor(peer: NodeId): string | undefined {
    return this.keys.get(peer);
  }

  /** @internal */
  get settings(): { maxFrameBytes: number; reconnectBaseMs: number; reconnectMaxMs: number } {
    return {
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
    quietSocket(socket);
    const path = (req.url ?? '').split('?')[0] ?? '';
    const entry = this.servers.get(path);
    if (!entry) {
      refuseUpgrade(socket, 404, 'Not Found', `no WebSocket endpoint ${path}; expected ${[...this.servers.keys()].join(' or ')}`);
      return;
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !(this.options.allowedOrigins ?? []).includes(origin)) {
      this.emit({ kind: 'refused', direction: 'in', code: 'FORBIDDEN_ORIGIN', message: `Origin ${origin} is not allowed` });
      refuseUpgrade(socket, 403, 'Forbidden', `Origin ${origin} is not allowed to connect to node ${this.id}`);
      return;
    }
    if (this.closed) {
      refuseUpgrade(socket, 503, 'Service Unavailable', 'node is shutting down');
      return;
    }
    const refused = acceptUpgrade(entry.wss, entry.policy, req, socket, head, (ws) => entry.accept(ws, req));
    if (refused !== undefined) this.emit({ kind: 'refused', direction: 'in', code: 'CONNECTION_REFUSED', message: refused });
  }

  private acceptPeer(ws: GuardedSocket, req: IncomingMessage): void {
    this.inbound.add(ws);
    let from: NodeId | undefined;
    let refused = false;
    const challenge = nonce();
    ws.guardPreAuth(
      req.socket,
      (_code, reason) => this.emit({ kind: 'refused', direction: 'in', code: 'UNAUTHORIZED', message: reason }),
      PEER_HELLO_MAX_BYTES,
      this.options.helloTimeoutMs ?? 5000,
    );
    ws.on('close', (code, reason) => {
      this.inbound.delete(ws);
      if (from !== undefined) this.emit({ kind: 'peer-down', peer: from, direction: 'in', code, reason: reason.toString() });
    });
    ws.on('message', (data: RawData) => {
      if (refused || ws.closedBecause !== undefined) return;
      const bytes = asBytes(data);
      if (from === undefined) {
        const verdict = bytes.byteLength > PEER_HELLO_MAX_BYTES
          ? { code: CLOSE_CODES.HELLO_TOO_LARGE, reason: `HELLO_TOO_LARGE: a ${bytes.byteLength}-byte first frame is no hello (limit ${PEER_HELLO_MAX_BYTES})` }
          : this.checkHello(decodePeerFrame(bytes, PEER_HELLO_MAX_BYTES), challenge);
        if ('peer' in verdict) {
          from = verdict.peer;
          ws.authenticated();
          ws.send(encodePeerFrame({ type: 'welcome', node: this.id, proof: verdict.proof }));
          this.emit({ kind: 'peer-up', peer: from, direction: 'in' });
        } else {
          refused = true;
          this.emit({ kind: 'refused', direction: 'in', code: 'UNAUTHORIZED', message: verdict.reason });
          ws.closeFirmly(verdict.code, verdict.reason);
        }
        return;
      }
      const decoded = decodePeerFrame(bytes, this.maxFrameBytes, this.options.parts ?? PEER_PARTS);
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
    ws.send(encodePeerFrame({ type: 'challenge', node: this.id, nonce: challenge }));
  }

  /** The peer's id and our proof when the hello proves its link key; otherwise the close code and reason. */
  private checkHello(decoded: ReturnType<typeof decodePeerFrame>, challenge: string): { peer: NodeId; proof: string } | { code: number; reason: string } {
    if (!decoded.ok) return { code: CLOSE_CODES.UNAUTHORIZED, reason: `UNAUTHORIZED: bad hello (${decoded.error.code}: ${decoded.error.message})` };
    const hello = decoded.value;
    if (hello.type !== 'hello') return { code: CLOSE_CODES.UNAUTHORIZED, reason: `UNAUTHORIZED: first frame must be hello, got ${hello.type}` };
    if (hello.to !== this.id) return { code: CLOSE_CODES.WRONG_NODE, reason: `WRONG_NODE: this is ${this.id}, not ${hello.to}` };
    const key = hello.node === this.id ? undefined : this.keys.get(hello.node);
    if (key === undefined) return { code: CLOSE_CODES.UNAUTHORIZED, reason: `UNAUTHORIZED: ${this.id} has no link with ${hello.node}` };
    if (!sameSecret(hello.proof, helloProof(key, hello.node, this.id, challenge, hello.nonce))) {
      return { code: CLOSE_CODES.UNAUTHORIZED, reason: `UNAUTHORIZED: the hello does not prove the key of the link ${hello.node}-${this.id}` };
    }
    return { peer: hello.node, proof: welcomeProof(key, this.id, hello.node, challenge, hello.nonce) };
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
    const { maxFrameBytes } = this.transport.settings;
    const url = `ws://${this.address.host ?? '127.0.0.1'}:${this.address.port}${PEER_PATH}`;
    const ws = new WebSocket(url, { maxPayload: maxFrameBytes, handshakeTimeout: 5000, perMessageDeflate: false });
    this.ws = ws;
    let challenge: { acceptor: string; dialer: string } | undefined;
    const giveUp = (code: number, reason: string): void => {
      this.transport.emit({ kind: 'refused', peer: this.peer, direction: 'out', code: 'UNAUTHORIZED', message: reason });
      ws.close(code, closeReason(reason));
    };
    ws.on('message', (data: RawData) => {
      const decoded = decodePeerFrame(asBytes(data), maxFrameBytes);
      if (!decoded.ok) {
        this.transport.emit({ kind: 'refused', peer: this.peer, direction: 'out', code: decoded.error.code, message: decoded.error.message });
        return;
      }
      const frame: PeerFrame = decoded.value;
      if (frame.type === 'challenge' && challenge === undefined && !this.ready) {
        if (frame.node !== this.peer) return giveUp(CLOSE_CODES.WRONG_NODE, `WRONG_NODE: expected ${this.peer}, reached ${frame.node}`);
        const key = this.transport.keyFor(this.peer);
        if (key === undefined) return giveUp(CLOSE_CODES.UNAUTHORIZED, `UNAUTHORIZED: no link key for ${this.peer} yet`);
        challenge = { acceptor: frame.nonce, dialer: nonce() };
        const proof = helloProof(key, this.transport.id, this.peer, challenge.acceptor, challenge.dialer);
        ws.send(encodePeerFrame({ type: 'hello', version: PEER_PROTOCOL_VERSION, node: this.transport.id, to: this.peer, nonce: challenge.dialer, proof }));
      } else if (frame.type === 'welcome' && challenge !== undefined && !this.ready) {
        const key = this.transport.keyFor(this.peer);
        const expected = key === undefined ? undefined : welcomeProof(key, this.peer, this.transport.id, challenge.acceptor, challenge.dialer);
        if (frame.node !== this.peer || !sameSecret(frame.proof, expected)) {
          return giveUp(CLOSE_CODES.UNAUTHORIZED, `UNAUTHORIZED: ${this.peer} did not prove the link key`);
        }
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

function asBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return data;
}

