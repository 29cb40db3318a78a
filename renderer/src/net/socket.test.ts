import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { useClusterStore } from '../stores/cluster';
import { CommandError, useConnectionStore } from '../stores/connection';
import { panelNode, panelState } from '../stores/fixtures';
import { PanelSocket, REFUSED_AFTER, RETRY_MAX_MS, RETRY_MIN_MS, type SocketDeps } from './socket';

/** A WebSocket stand-in the test drives: open, deliver frames, close. */
class FakeSocket {
  readyState = 0;
  sent: unknown[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((ev: { data: string }) => void) | null = null;
  onclose: (() => void) | null = null;
  constructor(readonly url: string) {}
  send(text: string): void {
    this.sent.push(JSON.parse(text));
  }
  close(): void {
    this.readyState = 3;
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.();
  }
  deliver(frame: unknown): void {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }
  drop(): void {
    this.readyState = 3;
    this.onclose?.();
  }
}

function harness() {
  const sockets: FakeSocket[] = [];
  const frames: (() => void)[] = [];
  const timers: { cb: () => void; ms: number; cleared: boolean }[] = [];
  const deps: SocketDeps = {
    createSocket: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s as unknown as WebSocket;
    },
    requestFrame: (cb) => frames.push(cb),
    setTimer: (cb, ms) => {
      const t = { cb, ms, cleared: false };
      timers.push(t);
      return t;
    },
    clearTimer: (h) => {
      (h as { cleared: boolean }).cleared = true;
    },
    now: () => 0,
  };
  const runFrames = () => frames.splice(0).forEach((f) => f());
  const fireRetry = () => {
    const t = timers.filter((x) => !x.cleared && x.ms <= RETRY_MAX_MS).pop();
    if (!t) throw new Error('no retry timer');
    t.cleared = true;
    t.cb();
    return t.ms;
  };
  return { sockets, frames, timers, deps, runFrames, fireRetry };
}

describe('the panel socket', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('queues frames and applies them once per animation frame', () => {
    const h = harness();
    const ps = new PanelSocket('ws://x/panel?token=t', h.deps);
    ps.start();
    const s = h.sockets[0]!;
    s.open();
    s.deliver({ type: 'hello', role: 'instructor', protocol: 2 });
    s.deliver({ type: 'snapshot', seq: 1, nowMs: 0, state: panelState() });
    s.deliver({ type: 'changes', seq: 2, nowMs: 0, changes: [{ kind: 'node', node: panelNode('n4') }] });
    expect(h.frames).toHaveLength(1);
    expect(useClusterStore().nodes).toEqual([]);
    h.runFrames();
    expect(useClusterStore().nodes.map((n) => n.id)).toEqual(['n1', 'n2', 'n3', 'n4']);
    expect(useConnectionStore().role).toBe('instructor');
    expect(useConnectionStore().readOnly).toBe(false);
  });

  it('sends resync on a seq gap', () => {
    const h = harness();
    new PanelSocket('ws://x/panel', h.deps).start();
    const s = h.sockets[0]!;
    s.open();
    s.deliver({ type: 'snapshot', seq: 1, nowMs: 0, state: panelState() });
    s.deliver({ type: 'changes', seq: 5, nowMs: 0, changes: [] });
    h.runFrames();
    expect(s.sent).toEqual([{ type: 'resync' }]);
  });

  it('resolves a command with its reply and rejects a refusal with its code', async () => {
    const h = harness();
    new PanelSocket('ws://x/panel', h.deps).start();
    const s = h.sockets[0]!;
    s.open();
    const conn = useConnectionStore();
    conn.role = 'instructor';
    const ok = conn.command({ kind: 'add-node' });
    const refused = conn.command({ kind: 'kill', node: 'n1' });
    const [a, b] = s.sent as { id: string }[];
    expect(s.sent).toEqual([
      { type: 'command', id: a!.id, command: { kind: 'add-node' } },
      { type: 'command', id: b!.id, command: { kind: 'kill', node: 'n1' } },
    ]);
    expect(a!.id).not.toBe(b!.id);
    s.deliver({ type: 'reply', id: a!.id, ok: true, result: { node: 'n6' } });
    s.deliver({ type: 'reply', id: b!.id, ok: false, code: 'READ_ONLY', message: 'viewers cannot press buttons' });
    await expect(ok).resolves.toEqual({ node: 'n6' });
    await expect(refused).rejects.toMatchObject({ code: 'READ_ONLY' });
    expect(conn.lastError).toMatchObject({ code: 'READ_ONLY', command: 'kill' });
  });

  it('fails commands in flight when the socket drops, and refuses commands while closed', async () => {
    const h = harness();
    new PanelSocket('ws://x/panel', h.deps).start();
    const s = h.sockets[0]!;
    s.open();
    const pending = useConnectionStore().command({ kind: 'heal' });
    s.drop();
    await expect(pending).rejects.toBeInstanceOf(CommandError);
    await expect(useConnectionStore().command({ kind: 'heal' })).rejects.toMatchObject({ code: 'NOT_CONNECTED' });
  });

  it('reconnects with a growing delay, and says the link looks wrong when it never got through', () => {
    const h = harness();
    new PanelSocket('ws://x/panel', h.deps).start();
    const conn = useConnectionStore();
    const delays: number[] = [];
    for (let i = 0; i < REFUSED_AFTER + 4; i++) {
      h.sockets[h.sockets.length - 1]!.drop();
      delays.push(h.fireRetry());
    }
    expect(delays[0]).toBe(RETRY_MIN_MS);
    expect(delays[1]).toBe(2 * RETRY_MIN_MS);
    expect(delays.every((d, i) => i === 0 || d >= delays[i - 1]!)).toBe(true);
    expect(Math.max(...delays)).toBe(RETRY_MAX_MS);
    expect(conn.status).toBe('refused');
    // It keeps trying: once the token works the page comes back.
    h.sockets[h.sockets.length - 1]!.open();
    expect(conn.status).toBe('open');
    expect(conn.attempts).toBe(0);
  });

  it('after having been open, a drop shows reconnecting (never the refused screen) and a new snapshot follows', () => {
    const h = harness();
    new PanelSocket('ws://x/panel', h.deps).start();
    const conn = useConnectionStore();
    h.sockets[0]!.open();
    for (let i = 0; i < REFUSED_AFTER + 1; i++) {
      h.sockets[h.sockets.length - 1]!.drop();
      expect(conn.status).toBe('reconnecting');
      h.fireRetry();
    }
    const s = h.sockets[h.sockets.length - 1]!;
    s.open();
    s.deliver({ type: 'changes', seq: 9, nowMs: 0, changes: [{ kind: 'node', node: panelNode('n4') }] });
    s.deliver({ type: 'snapshot', seq: 20, nowMs: 0, state: panelState(['n1']) });
    h.runFrames();
    expect(useClusterStore().nodes.map((n) => n.id)).toEqual(['n1']);
    expect(s.sent).toEqual([]);
  });
});
