/**
 * A pause without SIGSTOP (Windows has none): the node freezes itself. Every TCP socket of
 * the process is tracked from birth through Node's diagnostics channels (net.client.socket,
 * net.server.socket), so nothing escapes: peer links, /client and /peer connections, ones
 * accepted or dialled while frozen. Frozen, each socket stops reading (paused: the kernel
 * buffers fill, the sender feels backpressure, as with a stopped process) and holds what the
 * node writes (corked: it leaves on thaw, as a stopped process's unsent bytes would). The
 * exempt sockets (the control channel, over which `thaw` arrives) keep flowing; stdin is a
 * pipe, not a TCP socket, so the node still notices its supervisor's death. The host stops
 * its own timers (ticks, status, events) alongside.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { Socket } from 'node:net';

const CHANNELS = ['net.client.socket', 'net.server.socket'] as const;

export class SocketFreezer {
  private readonly sockets = new Set<Socket>();
  private readonly held = new Set<Socket>();
  private frozen = false;
  private readonly onSocket = (message: unknown): void => {
    const socket = (message as { socket?: Socket }).socket;
    if (socket) this.track(socket);
  };

  /** `exempt`: a connected socket that must keep flowing (asked once it has its remote address). */
  constructor(private readonly exempt: (socket: Socket) => boolean) {
    for (const name of CHANNELS) subscribe(name, this.onSocket);
  }

  get isFrozen(): boolean {
    return this.frozen;
  }

  /** Sockets held now (tests and the status line). */
  get heldCount(): number {
    return this.held.size;
  }

  freeze(): void {
    if (this.frozen) return;
    this.frozen = true;
    for (const socket of this.sockets) this.consider(socket);
  }

  thaw(): void {
    if (!this.frozen) return;
    this.frozen = false;
    for (const socket of [...this.held]) this.release(socket);
  }

  close(): void {
    for (const name of CHANNELS) unsubscribe(name, this.onSocket);
    this.thaw();
    this.sockets.clear();
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => {
      this.sockets.delete(socket);
      this.held.delete(socket);
    });
    // Whatever resumes a held socket (a library's own flow control) is undone at once.
    socket.on('resume', () => {
      if (this.held.has(socket)) socket.pause();
    });
    if (this.frozen) this.consider(socket);
  }

  /** Holds a socket unless exempt; one still connecting is held now and judged once connected. */
  private consider(socket: Socket): void {
    if (this.held.has(socket) || socket.destroyed) return;
    if (socket.connecting) {
      this.hold(socket);
      socket.once('connect', () => {
        if (this.exempt(socket)) this.release(socket);
      });
      return;
    }
    if (!this.exempt(socket)) this.hold(socket);
  }

  private hold(socket: Socket): void {
    this.held.add(socket);
    socket.pause();
    socket.cork();
  }

  private release(socket: Socket): void {
    if (!this.held.delete(socket)) return;
    socket.uncork();
    socket.resume();
  }
}

/** The control channel's socket: dialled by this node to the supervisor's port on loopback. */
export function isSocketTo(port: number): (socket: Socket) => boolean {
  return (socket) => socket.remotePort === port && (socket.remoteAddress === '127.0.0.1' || socket.remoteAddress === '::1' || socket.remoteAddress === '::ffff:127.0.0.1');
}
