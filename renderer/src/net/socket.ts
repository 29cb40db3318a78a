/**
 * The panel's one WebSocket. Frames are parsed as they arrive and queued; one
 * requestAnimationFrame drains the queue into the stores (a burst of frames costs one
 * render). Replies settle their command's promise at once. A socket that closes is
 * reopened with a growing delay (0.25 s doubling to 5 s); a page that never got through
 * after a few tries is told so (most likely a wrong token: the server answers 401 at the
 * upgrade, which a browser cannot read).
 */
import type { CommandResult, PanelClientMessage, PanelCommandInput, PanelServerMessage } from '../../../core/protocol/panel';
import { CommandError, useConnectionStore } from '../stores/connection';
import { Feed, type FeedFrame } from './feed';

export const RETRY_MIN_MS = 250;
export const RETRY_MAX_MS = 5_000;
/** Attempts without ever opening before the page says the link looks wrong. */
export const REFUSED_AFTER = 3;
/** A command with no reply by then fails (the supervisor answers every command). */
export const COMMAND_TIMEOUT_MS = 60_000;

export interface SocketDeps {
  readonly createSocket: (url: string) => WebSocket;
  readonly requestFrame: (cb: () => void) => unknown;
  readonly setTimer: (cb: () => void, ms: number) => unknown;
  readonly clearTimer: (handle: unknown) => void;
  readonly now: () => number;
}

const browserDeps: SocketDeps = {
  createSocket: (url) => new WebSocket(url),
  requestFrame: (cb) => requestAnimationFrame(cb),
  setTimer: (cb, ms) => setTimeout(cb, ms),
  clearTimer: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  now: () => performance.now(),
};

interface Pending {
  resolve(r: CommandResult): void;
  reject(e: Error): void;
  timer: unknown;
}

export class PanelSocket {
  private socket: WebSocket | null = null;
  private queue: FeedFrame[] = [];
  private drainScheduled = false;
  private readonly pending = new Map<string, Pending>();
  private nextId = 1;
  private everOpened = false;
  private retryTimer: unknown = null;
  private closedByUs = false;
  readonly feed: Feed;

  constructor(
    private readonly url: string,
    private readonly deps: SocketDeps = browserDeps,
  ) {
    this.feed = new Feed({
      resync: () => this.send({ type: 'resync' }),
      hello: (h) => {
        useConnectionStore().role = h.role;
      },
    });
  }

  start(): void {
    const conn = useConnectionStore();
    conn.setSender((c) => this.command(c));
    this.closedByUs = false;
    this.open();
  }

  stop(): void {
    this.closedByUs = true;
    if (this.retryTimer !== null) this.deps.clearTimer(this.retryTimer);
    this.retryTimer = null;
    this.socket?.close();
    this.socket = null;
    useConnectionStore().setSender(null);
    this.failPending('the panel closed its connection');
  }

  command(command: PanelCommandInput): Promise<CommandResult> {
    const id = `c${this.nextId++}`;
    return new Promise<CommandResult>((resolve, reject) => {
      if (!this.send({ type: 'command', id, command })) {
        reject(new CommandError('NOT_CONNECTED', 'the panel is not connected to the supervisor'));
        return;
      }
      const timer = this.deps.setTimer(() => {
        this.pending.delete(id);
        reject(new CommandError('TIMEOUT', `no reply to ${command.kind} within ${COMMAND_TIMEOUT_MS / 1000} s`));
      }, COMMAND_TIMEOUT_MS);
      this.pending.set(id, { resolve, reject, timer });
    });
  }

  private send(message: PanelClientMessage): boolean {
    if (this.socket === null || this.socket.readyState !== 1 /* OPEN */) return false;
    this.socket.send(JSON.stringify(message));
    return true;
  }

  private open(): void {
    const conn = useConnectionStore();
    conn.status = this.everOpened ? 'reconnecting' : conn.attempts >= REFUSED_AFTER ? 'refused' : 'connecting';
    conn.retryAtMs = null;
    const ws = this.deps.createSocket(this.url);
    this.socket = ws;
    this.feed.restart();
    ws.onopen = () => {
      if (this.socket !== ws) return;
      this.everOpened = true;
      conn.attempts = 0;
      conn.status = 'open';
    };
    ws.onmessage = (ev: MessageEvent) => {
      if (this.socket !== ws) return;
      this.receive(String(ev.data));
    };
    ws.onclose = () => {
      if (this.socket !== ws) return;
      this.socket = null;
      this.failPending('the connection to the supervisor closed before the reply');
      if (this.closedByUs) return;
      this.scheduleRetry();
    };
  }

  private scheduleRetry(): void {
    const conn = useConnectionStore();
    conn.attempts++;
    conn.role = this.everOpened ? conn.role : null;
    const delay = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** Math.min(conn.attempts - 1, 10));
    conn.status = this.everOpened ? 'reconnecting' : conn.attempts >= REFUSED_AFTER ? 'refused' : 'connecting';
    conn.retryAtMs = this.deps.now() + delay;
    this.retryTimer = this.deps.setTimer(() => {
      this.retryTimer = null;
      this.open();
    }, delay);
  }

  private receive(text: string): void {
    let frame: PanelServerMessage;
    try {
      frame = JSON.parse(text) as PanelServerMessage;
    } catch {
      return; // the supervisor sends JSON only; a broken frame is skipped, a seq gap will resync
    }
    if (frame.type === 'reply') {
      this.settle(frame);
      return;
    }
    this.queue.push(frame);
    if (!this.drainScheduled) {
      this.drainScheduled = true;
      this.deps.requestFrame(() => this.drain());
    }
  }

  /** Applies every queued frame in one go (called once per animation frame). */
  drain(): void {
    this.drainScheduled = false;
    const frames = this.queue;
    this.queue = [];
    if (frames.length > 0) this.feed.applyAll(frames);
  }

  private settle(reply: Extract<PanelServerMessage, { type: 'reply' }>): void {
    if (reply.id === null) return; // an answer to a frame the server could not read
    const p = this.pending.get(reply.id);
    if (!p) return;
    this.pending.delete(reply.id);
    this.deps.clearTimer(p.timer);
    if (reply.ok) p.resolve(reply.result ?? {});
    else p.reject(new CommandError(reply.code, reply.message));
  }

  private failPending(message: string): void {
    for (const [id, p] of this.pending) {
      this.deps.clearTimer(p.timer);
      p.reject(new CommandError('DISCONNECTED', message));
      this.pending.delete(id);
    }
  }
}
