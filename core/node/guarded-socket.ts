/**
 * What every server-side WebSocket of the project (a node's /peer and /client, the
 * supervisor's /node and /panel) shares, so that no frame and no client can take a
 * process down or make it buffer without bound:
 *
 * - `guardedServer()`: a ws server whose sockets are `GuardedSocket`s, with a frame limit
 *   (ws refuses a bigger frame from its header, before buffering it: close 1009).
 * - `GuardedSocket.send` bounds the unsent output: a reader that falls behind by more than
 *   `maxBufferedBytes` is closed (4429) instead of being buffered for forever.
 * - `GuardedSocket.close` fills in a reason for the closes ws makes on bad input
 *   (1009 too large, 1007 not UTF-8, 1002 protocol error), so the peer learns why.
 * - `guardPreAuth`: before its hello is accepted, a connection may send `maxBytes` and must
 *   finish within `timeoutMs`; counted on the raw TCP bytes, so a frame that is still
 *   arriving is cut off early (4413 / 4408).
 * - `acceptUpgrade`: the checks every endpoint makes before the WebSocket exists: loopback
 *   peers only (unless the endpoint is meant for a network), a cap on open connections
 *   (503 beyond it), and an error handler on the raw socket (a reset must not throw).
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';

/** Close codes of the project's sockets (4000-4999 are for applications). */
export const CLOSE_CODES = {
  SHUTDOWN: 1001,
  PROTOCOL_ERROR: 1002,
  INVALID_UTF8: 1007,
  FRAME_TOO_LARGE: 1009,
  UNAUTHORIZED: 4401,
  WRONG_NODE: 4404,
  HELLO_TIMEOUT: 4408,
  HELLO_TOO_LARGE: 4413,
  SLOW_READER: 4429,
} as const;

/** Before its hello is accepted a connection may send this many bytes (a hello is ~300). */
export const PRE_AUTH_MAX_BYTES = 4096;
/** ... and must be done within this. */
export const PRE_AUTH_TIMEOUT_MS = 5_000;
/** After a close we asked for, the socket is destroyed this much later if the peer never answers. */
const CLOSE_GRACE_MS = 1_000;
/** ws frame header bytes at most (2 + 8 length + 4 mask), counted on top of a pre-auth payload. */
const FRAME_HEADER_BYTES = 14;

export interface SocketLimits {
  /** Names the endpoint in close reasons (e.g. "/client"). */
  readonly label: string;
  readonly maxPayloadBytes: number;
  readonly maxBufferedBytes: number;
}

type SendCallback = (err?: Error) => void;

export class GuardedSocket extends WebSocket {
  private limits: SocketLimits = { label: 'socket', maxPayloadBytes: 1 << 20, maxBufferedBytes: 8 << 20 };
  private preAuthDone: (() => void) | undefined;
  private graceTimer: NodeJS.Timeout | undefined;
  /** Why this side closed the socket, if it did (for the owner's bookkeeping). */
  closedBecause: string | undefined;

  configure(limits: SocketLimits): void {
    this.limits = limits;
  }

  /** Sends unless the reader is too far behind; then closes it (SLOW_READER) and drops the frame. */
  override send(data: Parameters<WebSocket['send']>[0], optionsOrCb?: object | SendCallback, cb?: SendCallback): void {
    if (this.readyState !== WebSocket.OPEN) return;
    const size = typeof data === 'string' ? Buffer.byteLength(data) : (data as { byteLength?: number }).byteLength ?? 0;
    if (this.bufferedAmount + size > this.limits.maxBufferedBytes) {
      this.closeFirmly(
        CLOSE_CODES.SLOW_READER,
        `SLOW_READER: more than ${this.limits.maxBufferedBytes} bytes unread on ${this.limits.label}`,
      );
      return;
    }
    if (typeof optionsOrCb === 'function') super.send(data, optionsOrCb as SendCallback);
    else if (optionsOrCb !== undefined) super.send(data, optionsOrCb, cb);
    else super.send(data, cb);
  }

  /** ws closes with a bare code on bad input; say what was wrong. */
  override close(code?: number, reason?: string | Buffer): void {
    if (code !== undefined && reason === undefined) {
      const why = this.reasonFor(code);
      if (why !== undefined) {
        this.closedBecause ??= why;
        return super.close(code, closeReason(why));
      }
    }
    super.close(code, typeof reason === 'string' ? closeReason(reason) : reason);
  }

  /** Closes with a reason, and destroys the socket soon after if the peer never answers. */
  closeFirmly(code: number, reason: string): void {
    this.closedBecause ??= reason;
    if (this.readyState === WebSocket.OPEN || this.readyState === WebSocket.CONNECTING) super.close(code, closeReason(reason));
    if (this.graceTimer === undefined && this.readyState !== WebSocket.CLOSED) {
      this.graceTimer = setTimeout(() => this.terminate(), CLOSE_GRACE_MS);
      this.graceTimer.unref();
      this.once('close', () => clearTimeout(this.graceTimer));
    }
  }

