/**
 * The panel's WebSocket (protocol v2) on a real Lab with real node processes: snapshot
 * then batches with consecutive seq, typed status, commands that really break things and
 * answer with results, read-only viewers (every command kind refused), resync, 40 viewers
 * at once, message arrows that never run backwards, chart histories, a workload started
 * from the panel that ends with a verdict, and the history download.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { Lab } from '../../core/supervisor/lab';
import { PanelApi } from '../../core/supervisor/panel-api';
import { servePanel } from '../../core/supervisor/panel/panel-server';
import { PANEL_CSP } from '../../core/protocol/csp';
import { panelCommandSchema, type PanelCommandInput, type PanelServerMessage, type PanelState } from '../../core/protocol/panel';
import { openPanelSocket, type PanelSocket } from '../../core/bench/browser/panel-socket';
import { waitFor } from '../support/wait';

const INSTRUCTOR = 'instructor-secret-0123456789';
const VIEWER = 'viewer-secret-0123456789';
let lab: Lab;
let panel: PanelApi;
let port: number;
let staticDir: string;
let origin: string;
const sockets: PanelSocket[] = [];

const link = (token: string): string => `http://127.0.0.1:${port}/#token=${token}`;
async function open(token: string): Promise<PanelSocket> {
  const s = await openPanelSocket(link(token));
  sockets.push(s);
  await waitFor('snapshot', () => s.state());
  return s;
}

/** Opens a raw socket and records every frame (for seq and resync checks). */
function raw(token: string | undefined, from?: string): Promise<{ ws: WebSocket; frames: PanelServerMessage[] } | { status: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/panel${token ? `?token=${token}` : ''}`, from ? { origin: from } : {});
    const frames: PanelServerMessage[] = [];
    ws.on('message', (d) => frames.push(JSON.parse(d.toString()) as PanelServerMessage));
    ws.on('unexpected-response', (_q, res) => resolve({ status: res.statusCode ?? 0 }));
    ws.on('error', () => {});
    ws.on('open', () => resolve({ ws, frames }));
  });
}

beforeAll(async () => {
  staticDir = mkdtempSync(join(tmpdir(), 'faultline-static-'));
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>panel</title><div id="app"></div>');
  lab = await Lab.create({ nodes: 3, mode: 'paxos' });
  port = await lab.server.listen(0);
  origin = `http://127.0.0.1:${port}`;
  panel = new PanelApi(lab, { instructorToken: INSTRUCTOR, viewerToken: VIEWER, allowedOrigins: [origin], flushMs: 50 });
  servePanel(lab.server, { staticDir, authorize: (t) => panel.authorize(t), historyFile: () => lab.workload.historyFile });
  await lab.start();
}, 90_000);

afterAll(async () => {
  for (const s of sockets) s.close();
  panel?.close();
  const root = lab?.dataPath;
  await lab?.close();
  if (root) expect(existsSync(root)).toBe(false);
  rmSync(staticDir, { recursive: true, force: true });
}, 60_000);

