/**
 * The node's client API endpoint (/client on the node's port): hello with the client
 * token, then requests (core/protocol/client.ts). Each request becomes a request to one
 * part of the node's machine; the part's reply comes back through `deliver`. A bad frame
 * gets an error frame and reaches nothing.
 *
 * Limits: before its hello a connection may send 4 KiB within 5 s (GuardedSocket.guardPreAuth);
 * after it, frames up to CLIENT_MAX_FRAME_BYTES; a client that does not read its replies
 * is closed once CLIENT_LIMITS.maxBufferedBytes are waiting (4429), and the node forgets
 * its pending requests.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Tagged } from '../algorithms/common';
import type { AbortCause } from '../algorithms/twopc/types';
import { CLIENT_MAX_FRAME_BYTES, decodeClientRequest, type ClientReply, type ClientRequest } from '../protocol/client';
import { CLOSE_CODES, PRE_AUTH_MAX_BYTES, type GuardedSocket } from './guarded-socket';
import { sameSecret } from './credentials';
import type { KvMode } from './node-machine';

/** The /client endpoint's limits (see the Transport's EndpointSpec). */
export const CLIENT_LIMITS = {
  maxPayloadBytes: CLIENT_MAX_FRAME_BYTES,
  maxConnections: 512,
  maxBufferedBytes: 8 << 20,
} as const;

/** What the host does with a decoded request. */
export interface ClientApiHost {
  readonly id: string;
  readonly mode: KvMode;
  /** Who holds `lock` in this replica's applied state (for acquires waiting in line). */
  lockHolder(lock: string): { owner: string; token: number } | undefined;
  /** Feeds a request to the machine; its reply arrives later via ClientApi.deliver. */
  submit(request: Tagged): void;
  status(): Record<string, unknown>;
  onAnswered(latencyMs: number, ok: boolean): void;
}

interface Waiting {
  readonly socket: GuardedSocket;
  readonly clientId: string;
  readonly startedAt: number;
  readonly part: string;
  /** An acquire that waits in line: answered when its owner holds the lock. */
  readonly waitFor?: { readonly lock: string; readonly owner: string; readonly ttlMs: number };
}

type Reply = Extract<ClientReply, { type: 'reply' }>;

export class ClientApi {
  private readonly waiting = new Map<string, Waiting>();
  /** Queued acquires waiting in line, by lock (see `wait` in the client protocol). */
  private readonly inLine = new Map<string, Waiting[]>();
  private nextConn = 1;
  /**
   * Request keys are `<boot>.<conn>:<client id>`: unique across restarts, because the
   * 2PC part logs transaction ids durably and must never see an old id come back.
   */
  private readonly boot = randomBytes(4).toString('hex');

  constructor(
    private readonly host: ClientApiHost,
    private readonly token: string,
  ) {}

  accept(socket: GuardedSocket, request: IncomingMessage): void {
    const conn = `${this.boot}.${this.nextConn++}`;
    let authed = false;
    socket.guardPreAuth(request.socket);
    socket.on('close', () => {
      for (const [key, w] of this.waiting) if (w.socket === socket) this.waiting.delete(key);
      for (const [lock, line] of this.inLine) {
        const rest = line.filter((w) => w.socket !== socket);
        if (rest.length > 0) this.inLine.set(lock, rest);
        else this.inLine.delete(lock);
      }
    });
    socket.on('message', (data) => {
      // Once this side closes the socket, what else arrives on it is not read.
      if (socket.closedBecause !== undefined) return;
      const bytes = asBytes(data);
      if (!authed && bytes.byteLength > PRE_AUTH_MAX_BYTES) {
        socket.closeFirmly(CLOSE_CODES.HELLO_TOO_LARGE, `HELLO_TOO_LARGE: a ${bytes.byteLength}-byte first frame is no hello (limit ${PRE_AUTH_MAX_BYTES})`);
        return;
      }
      const decoded = decodeClientRequest(bytes, CLIENT_MAX_FRAME_BYTES);
      if (!decoded.ok) {
        this.send(socket, { type: 'error', code: decoded.error.code, message: decoded.error.message });
        if (!authed) socket.closeFirmly(CLOSE_CODES.UNAUTHORIZED, `UNAUTHORIZED: the first frame must be hello (${decoded.error.code})`);
        return;
      }
      const req = decoded.value;
      if (!authed) {
        if (req.type !== 'hello' || !sameSecret(req.token, this.token)) {
          this.send(socket, { type: 'error', code: 'UNAUTHORIZED', message: 'the first frame must be hello with the client token' });
          socket.closeFirmly(CLOSE_CODES.UNAUTHORIZED, 'UNAUTHORIZED: the first frame must be hello with the client token');
          return;
        }
        authed = true;
        socket.authenticated();
        this.send(socket, { type: 'welcome', node: this.host.id });
        return;
      }
      this.handle(socket, conn, req);
    });
  }