  /**
   * Until `authenticated()` is called, at most `maxBytes` (plus one frame header) may
   * arrive and it must happen within `timeoutMs`; else the socket is closed with a reason
   * and `onRefuse` hears why.
   */
  guardPreAuth(raw: Duplex, onRefuse?: (code: number, reason: string) => void, maxBytes = PRE_AUTH_MAX_BYTES, timeoutMs = PRE_AUTH_TIMEOUT_MS): void {
    let bytes = 0;
    let finished = false;
    const refuse = (code: number, reason: string): void => {
      if (finished) return;
      done();
      onRefuse?.(code, reason);
      this.closeFirmly(code, reason);
    };
    const onData = (chunk: Buffer): void => {
      // ws reads each chunk first: a hello accepted within this very chunk ends the budget
      // before this listener runs (an emitter still calls a listener removed mid-emit).
      if (finished) return;
      bytes += chunk.length;
      if (bytes > maxBytes + FRAME_HEADER_BYTES) {
        refuse(CLOSE_CODES.HELLO_TOO_LARGE, `HELLO_TOO_LARGE: more than ${maxBytes} bytes before the hello on ${this.limits.label}`);
      }
    };
    const timer = setTimeout(() => refuse(CLOSE_CODES.HELLO_TIMEOUT, `HELLO_TIMEOUT: no hello within ${timeoutMs} ms on ${this.limits.label}`), timeoutMs);
    const done = (): void => {
      finished = true;
      clearTimeout(timer);
      raw.off('data', onData);
      this.preAuthDone = undefined;
    };
    raw.on('data', onData);
    this.once('close', done);
    this.preAuthDone = done;
  }

  /** The hello was good: lift the pre-authentication limits. */
  authenticated(): void {
    this.preAuthDone?.();
  }

  private reasonFor(code: number): string | undefined {
    const where = this.limits.label;
    switch (code) {
      case CLOSE_CODES.FRAME_TOO_LARGE:
        return `FRAME_TOO_LARGE: frames on ${where} are limited to ${this.limits.maxPayloadBytes} bytes`;
      case CLOSE_CODES.INVALID_UTF8:
        return `MALFORMED: a text frame on ${where} was not valid UTF-8`;
      case CLOSE_CODES.PROTOCOL_ERROR:
        return `PROTOCOL_ERROR: not a valid WebSocket frame on ${where}`;
      default:
        return undefined;
    }
  }
}

/**
 * A close reason as the WebSocket frame allows it: at most 123 bytes of UTF-8. ws throws
 * on a longer one, and a reason may quote what a peer sent.
 */
export function closeReason(text: string): string {
  let out = text;
  while (Buffer.byteLength(out) > 123) out = out.slice(0, Math.min(out.length - 1, 123));
  // Never end on half a surrogate pair (it would arrive as a replacement character).
  return out.length < text.length && /[\uD800-\uDBFF]$/.test(out) ? out.slice(0, -1) : out;
}

/** A ws server (noServer) whose sockets are GuardedSockets with these limits. */
export function guardedServer(maxPayloadBytes: number): WebSocketServer {
  return new WebSocketServer({ noServer: true, maxPayload: maxPayloadBytes, WebSocket: GuardedSocket, perMessageDeflate: false, clientTracking: true });
}

/** True for a connection from this machine's loopback address (IPv4 or IPv6). */
export function isLoopbackPeer(address: string | undefined): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}

export interface UpgradePolicy {
  readonly label: string;
  readonly maxPayloadBytes: number;
  readonly maxBufferedBytes: number;
  /** Open connections allowed on this endpoint; more are refused with 503. */
  readonly maxConnections: number;
  /** true: only 127.0.0.1 / ::1 may connect (403 otherwise). */
  readonly localOnly: boolean;
}

/**
 * The endpoint-independent part of an upgrade: the address check, the connection cap,
 * then the handshake. Calls `onSocket` with a configured GuardedSocket, or refuses with an
 * HTTP status and a reason (returned for the caller's event log).
 */
export function acceptUpgrade(
  wss: WebSocketServer,
  policy: UpgradePolicy,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  onSocket: (ws: GuardedSocket) => void,
): string | undefined {
  if (policy.localOnly && !isLoopbackPeer(req.socket.remoteAddress)) {
    return refuseUpgrade(socket, 403, 'Forbidden', `${policy.label} accepts connections from 127.0.0.1 only, not ${req.socket.remoteAddress ?? 'unknown'}`);
  }
  if (wss.clients.size >= policy.maxConnections) {
    return refuseUpgrade(socket, 503, 'Service Unavailable', `${policy.label} has its ${policy.maxConnections} connections; try again later`);
  }
  wss.handleUpgrade(req, socket, head, (ws) => {
    const guarded = ws as GuardedSocket;
    guarded.configure({ label: policy.label, maxPayloadBytes: policy.maxPayloadBytes, maxBufferedBytes: policy.maxBufferedBytes });
    // ws emits 'error' for every refused frame (too large, bad UTF-8) and then closes the
    // socket itself; without a listener that error would be thrown and end the process.
    guarded.on('error', () => undefined);
    onSocket(guarded);
  });
  return undefined;
}

/** Answers an upgrade request with an HTTP error and ends the socket. Returns the reason. */
export function refuseUpgrade(socket: Duplex, status: number, statusText: string, reason: string): string {
  if (socket.writable) {
    socket.end(`HTTP/1.1 ${status} ${statusText}\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(reason) + 1}\r\nConnection: close\r\n\r\n${reason}\n`);
  }
  return reason;
}

/** Node's http server hands an upgrading socket over without an error listener. */
export function quietSocket(socket: Duplex): void {
  if (socket.listenerCount('error') === 0) socket.on('error', () => undefined);
}

/**
 * Options for every HTTP server that carries WebSockets: a request (the upgrade request
 * itself) must have its headers within 5 s, and Node checks for late ones every second
 * (its default is every 30 s), so a connection that never asks for anything is gone soon.
 */
export const HTTP_SERVER_OPTIONS = {
  headersTimeout: PRE_AUTH_TIMEOUT_MS,
  requestTimeout: 2 * PRE_AUTH_TIMEOUT_MS,
  connectionsCheckingInterval: 1_000,
} as const;

/** Caps the server's TCP connections; an accept that fails never ends the process. */
export function boundHttpServer(server: import('node:http').Server, maxConnections: number): void {
  server.maxConnections = maxConnections;
  // An accept that fails (too many open files) must not end the process.
  server.on('error', () => undefined);
}