describe('panel API v2', () => {
  it('greets with the role and protocol 2, a typed snapshot, then a leader in the stream', async () => {
    const r = await raw(INSTRUCTOR, origin);
    if ('status' in r) throw new Error(`refused ${r.status}`);
    await waitFor('snapshot', () => r.frames.find((m) => m.type === 'snapshot'));
    expect(r.frames[0]).toEqual({ type: 'hello', role: 'instructor', protocol: 2 });
    const snap = r.frames[1] as Extract<PanelServerMessage, { type: 'snapshot' }>;
    expect(snap.state.protocol).toBe(2);
    expect(snap.state.cluster).toMatchObject({ state: 'running', nodes: 3, mode: 'paxos', timeScale: 1 });
    expect(snap.state.nodes.map((n) => n.id)).toEqual(['n1', 'n2', 'n3']);
    // Batches follow the snapshot with consecutive seq.
    await waitFor('three batches', () => (r.frames.filter((m) => m.type === 'changes').length >= 3 ? true : undefined));
    const seqs = r.frames.filter((m) => m.type === 'changes').map((m) => (m as { seq: number }).seq);
    expect(seqs.slice(0, 3)).toEqual([snap.seq + 1, snap.seq + 2, snap.seq + 3]);
    r.ws.close();

    const s = await open(INSTRUCTOR);
    const leader = await s.until('a leader', (st) => st.leader.node ?? undefined);
    const status = s.state()!.nodes.find((n) => n.id === leader)!.status!;
    expect(status.paxos.role).toBe('leader');
    expect(status.ring.members.map((m) => m.id)).toEqual(['n1', 'n2', 'n3']);
    expect(Object.keys(status.suspicion).sort()).toEqual(['n1', 'n2', 'n3'].filter((n) => n !== leader));
    await s.until('ring detail', (st) => (st.ring && st.ring.vnodes.length > 0 ? st.ring : undefined));
    const ring = s.state()!.ring!;
    expect(Object.values(ring.ownership).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expect(ring.vnodes.every((v, i) => i === 0 || v.position >= ring.vnodes[i - 1]!.position)).toBe(true);
  }, 60_000);

  it('lets the instructor break things for real, with results in the replies and every fault in the snapshot', async () => {
    const s = await open(INSTRUCTOR);
    const cut = await s.must({ kind: 'partition', shape: 'isolate', node: 'n3' });
    expect(cut.ok && cut.result?.cuts).toHaveLength(4);
    // Messages across the cut are shown dropped, with the reason.
    const dropped = await waitFor('a message dropped by the cut', () =>
      s.messages.flatMap((m) => (m.type === 'changes' ? m.changes : [])).flatMap((c) => (c.kind === 'messages' ? c.messages : [])).find((m) => m.dropped === 'cut'),
    10_000);
    expect(dropped.from === 'n3' || dropped.to === 'n3').toBe(true);
    expect(dropped.recvAt).toBeUndefined();
    await s.must({ kind: 'link-fault', from: 'n1', fault: { to: 'n2', drop: 0.5, delayMs: 40 } });
    const links = await s.until('links in the state', (st) => (st.links.length === 5 ? st.links : undefined));
    expect(links).toEqual(expect.arrayContaining([{ from: 'n1', to: 'n2', cut: false, drop: 0.5, delayMs: 40 }, { from: 'n3', to: 'n1', cut: true }]));
    const slowed = await waitFor('a delayed message n1 -> n2', () =>
      s.messages.flatMap((m) => (m.type === 'changes' ? m.changes : [])).flatMap((c) => (c.kind === 'messages' ? c.messages : [])).find((m) => m.from === 'n1' && m.to === 'n2' && m.delayedMs !== undefined),
    10_000);
    expect(slowed.delayedMs).toBe(40);
    await s.must({ kind: 'heal' });
    await s.until('healed', (st) => (st.links.length === 0 ? true : undefined));

    const leader = await s.until('a leader', (st) => st.leader.node ?? undefined);
    const killed = await s.must({ kind: 'kill-leader' });
    expect(killed.ok && killed.result).toEqual({ node: leader });
    await s.until('the leader shown killed', (st) => (st.nodes.find((n) => n.id === leader)?.lifecycle === 'killed' ? true : undefined));
    const next = await s.until('a new leader', (st) => (st.leader.node !== null && st.leader.node !== leader ? st.leader.node : undefined), 30_000);
    expect(next).not.toBe(leader);
    await s.must({ kind: 'restart', node: leader });
    const now = await s.until('a leader again', (st) => (st.nodes.every((n) => n.lifecycle === 'up') ? (st.leader.node ?? undefined) : undefined), 30_000);
    const isolated = await s.must({ kind: 'isolate-leader' });
    expect(isolated.ok && isolated.result).toEqual({ node: now, cuts: expect.any(Array) });
    expect(isolated.ok && isolated.result?.cuts?.every((c) => c.from === now || c.to === now)).toBe(true);
    await s.must({ kind: 'heal' });

    const failed = await s.command({ kind: 'kill', node: 'n9' });
    expect(failed).toMatchObject({ ok: false, code: 'COMMAND_FAILED', message: expect.stringContaining('no node "n9"') });
    const texts = await s.until('timeline', (st) => (st.timeline.some((e) => e.kind === 'command-failed') ? st.timeline.map((e) => e.text) : undefined));
    expect(texts).toEqual(expect.arrayContaining(['partition isolate n3 (4 links cut)', `kill -9 the leader ${leader}`, 'heal all network and clock faults', 'kill failed: no node "n9" (nodes: n1, n2, n3)']));
    expect(texts.some((t) => / leads \(ballot /.test(t))).toBe(true);
    // Each line also comes as a code with params (what the panel translates); words the
    // supervisor cannot code travel as detail.
    const coded = (await s.until('timeline', (st) => st.timeline)).map(({ code, params, detail }) => ({ code, params, detail }));
    expect(coded).toEqual(
      expect.arrayContaining([
        { code: 'fault.partition', params: { shape: 'isolate', node: 'n3', cuts: 4 }, detail: undefined },
        { code: 'fault.kill-leader', params: { node: leader }, detail: undefined },
        { code: 'heal.all', params: {}, detail: undefined },
        { code: 'command.failed', params: { command: 'kill', code: 'COMMAND_FAILED' }, detail: 'no node "n9" (nodes: n1, n2, n3)' },
      ]),
    );
  }, 90_000);

  it('keeps viewers read-only: every command kind is refused with READ_ONLY and changes nothing', async () => {
    const examples: PanelCommandInput[] = [
      { kind: 'cluster-start' }, { kind: 'cluster-stop' }, { kind: 'cluster-reset', nodes: 4 }, { kind: 'cluster-resume' },
      { kind: 'kill', node: 'n1' }, { kind: 'kill-leader' }, { kind: 'restart', node: 'n1' }, { kind: 'pause', node: 'n1' },
      { kind: 'resume', node: 'n1' }, { kind: 'partition', shape: 'halves' }, { kind: 'isolate-leader' },
      { kind: 'cut', links: [{ from: 'n1', to: 'n2' }] }, { kind: 'link-fault', from: 'n1', fault: { to: 'n2', drop: 1 } },
      { kind: 'skew', node: 'n1', skewMs: 500 }, { kind: 'heal' }, { kind: 'self-heal', on: true }, { kind: 'add-node' }, { kind: 'remove-node', node: 'n1' }, { kind: 'reweight', node: 'n1', weight: 2 },
      { kind: 'workload-start', settings: { workload: 'register' } }, { kind: 'workload-stop' },
    ];
    // A command added to the protocol without an example here fails this test.
    expect(new Set(examples.map((c) => c.kind))).toEqual(new Set(panelCommandSchema.options.map((o) => o.shape.kind.value)));
    const v = await open(VIEWER);
    for (const c of examples) expect(await v.command(c)).toMatchObject({ ok: false, code: 'READ_ONLY' });
    expect(lab.cluster!.ids.map((id) => lab.cluster!.view(id).lifecycle)).toEqual(['up', 'up', 'up']);
    expect(lab.cluster!.linkStates()).toEqual([]);
    expect(lab.workload.state.phase).not.toBe('running');
    expect(lab.selfHealDelayMs).toBeNull();
  }, 60_000);

  it('turns self-heal on from the panel: a killed node comes back by itself, on the timeline; off again, a kill stays', async () => {
    const s = await open(INSTRUCTOR);
    const on = await s.must({ kind: 'self-heal', on: true, delayMs: 300 });
    expect(on.ok && on.result?.cluster?.selfHealMs).toBe(300);
    await s.must({ kind: 'kill', node: 'n2' });
    await s.until('n2 back up by itself', (st) => (st.nodes.find((n) => n.id === 'n2')?.lifecycle === 'up' && st.timeline.some((e) => e.code === 'selfheal.restart') ? true : undefined), 30_000);
    const restart = s.state()!.timeline.find((e) => e.code === 'selfheal.restart');
    expect(restart).toMatchObject({ kind: 'heal', params: { node: 'n2', delayMs: 300 }, node: 'n2' });
    expect(s.state()!.timeline.some((e) => e.code === 'selfheal.on')).toBe(true);
    expect(s.state()!.cluster.selfHealMs).toBe(300);
    await waitFor('n2 registered', () => (lab.cluster!.view('n2').connected ? true : undefined), 20_000);

    const off = await s.must({ kind: 'self-heal', on: false });
    expect(off.ok && off.result?.cluster?.selfHealMs).toBeNull();
    await s.must({ kind: 'kill', node: 'n3' });
    await new Promise((r) => setTimeout(r, 1_500));
    expect(lab.cluster!.view('n3').lifecycle).toBe('killed');
    expect(await s.command({ kind: 'self-heal', on: true, delayMs: -1 })).toMatchObject({ ok: false, code: 'INVALID_MESSAGE' });
    await s.must({ kind: 'restart', node: 'n3' });
    await waitFor('n3 registered', () => (lab.cluster!.view('n3').connected ? true : undefined), 20_000);
  }, 60_000);

  it('refuses wrong tokens, foreign origins and malformed frames', async () => {
    expect(await raw('wrong')).toEqual({ status: 401 });
    expect(await raw(undefined)).toEqual({ status: 401 });
    expect(await raw(INSTRUCTOR, 'http://evil.example')).toEqual({ status: 403 });
    const s = await raw(INSTRUCTOR);
    if ('status' in s) throw new Error('refused');
    s.ws.send('{oops');
    s.ws.send(JSON.stringify({ type: 'command', id: 'b1', command: { kind: 'partition', shape: 'pentagon' } }));
    s.ws.send(JSON.stringify({ type: 'command', id: 'b2', command: { kind: 'cluster-reset', nodes: 12 } }));
    const replies = await waitFor('three replies', () => {
      const r = s.frames.filter((m) => m.type === 'reply');
      return r.length >= 3 ? r : undefined;
    });
    expect(replies).toEqual([
      expect.objectContaining({ id: null, code: 'MALFORMED_JSON' }),
      expect.objectContaining({ id: 'b1', code: 'INVALID_MESSAGE', message: expect.stringContaining('command.shape') }),
      expect.objectContaining({ id: 'b2', code: 'INVALID_MESSAGE', message: expect.stringContaining('command.nodes') }),
    ]);
    expect(lab.clusterInfo.nodes).toBe(3);
    s.ws.close();
  }, 30_000);

  it('answers a resync with a fresh snapshot, and serves 40 viewers at once with the same batches', async () => {
    const viewers = await Promise.all(Array.from({ length: 40 }, () => raw(VIEWER, origin)));
    const open40 = viewers.map((v) => {
      if ('status' in v) throw new Error(`viewer refused ${v.status}`);
      return v;
    });
    await waitFor('every viewer has a snapshot and a batch', () =>
      open40.every((v) => v.frames.some((m) => m.type === 'snapshot') && v.frames.some((m) => m.type === 'changes')) ? true : undefined,
    30_000);
    expect(panel.panels).toBeGreaterThanOrEqual(40);
    // The same seq carries the same changes for everyone.
    const target = Math.max(...open40.map((v) => (v.frames.find((m) => m.type === 'snapshot') as { seq: number }).seq)) + 1;
    await waitFor('everyone past the target seq', () => (open40.every((v) => v.frames.some((m) => m.type === 'changes' && m.seq === target)) ? true : undefined), 30_000);
    const texts = new Set(open40.map((v) => JSON.stringify((v.frames.find((m) => m.type === 'changes' && m.seq === target) as { changes: unknown }).changes)));
    expect(texts.size).toBe(1);

    const first = open40[0]!;
    const before = first.frames.length;
    first.ws.send(JSON.stringify({ type: 'resync' }));
    const fresh = await waitFor('a fresh snapshot', () => first.frames.slice(before).find((m) => m.type === 'snapshot'));
    const lastSeen = Math.max(...first.frames.slice(0, before).map((m) => ('seq' in m ? m.seq : 0)));
    expect(fresh.type === 'snapshot' && fresh.seq).toBeGreaterThanOrEqual(lastSeen);
    for (const v of open40) v.ws.close();
  }, 60_000);

  it('closes a panel that stops reading; it reconnects and resyncs', async () => {
    const r = await raw(VIEWER, origin);
    if ('status' in r) throw new Error('refused');
    await waitFor('snapshot', () => r.frames.find((m) => m.type === 'snapshot'));
    const before = panel.panels;
    const closed = new Promise<number>((resolve) => r.ws.once('close', (code) => resolve(code)));
    // Stop reading, then ask for snapshot after snapshot: the unsent output piles up on the server.
    (r.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    for (let i = 0; i < 400; i++) r.ws.send(JSON.stringify({ type: 'resync' }));
    await waitFor('the slow panel dropped', () => (panel.panels < before ? true : undefined), 30_000);
    (r.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    expect(await closed).toBe(4429);
    const again = await open(VIEWER);
    expect(again.state()!.cluster.state).toBe('running');
  }, 60_000);

  it('sends message arrows that never run backwards, and chart histories a late panel can draw', async () => {
    const s = await open(VIEWER);
    const arrows = await waitFor('received messages', () => {
      const got = s.messages.flatMap((m) => (m.type === 'changes' ? m.changes : [])).flatMap((c) => (c.kind === 'messages' ? c.messages : []));
      const received = got.filter((m) => m.recvAt !== undefined);
      return received.length >= 20 && received.some((m) => m.type === 'paxos.heartbeat' && m.ballot !== undefined) ? received : undefined;
    });
    for (const m of arrows) {
      expect(m.recvAt!).toBeGreaterThanOrEqual(m.sendAt);
      expect(m.id).toMatch(/^n\d\./);
      expect(m.type).toMatch(/^(paxos|repl|twopc)\./);
    }
    // A late panel gets the last minutes at once.
    const late = await open(VIEWER);
    const state = late.state() as PanelState;
    expect(state.histories.nodes.length).toBeGreaterThan(0);
    expect(state.histories.nodes[0]).toMatchObject({ node: expect.stringMatching(/^n\d$/), phi: expect.any(Object) });
    expect(state.messages.length).toBeGreaterThan(0);
  }, 60_000);

  it('runs a workload from the panel to a verdict, with live figures, and serves its history', async () => {
    const s = await open(INSTRUCTOR);
    const started = await s.must({ kind: 'workload-start', settings: { workload: 'register', rate: 40, clients: 2, durationS: 3, seed: 7 } });
    expect(started.ok && started.result?.workload?.phase).toBe('running');
    expect(await s.command({ kind: 'workload-start', settings: { workload: 'lock' } })).toMatchObject({ ok: false, code: 'BUSY' });
    const done = await s.until('a verdict', (st) => (st.workload.phase === 'done' ? st.workload : undefined), 60_000);
    expect(done.verdict).toMatchObject({ valid: true, model: expect.any(String) });
    expect(done.settings).toMatchObject({ workload: 'register', rate: 40, clients: 2, seed: 7, nemesis: [] });
    expect(done.historyOps).toBeGreaterThan(10);
    // The availability figures: live while it ran, and in the verdict.
    const figures = done.verdict!.figures!;
    expect(figures.requests.ops).toBeGreaterThan(5);
    expect(figures.requests.ok + figures.requests.refused + figures.requests.unavailable + figures.requests.unknown).toBe(figures.requests.ops);
    expect(figures).toMatchObject({ faults: 0, windows: [], mttdMs: null });
    const live = s.messages.flatMap((m) => (m.type === 'changes' ? m.changes : [])).flatMap((c) => (c.kind === 'workload' && c.workload.live?.figures ? [c.workload.live.figures] : []));
    expect(live.length).toBeGreaterThan(0);
    const samples = s.messages.flatMap((m) => (m.type === 'changes' ? m.changes : [])).flatMap((c) => (c.kind === 'samples' ? c.workload : []));
    expect(samples.some((x) => x.okPerSec > 0 && x.latencyP50Ms !== null)).toBe(true);
    expect(s.state()!.timeline.some((e) => e.kind === 'verdict')).toBe(true);

    const refused = await fetch(`${origin}/history.jsonl`);
    expect(refused.status).toBe(401);
    // Viewers may download it too.
    const res = await fetch(`${origin}/history.jsonl`, { headers: { authorization: `Bearer ${VIEWER}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toBe(PANEL_CSP);
    const lines = (await res.text()).trim().split('\n').map((l) => JSON.parse(l) as { type: string; f: string });
    expect(lines.length).toBe(done.historyOps);
    expect(lines[0]).toMatchObject({ type: 'invoke' });
    expect((await fetch(`${origin}/history.jsonl?token=${INSTRUCTOR}`)).status).toBe(200);
  }, 90_000);

  it('shows locks with grants and the protected resource, and 2PC transactions with votes and states', async () => {
    const s = await open(INSTRUCTOR);
    await s.must({ kind: 'workload-start', settings: { workload: 'lock', rate: 30, clients: 3, durationS: 3, seed: 11 } });
    const lock = await s.until('a lock with grants and resource writes', (st) =>
      st.locks.find((l) => l.grants.length > 0 && l.resource !== null && l.resource.accepted > 0), 30_000);
    expect(lock.lock).toMatch(/^lock\d$/);
    expect(lock.grants.every((g, i) => i === 0 || g.token > lock.grants[i - 1]!.token)).toBe(true);
    const lockRun = await s.until('the lock verdict', (st) => (st.workload.phase === 'done' && st.workload.run >= 2 ? st.workload : undefined), 60_000);
    expect(lockRun.verdict?.valid).toBe(true);

    await s.must({ kind: 'workload-start', settings: { workload: 'txn', rate: 30, clients: 2, durationS: 3, seed: 12 } });
    const txn = await s.until('a decided transaction', (st) => st.txns.find((t) => t.decision !== null && Object.keys(t.states).length > 0), 30_000);
    expect(txn.coordinator).toMatch(/^n\d$/);
    expect(Object.keys(txn.states).length).toBeGreaterThan(0);
    expect(txn.timeline.length).toBeGreaterThan(0);
    const txnRun = await s.until('the txn verdict', (st) => (st.workload.phase === 'done' && st.workload.run >= 3 ? st.workload : undefined), 60_000);
    expect(txnRun.verdict?.valid).not.toBe(false);
  }, 120_000);

  it('ends a run that breaks a guarantee with the checker\'s evidence and the operations it names', async () => {
    const s = await open(INSTRUCTOR);
    // The negative control: no fencing, and client 0 stalls past its lease before writing.
    await s.must({ kind: 'workload-start', settings: { workload: 'lock', rate: 40, clients: 3, durationS: 6, ttlMs: 300, gcPauseMs: 2000, fencing: false, seed: 21 } });
    const run = await s.until('the verdict', (st) => (st.workload.phase === 'done' && st.workload.settings?.fencing === false ? st.workload : undefined), 90_000);
    expect(run.verdict).toMatchObject({ valid: false, model: 'lock', evidence: expect.anything() });
    const ops = run.verdict!.evidenceOps;
    expect(ops.length).toBeGreaterThan(0);
    for (const op of ops) expect(op.atMs).toBeGreaterThanOrEqual(run.startedAtMs!);
    expect(ops.some((op) => op.f === 'write')).toBe(true);

    // With fencing the same pause is harmless: the stale write is refused, and the panel shows it.
    await s.must({ kind: 'workload-start', settings: { workload: 'lock', rate: 40, clients: 3, durationS: 6, ttlMs: 300, gcPauseMs: 2000, fencing: true, seed: 22 } });
    const fenced = await s.until('the fenced verdict', (st) => (st.workload.phase === 'done' && st.workload.settings?.seed === 22 ? st.workload : undefined), 90_000);
    expect(fenced.verdict?.valid).toBe(true);
    const resource = await s.until('the refused write in the lock view', (st) => st.locks.find((l) => l.resource !== null && l.resource.refused > 0)?.resource ?? undefined, 10_000);
    expect(resource.recent.some((w) => !w.accepted)).toBe(true);
  }, 120_000);

  it('counts the faults made from the buttons during a panel workload in its figures', async () => {
    const s = await open(INSTRUCTOR);
    const started = await s.must({ kind: 'workload-start', settings: { workload: 'register', rate: 40, clients: 2, durationS: 8, seed: 11 } });
    const run = started.ok ? started.result?.workload?.run : undefined;
    await new Promise((r) => setTimeout(r, 1_500));
    await s.must({ kind: 'kill', node: 'n3' });
    await new Promise((r) => setTimeout(r, 1_500));
    await s.must({ kind: 'restart', node: 'n3' });
    // An earlier case's verdict may still be on screen: wait for this run's.
    const done = await s.until('a verdict', (st) => (st.workload.phase === 'done' && st.workload.run === run ? st.workload : undefined), 60_000);
    const figures = done.verdict!.figures!;
    expect(figures.faults).toBe(1);
    const [w] = figures.windows;
    expect(w).toMatchObject({ kind: 'kill', nodes: ['n3'], text: 'kill -9 n3 (from the panel)' });
    expect(w!.startMs).toBeGreaterThan(0);
    expect(w!.healMs).toBeGreaterThan(w!.startMs);
    // A 3-node paxos cluster keeps serving with one node down: requests went on being answered.
    expect(w!.requests.ops).toBeGreaterThan(0);
    expect(figures.faultsPerHour).toBeGreaterThan(0);
  }, 90_000);

  it('serves the page with the CSP on every response and never outside its folder', async () => {
    for (const path of ['/', '/some/view', '/index.html']) {
      const res = await fetch(`${origin}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-security-policy')).toBe(PANEL_CSP);
      expect(await res.text()).toContain('<div id="app">');
    }
    const missing = await fetch(`${origin}/missing.js`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-security-policy')).toBe(PANEL_CSP);
    // Traversal stays inside the folder: at most the page itself, never the file asked for.
    for (const path of ['/..%2f..%2f..%2fetc%2fpasswd', '/%2e%2e/%2e%2e/%2e%2e/etc/passwd', '/../../../etc/hostname']) {
      const res = await fetch(`${origin}${path}`);
      expect(res.headers.get('content-security-policy')).toBe(PANEL_CSP);
      const body = await res.text();
      expect(body).not.toContain('root:');
      if (res.status === 200) expect(body).toContain('<div id="app">');
      else expect(res.status).toBe(404);
    }
    expect((await fetch(`${origin}/`, { method: 'POST' })).status).toBe(405);
  }, 30_000);
});
