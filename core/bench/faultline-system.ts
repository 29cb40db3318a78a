/**
 * Faultline as a BenchSystem: a real cluster of node processes (core/supervisor/cluster.ts)
 * in Paxos mode, reached through ClusterClient, which follows NOT_LEADER hints the way an
 * application would. Locks: a contended acquire waits in line on the node (`wait: true`: the
 * node answers when the log hands this owner the lock); if the answer is still "queued"
 * (a leader change lost the wait), the client re-sends acquire every LOCK_POLL_MS.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cluster } from '../supervisor/cluster';
import { ClusterClient } from '../supervisor/cluster-client';
import type { BenchClient, BenchSystem, SystemLauncher } from './cluster-measures';

/** How often a queued lock client re-sends acquire (each poll is one command through the log). */
export const LOCK_POLL_MS = 10;
const LOCK_TTL_MS = 10_000;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A request body as ClusterClient.call takes it (it adds id, client and seq). */
type CallBody = Parameters<ClusterClient['call']>[0];

class FaultlineClient implements BenchClient {
  constructor(
    private readonly client: ClusterClient,
    private readonly owner: string,
  ) {}

  async put(key: string, value: string, timeoutMs: number): Promise<boolean> {
    // ClusterClient's timeout is per attempt and per client; the caller's bound is per put.
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<boolean>((r) => (timer = setTimeout(() => r(false), timeoutMs)));
    const done = this.client.call({ type: 'kv', op: { f: 'write', key, value } } satisfies CallBody).then((r) => r.reply.ok);
    try {
      return await Promise.race([done, gaveUp]);
    } finally {
      clearTimeout(timer);
    }
  }

  async lockCycle(lock: string): Promise<boolean> {
    for (;;) {
      const r = await this.client.call({ type: 'lock', op: { type: 'acquire', lock, owner: this.owner, ttlMs: LOCK_TTL_MS }, wait: true } satisfies CallBody);
      if (!r.reply.ok) return false;
      const result = r.reply.result as { ok?: boolean; kind?: string; token?: number };
      if (result.ok !== true) return false;
      if (result.kind === 'granted' && typeof result.token === 'number') {
        const rel = await this.client.call({ type: 'lock', op: { type: 'release', lock, owner: this.owner, token: result.token } } satisfies CallBody);
        return rel.reply.ok && (rel.reply.result as { ok?: boolean }).ok === true;
      }
      if (result.kind !== 'queued') return false;
      await sleep(LOCK_POLL_MS);
    }
  }

  async close(): Promise<void> {
    this.client.close();
  }
}

class FaultlineSystem implements BenchSystem {
  readonly label: string;
  private clients = 0;

  constructor(
    private readonly cluster: Cluster,
    private readonly dataDir: string,
  ) {
    this.label = `faultline ${cluster.ids.length} nodes`;
  }

  get members(): readonly string[] {
    return this.cluster.ids;
  }

  async openClient(name: string): Promise<BenchClient> {
    const id = `${name}-${++this.clients}`.slice(0, 64);
    const client = new ClusterClient({
      endpoints: () => this.cluster.endpoints(),
      token: this.cluster.token,
      client: id,
      policy: 'round-robin',
      maxRedirects: 4,
    });
    return new FaultlineClient(client, id);
  }

  /** The leader is the node that answers a write: ClusterClient follows NOT_LEADER hints there. */
  async leader(): Promise<string | undefined> {
    const client = new ClusterClient({ endpoints: () => this.cluster.endpoints(), token: this.cluster.token, client: `leader-probe-${++this.clients}` });
    try {
      for (let i = 0; i < 20; i++) {
        const r = await client.call({ type: 'kv', op: { f: 'write', key: 'leader-probe', value: i } } satisfies CallBody);
        if (r.reply.ok) return r.node;
        await sleep(20);
      }
      return undefined;
    } finally {
      client.close();
    }
  }

  kill(member: string): Promise<void> {
    return this.cluster.kill(member);
  }

  restart(member: string): Promise<void> {
    return this.cluster.restart(member);
  }

  pids(): number[] {
    return this.cluster.views().flatMap((v) => (v.lifecycle === 'up' && v.pid !== undefined ? [v.pid] : []));
  }

  async stop(): Promise<void> {
    await this.cluster.stop();
    await rm(this.dataDir, { recursive: true, force: true });
  }
}

export const faultlineLauncher: SystemLauncher = {
  name: 'faultline',
  async start(members) {
    const dataDir = await mkdtemp(join(tmpdir(), 'faultline-bench-cluster-'));
    try {
      const cluster = await Cluster.start({ nodes: members, dataDir, nodeArgs: ['--mode', 'paxos'] });
      return new FaultlineSystem(cluster, dataDir);
    } catch (e) {
      await rm(dataDir, { recursive: true, force: true });
      throw e;
    }
  },
};