  private handle(socket: GuardedSocket, conn: string, req: ClientRequest): void {
    if (req.type === 'hello') {
      this.send(socket, { type: 'error', code: 'INVALID_MESSAGE', message: 'hello: already said' });
      return;
    }
    if (req.type === 'status') {
      this.send(socket, { type: 'reply', id: req.id, ok: true, result: { ...this.host.status(), memory: memoryNow(req.gc === true) } });
      return;
    }
    const key = `${conn}:${req.id}`;
    if (this.waiting.has(key)) {
      this.send(socket, { type: 'reply', id: req.id, ok: false, code: 'INVALID_ARGUMENT', message: `request id ${req.id} is already in flight on this connection` });
      return;
    }
    const session = req.client !== undefined && req.seq !== undefined ? { client: req.client, seq: req.seq } : {};
    const propose = (service: string, cmd: unknown): Tagged => ({
      part: 'paxos',
      body: { kind: 'propose', id: key, command: { ...session, op: { service, cmd } } },
    });
    let request: Tagged;
    switch (req.type) {
      case 'kv': {
        const op = req.op;
        if (req.local) {
          request = { part: 'paxos', body: { kind: 'query-local', id: key, op: { service: 'kv', cmd: op } } };
        } else if (this.host.mode === 'paxos') {
          request = propose('kv', op);
        } else if (op.f === 'read' || op.f === 'write') {
          request = { part: 'repl', body: op.f === 'read' ? { kind: 'read', id: key, key: op.key } : { kind: 'write', id: key, key: op.key, value: op.value } };
        } else {
          this.send(socket, {
            type: 'reply', id: req.id, ok: false, code: 'UNSUPPORTED',
            message: `${op.f} needs agreement, which the ${this.host.mode} replicas do not provide; start the cluster with --mode paxos or use a transaction`,
          });
          return;
        }
        break;
      }
      case 'lock':
        request = req.op.type === 'holder'
          ? { part: 'paxos', body: { kind: 'query-local', id: key, op: { service: 'locks', cmd: req.op } } }
          : propose('locks', req.op);
        break;
      case 'propose':
        request = propose('raw', req.value);
        break;
      case 'member':
        request = propose('membership', req.op);
        break;
      case 'txn':
        request = { part: 'twopc', body: { kind: 'txn', id: key, ops: req.ops, ...(req.ts !== undefined ? { ts: req.ts } : {}) } };
        break;
      default: {
        const never: never = req;
        throw new Error(`unhandled client request ${JSON.stringify(never)}`);
      }
    }
    const waitFor = req.type === 'lock' && req.wait === true && req.op.type === 'acquire' ? { lock: req.op.lock, owner: req.op.owner, ttlMs: req.op.ttlMs } : undefined;
    this.waiting.set(key, { socket, clientId: req.id, startedAt: performance.now(), part: request.part, ...(waitFor ? { waitFor } : {}) });
    this.host.submit(request);
  }

  /** A part's reply to a client request (Ready.replies, tagged by part). */
  deliver(reply: Tagged): void {
    const body = reply.body as { id?: unknown };
    if (typeof body?.id !== 'string') return;
    const w = this.waiting.get(body.id);
    if (!w) return; // the client went away; nothing to do
    this.waiting.delete(body.id);
    const out = toClientReply(w.clientId, reply.part, reply.body);
    if (w.waitFor && out.ok && (out.result as { kind?: unknown } | undefined)?.kind === 'queued') {
      // In line: the answer comes when the log hands this owner the lock (lockApplied).
      const line = this.inLine.get(w.waitFor.lock) ?? [];
      line.push(w);
      this.inLine.set(w.waitFor.lock, line);
      this.lockApplied(w.waitFor.lock);
      return;
    }
    this.host.onAnswered(performance.now() - w.startedAt, out.ok);
    this.send(w.socket, out);
  }

