/**
 * The panel's WebSocket on a real cluster: snapshot then batched changes, instructor
 * commands that really break things, read-only viewers, and refusals for bad input.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { Cluster } from '../../core/supervisor/cluster';
import { PanelApi } from '../../core/supervisor/panel-api';
import type { PanelServerMessage, PanelChange } from '../../core/protocol/panel';
import { waitFor } from '../support/wait';

let cluster: Cluster;
let panel: PanelApi;
let dataDir: string;
const INSTRUCTOR = 'instructor-secret';
const VIEWER = 'viewer-secret';
const ORIGIN = 'http://127.0.0.1:5173';

interface Session {
  ws: WebSocket;
  messages: PanelServerMessage[];
  changes(): PanelChange[];
  command(id: string, command: unknown): Promise<PanelServerMessage>;
}

function connect(token: string | undefined, origin?: string): Promise<Session | { httpStatus: number }> {
  return new Promise((resolve) => {
    const url = `ws://127.0.0.1:${cluster.supervisorPort}/panel${token ? `?token=${token}` : ''}`;
    const ws = new WebSocket(url, origin ? { origin } : {});
    const messages: PanelServerMessage[] = [];
    ws.on('unexpected-response', (_q, res) => resolve({ httpStatus: res.statusCode ?? 0 }));
    ws.on('error', () => {});
    ws.on('message', (d) => messages.push(JSON.parse(d.toString()) as PanelServerMessage));
    ws.on('open', () =>
      resolve({
        ws,
        messages,
        changes: () => messages.flatMap((m) => (m.type === 'changes' ? m.changes : [])),
        command: (id, command) => {
          ws.send(typeof command === 'string' ? command : JSON.stringify({ type: 'command', id, command }));
          return waitFor(`reply ${id}`, () => messages.find((m) => m.type === 'reply' && (m.id === id || (id === '' && m.id === null))), 20_000);
        },
      }),
    );
  });
}

async function session(token: string | undefined, origin?: string): Promise<Session> {
  const s = await connect(token, origin);
  if ('httpStatus' in s) throw new Error(`refused with ${s.httpStatus}`);
  return s;
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'faultline-panel-'));
  cluster = await Cluster.start({ nodes: 3, dataDir, nodeArgs: ['--mode', 'paxos'] });
  panel = new PanelApi(cluster, { instructorToken: INSTRUCTOR, viewerToken: VIEWER, allowedOrigins: [ORIGIN], flushMs: 50 });
}, 60_000);

afterAll(async () => {
  panel?.close();
  await cluster?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('panel API', () => {
  it('greets with the role and a snapshot of every node, then streams status changes', async () => {
    const s = await session(INSTRUCTOR, ORIGIN);
    await waitFor('snapshot', () => s.messages.find((m) => m.type === 'snapshot'));
    expect(s.messages[0]).toEqual({ type: 'hello', role: 'instructor', protocol: 1 });
    const snap = s.messages.find((m) => m.type === 'snapshot');
    expect(snap && snap.type === 'snapshot' && snap.state.nodes.map((n) => n.id)).toEqual(['n1', 'n2', 'n3']);
    // Paxos state arrives in the stream: some node reports itself leader.
    await waitFor('a leader in the stream', () =>
      s.changes().find((c) => c.kind === 'node' && (c.node.status?.['paxos'] as { role?: string } | undefined)?.role === 'leader'),
    );
    s.ws.close();
  });

  it('lets the instructor partition, pause, kill and heal — for real', async () => {
    const s = await session(INSTRUCTOR);
    expect(await s.command('p1', { kind: 'partition', shape: 'isolate', node: 'n3' })).toMatchObject({ ok: true });
    await waitFor('cuts in the stream', () => s.changes().find((c) => c.kind === 'cuts' && c.cuts.length === 4));
    expect(await s.command('p2', { kind: 'pause', node: 'n2' })).toMatchObject({ ok: true });
    await waitFor('n2 paused', () => s.changes().find((c) => c.kind === 'node' && c.node.id === 'n2' && c.node.lifecycle === 'paused'));
    expect(await s.command('p3', { kind: 'resume', node: 'n2' })).toMatchObject({ ok: true });
    expect(await s.command('p4', { kind: 'kill', node: 'n1' })).toMatchObject({ ok: true });
    await waitFor('n1 killed', () => s.changes().find((c) => c.kind === 'node' && c.node.id === 'n1' && c.node.lifecycle === 'killed'));
    expect(await s.command('p5', { kind: 'restart', node: 'n1' })).toMatchObject({ ok: true });
    expect(await s.command('p6', { kind: 'heal' })).toMatchObject({ ok: true });
    await waitFor('healed', () => (cluster.currentCuts.length === 0 ? true : undefined));
    await waitFor('heal on the timeline', () => s.changes().find((c) => c.kind === 'timeline' && c.entry.kind === 'heal' && c.entry.text.startsWith('heal all')));
    const timeline = s.changes().filter((c) => c.kind === 'timeline').map((c) => (c.kind === 'timeline' ? c.entry.text : ''));
    expect(timeline).toEqual(expect.arrayContaining(['partition isolate n3 (4 links cut)', 'pause (SIGSTOP) n2', 'kill -9 n1', 'heal all network and clock faults']));
    expect(timeline.filter((t) => t === 'n1 is killed')).toHaveLength(1);
    expect(await s.command('p7', { kind: 'kill', node: 'n9' })).toMatchObject({ ok: false, code: 'COMMAND_FAILED', message: expect.stringContaining('no node "n9"') });
    s.ws.close();
  });

  it('keeps viewers read-only', async () => {
    const v = await session(VIEWER);
    expect(await v.command('v1', { kind: 'kill', node: 'n2' })).toMatchObject({ ok: false, code: 'READ_ONLY' });
    expect(cluster.view('n2').lifecycle).toBe('up');
    v.ws.close();
  });

  it('refuses wrong tokens, foreign origins and malformed commands', async () => {
    expect(await connect('wrong')).toEqual({ httpStatus: 401 });
    expect(await connect(undefined)).toEqual({ httpStatus: 401 });
    expect(await connect(INSTRUCTOR, 'http://evil.example')).toEqual({ httpStatus: 403 });
    const s = await session(INSTRUCTOR);
    expect(await s.command('', '{oops')).toMatchObject({ ok: false, code: 'MALFORMED_JSON' });
    expect(await s.command('b1', { kind: 'partition', shape: 'pentagon' })).toMatchObject({ ok: false, code: 'INVALID_MESSAGE', message: expect.stringContaining('command.shape') });
    expect(await s.command('b2', { kind: 'self-destruct' })).toMatchObject({ ok: false, code: 'INVALID_MESSAGE' });
    expect(cluster.ids.every((id) => cluster.view(id).lifecycle === 'up')).toBe(true);
    s.ws.close();
  });
});
