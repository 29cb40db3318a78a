/**
 * A WebSocket client made of a bare TCP socket, for tests that must send what no library
 * would (unmasked, fragmented or half-sent frames, bad opcodes, bytes before a hello) or
 * behave as no library does (stop reading, open thousands of connections cheaply).
 */
import { connect, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';

export interface RawOptions {
  readonly headers?: Readonly<Record<string, string>>;
  /** Connect from this local address (e.g. 127.0.0.2 to look like another machine). */
  readonly localAddress?: string;
  readonly timeoutMs?: number;
}

export interface RawUpgrade {
  readonly socket: Socket;
  /** HTTP status of the upgrade answer (101 when it became a WebSocket). */
  readonly status: number;
  /** The answer's body when it was refused. */
  readonly body: string;
  /** Bytes after the 101 head: the first WebSocket frames. */
  readonly rest: Buffer;
}

/** Opens a TCP connection and asks for a WebSocket upgrade of `path`. */
export function rawUpgrade(port: number, path: string, options: RawOptions = {}): Promise<RawUpgrade> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, ...(options.localAddress ? { localAddress: options.localAddress } : {}) });
    let head = Buffer.alloc(0);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no upgrade answer from :${port}${path}`));
    }, options.timeoutMs ?? 10_000);
    socket.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    socket.on('connect', () => {
      const headers = {
        Host: `127.0.0.1:${port}`,
        Upgrade: 'websocket',
        Connection: 'Upgrade',
        'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
        'Sec-WebSocket-Version': '13',
        ...options.headers,
      };
      socket.write(`GET ${path} HTTP/1.1\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`);
    });
    const onData = (chunk: Buffer): void => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head.subarray(0, end).toString())?.[1] ?? 0);
      if (status !== 101) {
        // A refusal: read its body to the end.
        socket.once('close', () => {
          clearTimeout(timer);
          resolve({ socket, status, body: head.subarray(end + 4).toString(), rest: Buffer.alloc(0) });
        });
        return;
      }
      clearTimeout(timer);
      socket.off('data', onData);
      socket.removeAllListeners('error');
      socket.on('error', () => undefined);
      resolve({ socket, status, body: '', rest: head.subarray(end + 4) });
    };
    socket.on('data', onData);
    // Closed before any answer head (a request the HTTP parser refused outright): status 0.
    socket.once('close', () => {
      if (head.includes('\r\n\r\n')) return; // answered: the handlers above resolve
      clearTimeout(timer);
      resolve({ socket, status: 0, body: head.toString(), rest: Buffer.alloc(0) });
    });
  });
}

export const OPCODES = { continuation: 0, text: 1, binary: 2, close: 8, ping: 9, pong: 10 } as const;

/** One client frame: masked unless told otherwise, `fin` unless told otherwise. */
export function frame(opcode: number, payload: Buffer | string, options: { fin?: boolean; mask?: boolean; rsv?: number } = {}): Buffer {
  const data = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const mask = options.mask ?? true;
  const first = ((options.fin ?? true) ? 0x80 : 0) | ((options.rsv ?? 0) << 4) | (opcode & 0x0f);
  let header: Buffer;
  if (data.length < 126) header = Buffer.from([first, (mask ? 0x80 : 0) | data.length]);
  else if (data.length < 65536) {
    header = Buffer.alloc(4);
    header[0] = first;
    header[1] = (mask ? 0x80 : 0) | 126;
    header.writeUInt16BE(data.length, 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = first;
    header[1] = (mask ? 0x80 : 0) | 127;
    header.writeBigUInt64BE(BigInt(data.length), 2);
  }
  if (!mask) return Buffer.concat([header, data]);
  const key = randomBytes(4);
  const body = Buffer.alloc(data.length);
  for (let i = 0; i < data.length; i++) body[i] = data[i]! ^ key[i % 4]!;
  return Buffer.concat([header, key, body]);
}

/** Only the header of a frame announcing `length` bytes (its payload is never sent in full). */
export function frameHeader(opcode: number, length: number): Buffer {
  const header = Buffer.alloc(14);
  header[0] = 0x80 | opcode;
  header[1] = 0x80 | 127;
  header.writeBigUInt64BE(BigInt(length), 2);
  randomBytes(4).copy(header, 10);
  return header;
}

export interface ServerFrame {
  readonly opcode: number;
  readonly payload: Buffer;
}

/** Reads the server's (unmasked) frames from a stream of bytes. */
export class FrameReader {
  private buffer = Buffer.alloc(0);
  readonly frames: ServerFrame[] = [];

  push(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      if (this.buffer.length < 2) return;
      const opcode = this.buffer[0]! & 0x0f;
      let length = this.buffer[1]! & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (this.buffer.length < 4) return;
        length = this.buffer.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (this.buffer.length < 10) return;
        length = Number(this.buffer.readBigUInt64BE(2));
        offset = 10;
      }
      if (this.buffer.length < offset + length) return;
      this.frames.push({ opcode, payload: this.buffer.subarray(offset, offset + length) });
      this.buffer = this.buffer.subarray(offset + length);
    }
  }

  /** The close frame's code and reason, if one arrived. */
  get close(): { code: number; reason: string } | undefined {
    const f = this.frames.find((x) => x.opcode === OPCODES.close);
    if (!f) return undefined;
    return f.payload.length >= 2 ? { code: f.payload.readUInt16BE(0), reason: f.payload.subarray(2).toString() } : { code: 1005, reason: '' };
  }

  texts(): string[] {
    return this.frames.filter((f) => f.opcode === OPCODES.text).map((f) => f.payload.toString());
  }
}

/** Sends `bytes`, then reads until the server closes (or `waitMs` passes); returns what it said. */
export async function exchange(up: RawUpgrade, bytes: readonly Buffer[], waitMs = 1_000): Promise<{ reader: FrameReader; ended: boolean }> {
  const reader = new FrameReader();
  reader.push(up.rest);
  let ended = false;
  const done = new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, waitMs);
    up.socket.on('data', (c: Buffer) => reader.push(c));
    up.socket.once('close', () => {
      ended = true;
      clearTimeout(timer);
      resolve();
    });
  });
  for (const b of bytes) if (!up.socket.destroyed) up.socket.write(b);
  await done;
  up.socket.destroy();
  return { reader, ended };
}
