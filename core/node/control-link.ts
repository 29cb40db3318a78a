/**
 * The node's side of the control channel (core/protocol/control.ts): it registers with the
 * supervisor, learns its peers' ports and the faults to enforce, and reports status and
 * events. It reconnects if the supervisor restarts; without a supervisor the node still
 * runs (with the peers it was given).
 */
import WebSocket from 'ws';
import { backoffMs } from '../algorithms/common';
import { CONTROL_MAX_FRAME_BYTES, toNodeSchema, type FromNode, type NodeEvent, type ToNode } from '../protocol/control';
import { NODE_ID_HEADER } from './credentials';

export interface ControlLinkOptions {
  readonly url: string;
  /** This node's own secret (core/node/credentials.ts): it registers this id and no other. */
  readonly secret: string;
  readonly id: string;
  readonly port: number;
  readonly onCommand: (msg: ToNode) => void;
}

export class ControlLink {
  private socket: WebSocket | undefined;
  private attempt = 0;
  private closed = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: ControlLinkOptions) {}

  start(): void {
    if (this.closed) return;
    const socket = new WebSocket(this.options.url, {
      headers: { authorization: `Bearer ${this.options.secret}`, [NODE_ID_HEADER]: this.options.id },
      maxPayload: CONTROL_MAX_FRAME_BYTES,
      perMessageDeflate: false,
    });
    this.socket = socket;
    socket.on('open', () => {
      this.attempt = 0;
      this.send({ type: 'register', id: this.options.id, pid: process.pid, port: this.options.port });
    });
    socket.on('message', (data) => {
      let raw: unknown;
      try {
        raw = JSON.parse(data.toString());
      } catch {
        return;
      }
      const parsed = toNodeSchema.safeParse(raw);
      if (parsed.success) this.options.onCommand(parsed.data);
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      if (this.closed) return;
      this.timer = setTimeout(() => this.start(), backoffMs(this.attempt++, 50, 2_000, Math.random()));
    });
  }

  get connected(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  send(msg: FromNode): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(msg));
  }

  status(status: Record<string, unknown>): void {
    this.send({ type: 'status', id: this.options.id, status });
  }

  events(events: NodeEvent[], dropped: number): void {
    if (events.length > 0 || dropped > 0) this.send({ type: 'events', id: this.options.id, events, dropped });
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.socket?.close();
  }
}