  /**
   * A lock command was applied here (its effects durable): answer the acquires in line whose
   * owner now holds the lock. A promoted waiter's lease began when the log handed it over,
   * after the client sent its acquire, so the client's count from its send stays on the
   * safe side; it keeps the lease with keepalive (or acquire) as usual.
   */
  lockApplied(lock: string): void {
    const line = this.inLine.get(lock);
    if (!line) return;
    const holder = this.host.lockHolder(lock);
    if (!holder) return;
    const [granted, rest] = [line.filter((w) => w.waitFor?.owner === holder.owner), line.filter((w) => w.waitFor?.owner !== holder.owner)];
    if (rest.length > 0) this.inLine.set(lock, rest);
    else this.inLine.delete(lock);
    for (const w of granted) {
      const result = { ok: true, kind: 'granted', granted: true, lock, owner: holder.owner, token: holder.token, ttlMs: w.waitFor!.ttlMs, renewed: false, waited: true };
      this.host.onAnswered(performance.now() - w.startedAt, true);
      this.send(w.socket, { type: 'reply', id: w.clientId, ok: true, result });
    }
  }

  /** GuardedSocket.send drops the frame and closes a client that stopped reading. */
  private send(socket: GuardedSocket, frame: ClientReply): void {
    socket.send(JSON.stringify(frame));
  }
}

/**
 * The process's memory, after a full garbage collection when asked and possible: only a
 * node started with --expose-gc (tests that check memory comes back) can collect on demand.
 */
function memoryNow(collect: boolean): { heapUsedBytes: number; rssBytes: number; collected: boolean } {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (collect && gc) gc();
  const m = process.memoryUsage();
  return { heapUsedBytes: m.heapUsed, rssBytes: m.rss, collected: collect && gc !== undefined };
}

function asBytes(data: unknown): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data as Buffer[]);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return data as Uint8Array;
}

/** Translates a part's reply into the client API's reply. */
function toClientReply(id: string, part: string, body: unknown): Reply {
  if (part === 'paxos') {
    const r = body as { ok: boolean; result?: unknown; slot?: number; error?: string; leader?: string };
    if (!r.ok) {
      const code = r.error ?? 'INTERNAL';
      const message = code === 'NOT_LEADER'
        ? `not the leader${r.leader ? `; try ${r.leader}` : ' and no leader is known yet'}`
        : code === 'LEADERSHIP_LOST' ? 'the leader lost its leadership before the command was chosen: outcome unknown' : code;
      return r.leader !== undefined
        ? { type: 'reply', id, ok: false, code: code as never, message, leader: r.leader }
        : { type: 'reply', id, ok: false, code: code as never, message };
    }
    const result = r.result as { ok?: unknown; code?: unknown; message?: unknown } | undefined;
    // A service that refused the command (LOCK_NOT_HELD, STALE_FENCING_TOKEN, ...) decided
    // through the log: a definite failure, reported with its own code.
    if (result && result.ok === false && typeof result.code === 'string') {
      return { type: 'reply', id, ok: false, code: result.code as never, message: typeof result.message === 'string' ? result.message : result.code };
    }
    return r.slot !== undefined ? { type: 'reply', id, ok: true, result: r.result, slot: r.slot } : { type: 'reply', id, ok: true, result: r.result };
  }
  if (part === 'repl') {
    const r = body as { ok: boolean; value?: unknown; version?: unknown; outcome?: 'fail' | 'unknown'; code?: string; message?: string; alone?: true };
    // alone: semi-sync's primary acknowledged the write without a backup (its fallback).
    if (r.ok) return { type: 'reply', id, ok: true, result: { ok: true, value: r.value ?? null, version: r.version, ...(r.alone === true ? { alone: true } : {}) } };
    // TIMEOUT tells the client the write may still take effect; ABORTED that it certainly did not.
    return { type: 'reply', id, ok: false, code: r.outcome === 'unknown' ? 'TIMEOUT' : 'ABORTED', message: r.message ?? r.code ?? 'failed' };
  }
  if (part === 'twopc') {
    const r = body as { ok: boolean; ops?: unknown; error?: string; reason?: string; cause?: AbortCause };
    if (r.ok) return { type: 'reply', id, ok: true, result: { ok: true, ops: r.ops } };
    // ABORTED: certainly no effect. DUPLICATE: the id already ran and may have committed.
    const code = r.error === 'ABORTED' ? 'ABORTED' : r.error === 'BAD_REQUEST' ? 'INVALID_ARGUMENT' : 'TIMEOUT';
    return { type: 'reply', id, ok: false, code, message: r.reason ?? r.error ?? 'failed', ...(code === 'ABORTED' && r.cause !== undefined ? { cause: r.cause } : {}) };
  }
  return { type: 'reply', id, ok: false, code: 'INTERNAL', message: `reply from unknown part ${part}` };
}
