/**
 * Pause without SIGSTOP (what Windows gets), forced here on Linux: the node freezes itself
 * on a control message. Its process keeps running (not stopped by the kernel), yet nothing
 * it should do happens: a request sent to it gets no answer, it stops reporting, and its
 * peers suspect it (no heartbeat reaches them). On resume the held request is answered and
 * the node reports again.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cluster } from '../../core/supervisor/cluster';
import { NodeClient } from '../../core/supervisor/node-client';
import { pauseKindFor } from '../../core/supervisor/pause-kind';
import { waitFor } from '../support/wait';

/** The process state letter of /proc/PID/stat: T when stopped by a signal. */
function processState(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0]!;
}

function suspectedBy(cluster: Cluster, observer: string, node: string): boolean {
  const suspicion = cluster.view(observer).status?.['suspicion'] as Record<string, { suspected: boolean }> | undefined;
  return suspicion?.[node]?.suspected === true;
}

describe('pause by control message', () => {
  let cluster: Cluster | undefined;
  let dataDir: string | undefined;
  let client: NodeClient | undefined;

  afterEach(async () => {
    client?.close();
    await cluster?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true, maxRetries: 3 });
    cluster = undefined;
    client = undefined;
  });

  it('chooses the pause by platform: the real signal where there is one', () => {
    expect(pauseKindFor('linux')).toBe('signal');
    expect(pauseKindFor('darwin')).toBe('signal');
    expect(pauseKindFor('win32')).toBe('control');
  });

  it('a frozen node answers nothing, reports nothing and is suspected, then carries on', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'faultline-control-pause-'));
    cluster = await Cluster.start({ nodes: 3, dataDir, pauseKind: 'control' });
    const c = cluster;
    const port = c.view('n1').port!;
    client = await NodeClient.connect(`ws://127.0.0.1:${port}/client`, c.token, 'pause-test');
    expect((await client.request({ type: 'status' } as never, 10_000)).ok).toBe(true);
    await waitFor('n2 and n3 see n1 as healthy', () => (!suspectedBy(c, 'n2', 'n1') && !suspectedBy(c, 'n3', 'n1') && c.view('n2').status ? true : undefined));

    c.pause('n1');
    const paused = c.view('n1');
    expect(paused.lifecycle).toBe('paused');
    expect(paused.pauseKind).toBe('control');
    // The last report before the freeze says which pause it is.
    await waitFor('n1 reports its control pause', () => (c.view('n1').status?.['paused'] === 'control' ? true : undefined));
    const lastReport = c.view('n1').status;

    let answered = false;
    const held = client.request({ type: 'status' } as never, 60_000).then((reply) => {
      answered = true;
      return reply;
    });
    // A connection made during the freeze is not served either (accepted by the kernel, unread).
    let welcomed = false;
    const late = NodeClient.connect(`ws://127.0.0.1:${port}/client`, c.token, 'late-client', 60_000).then((cl) => {
      welcomed = true;
      return cl;
    });
    await waitFor('n2 and n3 suspect n1', () => (suspectedBy(c, 'n2', 'n1') && suspectedBy(c, 'n3', 'n1') ? true : undefined), 30_000);
    expect(processState(paused.pid!)).not.toBe('T'); // not stopped by the kernel: frozen by itself
    expect(answered).toBe(false);
    expect(welcomed).toBe(false);
    expect(c.view('n1').status).toBe(lastReport); // no report since

    c.resume('n1');
    expect(c.view('n1').lifecycle).toBe('up');
    expect(c.view('n1').pauseKind).toBeUndefined();
    const reply = await held;
    expect(reply.ok).toBe(true);
    const lateClient = await late;
    expect((await lateClient.request({ type: 'status' } as never, 10_000)).ok).toBe(true);
    lateClient.close();
    await waitFor('n1 reports again', () => (c.view('n1').status !== lastReport && c.view('n1').status?.['paused'] === undefined ? true : undefined));
    await waitFor('n2 and n3 trust n1 again', () => (!suspectedBy(c, 'n2', 'n1') && !suspectedBy(c, 'n3', 'n1') ? true : undefined), 30_000);
  }, 90_000);

  it('a node frozen by control message still stops with the cluster', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'faultline-control-pause-'));
    cluster = await Cluster.start({ nodes: 3, dataDir, pauseKind: 'control' });
    const pid = cluster.view('n2').pid!;
    cluster.pause('n2');
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => cluster!.members.get('n2')!.proc.once('exit', resolve));
    await cluster.stop();
    expect(await exited).toEqual({ code: 0, signal: null }); // it thawed and shut down by itself, not SIGKILLed
    cluster = undefined;
    await waitFor('n2 gone', () => {
      try {
        process.kill(pid, 0);
        return undefined;
      } catch {
        return true;
      }
    });
  }, 60_000);
});
