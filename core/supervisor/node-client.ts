/**
 * A client of one node's client API (core/protocol/client.ts): one WebSocket, `hello`
 * with the client token, then requests matched to replies by id. A request that gets no
 * reply in time resolves as TIMEOUT (its outcome is unknown: it may still take effect),
 * and a closed socket fails every pending request as UNAVAILABLE (also unknown).
 */
import WebSocket from 'ws';
import type { ClientReply, ClientRequest } from '../protocol/client';

export type ReplyFrame = Extract<ClientReply, { type: 'reply' }>;
type RequestBody = ClientRequest extends infer R ? (R extends { id: string } ? Omit<R, 'id'> : never) : never;

const REPLY_MAX_BYTES = 64 << 20;

interface Pending {
  resolve(reply: ReplyFrame): void;
  timer: NodeJS.Timeout;
}

export class NodeClient {
  private readonly pending = new Map<string, Pending>();
  private nextId = 1;
  private closed = false;

  private constructor(
    readonly node: string,
    private readonly socket: WebSocket,
  ) {
    socket.on('message', (data) => this.onFrame(data.toString()));
    socket.on('close', () => this.failAll('UNAVAILABLE', `connection to ${node} closed`));
    socket.on('error', () => {});
  }

  /** Connects and says hello; rejects if the node refuses or does not answer in time. */
  static connect(url: string, token: string, client: string, timeoutMs = 3_000): Promise<NodeClient> {
    return new Promise((resolve, reject) => {
      // Replies come from our own node, but are still bounded (a status is KiBs, a txn read MiBs at most).
      const socket = new WebSocket(url, { handshakeTimeout: timeoutMs, maxPayload: REPLY_MAX_BYTES, perMessageDeflate: false });
      const timer = setTimeout(() => {
        socket.terminate();
        reject(new Error(`no welcome from ${url} within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      socket.once('open', () => socket.send(JSON.stringify({ type: 'hello', token, client })));
      socket.once('message', (data) => {
        clearTimeout(timer);
        let frame: ClientReply;
        try {
          frame = JSON.parse(data.toString()) as ClientReply;
        } catch {
          socket.terminate();
          return reject(new Error(`malformed welcome from ${url}`));
        }
        if (frame.type !== 'welcome') {
          socket.terminate();
          return reject(new Error(`${url} refused the connection: ${'message' in frame ? frame.message : frame.type}`));
        }
        socket.removeAllListeners('error');
        resolve(new NodeClient(frame.node, socket));
      });
    });
  }

  get isOpen(): boolean {
    return !this.closed && this.socket.readyState === WebSocket.OPEN;
  }

  request(body: RequestBody, timeoutMs: number): Promise<ReplyFrame> {
    const id = String(this.nextId++);
    if (!this.isOpen) {
      return Promise.resolve({ type: 'reply', id, ok: false, code: 'UNAVAILABLE', message: `not connected to ${this.node}` });
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        resolve({ type: 'reply', id, ok: false, code: 'TIMEOUT', message: `no reply from ${this.node} within ${timeoutMs} ms` });
      }, timeoutMs);
      this.pending.set(id, { resolve, timer });
      this.socket.send(JSON.stringify({ ...body, id }));
    });
  }

  private onFrame(text: string): void {
    let frame: ClientReply;
    try {
      frame = JSON.parse(text) as ClientReply;
    } catch {
      return;
    }
    if (frame.type === 'welcome') return;
    const id = frame.id;
    if (id === undefined) return;
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    clearTimeout(p.timer);
    p.resolve(frame.type === 'reply' ? frame : { type: 'reply', id, ok: false, code: frame.code, message: frame.message });
  }

  private failAll(code: 'UNAVAILABLE', message: string): void {
    this.closed = true;
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.resolve({ type: 'reply', id, ok: false, code, message });
    }
    this.pending.clear();
  }

  close(): void {
    this.closed = true;
    this.socket.close();
  }
}
