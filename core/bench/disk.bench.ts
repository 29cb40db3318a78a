/**
 * The node's hot path outside the algorithms: how many records per second the durable log
 * makes durable with and without group commit, and how fast frames are decoded and
 * validated on receipt.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { linkKeyFrom } from '../node/credentials';
import { DurableLog, newDurableLogStats } from '../node/durable-log';
import { Transport } from '../node/transport';
import { decodeClientRequest, decodePeerFrame, encodePeerFrame } from '../protocol';
import { summarize, type BenchSuite, type Measurement } from './harness';

const record = (slot: number) => ({
  part: 'paxos',
  body: { type: 'accepted', slot, ballot: { round: 3, node: 'n1' }, value: { kind: 'cmd', command: { client: 'c1', seq: slot, op: { service: 'kv', cmd: { f: 'write', key: `k${slot % 100}`, value: slot } } } } },
});

async function appendThroughput(concurrency: number, total: number, runs: number): Promise<Measurement> {
  const dir = await mkdtemp(join(tmpdir(), 'faultline-bench-'));
  const perRun: number[] = [];
  let syncsPerAppend = 0;
  try {
    for (let r = 0; r < runs; r++) {
      const stats = newDurableLogStats();
      const { log } = await DurableLog.open(join(dir, `log-${concurrency}-${r}`), { stats });
      const start = performance.now();
      let next = 0;
      // `concurrency` writers, each awaiting its own record before writing the next (a
      // node with that many requests in flight).
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < total) await log.append(record(next++));
        }),
      );
      const seconds = (performance.now() - start) / 1000;
      perRun.push(total / seconds);
      syncsPerAppend = stats.syncs / stats.appends;
      await log.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return summarize(`durable append, ${concurrency} in flight`, 'records/s', perRun, `${syncsPerAppend.toFixed(3)} fdatasync per record`);
}

function decodeThroughput(name: string, frames: string[], decode: (s: string) => { ok: boolean }, runs: number): Measurement {
  const perRun: number[] = [];
  for (let r = 0; r < runs; r++) {
    const start = performance.now();
    for (const f of frames) if (!decode(f).ok) throw new Error(`bench frame refused: ${f.slice(0, 80)}`);
    perRun.push(frames.length / ((performance.now() - start) / 1000));
  }
  return summarize(name, 'frames/s', perRun, `${Math.round(frames.reduce((n, f) => n + f.length, 0) / frames.length)} bytes/frame`);
}

/** Two transports on 127.0.0.1: Paxos accepts from n1 to n2, sent in bursts, until all arrive. */
async function transportThroughput(frames: number, runs: number): Promise<Measurement> {
  let received = 0;
  let onAll: (() => void) | undefined;
  const key = linkKeyFrom('bench', 'n1', 'n2');
  const n2 = new Transport({
    id: 'n2',
    linkKeys: { n1: key },
    onMessage: () => {
      if (++received === frames) onAll?.();
    },
  });
  const n1 = new Transport({ id: 'n1', linkKeys: { n2: key }, onMessage: () => undefined });
  const perRun: number[] = [];
  try {
    const port = await n2.listen();
    await n1.listen();
    n1.setPeers({ n2: { port } });
    while (!n1.isConnected('n2')) await new Promise((r) => setTimeout(r, 5));
    const body = record(1).body;
    for (let r = 0; r < runs; r++) {
      received = 0;
      const all = new Promise<void>((resolve) => (onAll = resolve));
      const start = performance.now();
      for (let i = 0; i < frames; i++) {
        n1.send('n2', 'paxos', body);
        // Yield now and then so the receiver drains as a real node would.
        if (i % 500 === 499) await new Promise((res) => setImmediate(res));
      }
      await all;
      perRun.push(frames / ((performance.now() - start) / 1000));
    }
  } finally {
    await n1.close();
    await n2.close();
  }
  return summarize('transport n1 -> n2, validated Paxos accepts', 'frames/s', perRun, 'one process, both ends on 127.0.0.1');
}

const suite: BenchSuite = {
  name: 'node: durable log, wire decoding, transport',
  async run(ctx) {
    const runs = ctx.quick ? 3 : 7;
    const total = ctx.quick ? 300 : 2000;
    const out: Measurement[] = [];
    for (const concurrency of [1, 16, 128]) {
      ctx.progress(`durable append, ${concurrency} in flight`);
      out.push(await appendThroughput(concurrency, total, runs));
    }
    const n = ctx.quick ? 5_000 : 50_000;
    const peer = Array.from({ length: n }, (_, i) => encodePeerFrame({ type: 'msg', part: 'paxos', body: record(i + 1).body }));
    const heartbeats = Array.from({ length: n }, (_, i) => encodePeerFrame({ type: 'msg', part: 'paxos', body: { type: 'heartbeat', ballot: { round: 3, node: 'n1' }, chosenUpTo: i } }));
    const client = Array.from({ length: n }, (_, i) => JSON.stringify({ type: 'kv', id: `r${i}`, op: { f: 'write', key: `k${i % 100}`, value: i }, client: 'c1', seq: i }));
    ctx.progress('decode + validate');
    out.push(decodeThroughput('decode+validate peer accept (Paxos)', peer, decodePeerFrame, runs));
    out.push(decodeThroughput('decode+validate peer heartbeat', heartbeats, decodePeerFrame, runs));
    out.push(decodeThroughput('decode+validate client kv write', client, decodeClientRequest, runs));
    out.push(decodeThroughput('JSON.parse alone (baseline), accept', peer, (s) => ({ ok: JSON.parse(s) !== undefined }), runs));
    ctx.progress('transport over real sockets');
    out.push(await transportThroughput(ctx.quick ? 5_000 : 50_000, runs));
    return out;
  },
};

export default suite;
