/**
 * A local etcd cluster for the comparison: N members on 127.0.0.1, each with its own client
 * and peer port and data directory under one temp folder, default timing (heartbeat
 * 100 ms, election timeout 1000 ms) and default durability (fsync per commit), as
 * PEERS.md describes. Members are real processes, killed with SIGKILL like Faultline's.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface EtcdMember {
  readonly name: string;
  readonly clientUrl: string;
  readonly peerUrl: string;
  readonly dataDir: string;
  child: ChildProcess | undefined;
}

/** The `etcd` binary on the PATH and its version, or undefined when there is none. */
export function findEtcd(): { path: string; version: string } | undefined {
  const r = spawnSync('etcd', ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return undefined;
  const version = /etcd Version:\s*(\S+)/.exec(r.stdout)?.[1] ?? 'unknown';
  return { path: 'etcd', version };
}

/** A port the OS says is free right now (listen on 0, read it, close). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

export class EtcdCluster {
  private constructor(
    readonly root: string,
    readonly members: EtcdMember[],
    private readonly initialCluster: string,
    private readonly clusterToken: string,
  ) {}

  /** Creates the members' directories and ports and spawns every member. */
  static async launch(count: number): Promise<EtcdCluster> {
    const root = await mkdtemp(join(tmpdir(), 'faultline-bench-etcd-'));
    const members: EtcdMember[] = [];
    for (let i = 1; i <= count; i++) {
      const [client, peer] = [await freePort(), await freePort()];
      members.push({
        name: `e${i}`,
        clientUrl: `http://127.0.0.1:${client}`,
        peerUrl: `http://127.0.0.1:${peer}`,
        dataDir: join(root, `e${i}`),
        child: undefined,
      });
    }
    const initialCluster = members.map((m) => `${m.name}=${m.peerUrl}`).join(',');
    const cluster = new EtcdCluster(root, members, initialCluster, `faultline-bench-${process.pid}-${Date.now()}`);
    process.once('exit', cluster.killAllNow);
    for (const m of members) cluster.spawnMember(m);
    return cluster;
  }

  member(name: string): EtcdMember {
    const m = this.members.find((x) => x.name === name);
    if (!m) throw new Error(`no etcd member "${name}" (members: ${this.members.map((x) => x.name).join(', ')})`);
    return m;
  }

  /** Spawns a member; on a restart its data directory already holds the membership. */
  spawnMember(m: EtcdMember): void {
    const child = spawn(
      'etcd',
      [
        '--name', m.name,
        '--data-dir', m.dataDir,
        '--listen-client-urls', m.clientUrl,
        '--advertise-client-urls', m.clientUrl,
        '--listen-peer-urls', m.peerUrl,
        '--initial-advertise-peer-urls', m.peerUrl,
        '--initial-cluster', this.initialCluster,
        '--initial-cluster-token', this.clusterToken,
        '--initial-cluster-state', 'new',
        '--logger', 'zap',
        '--log-level', 'error',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    // etcd logs to stderr; keep it drained (a full pipe would block the member).
    child.stderr?.resume();
    child.on('exit', () => {
      if (m.child === child) m.child = undefined;
    });
    m.child = child;
  }

  /** SIGKILL; resolves once the member's process is gone. */
  async kill(name: string): Promise<void> {
    const m = this.member(name);
    const child = m.child;
    if (!child) throw new Error(`etcd member ${name} is not running`);
    const gone = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGKILL');
    await gone;
  }

  pids(): number[] {
    return this.members.flatMap((m) => (m.child?.pid !== undefined ? [m.child.pid] : []));
  }

  private readonly killAllNow = (): void => {
    for (const m of this.members) {
      try {
        m.child?.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
  };

  async stop(): Promise<void> {
    process.off('exit', this.killAllNow);
    await Promise.all(
      this.members.map(async (m) => {
        const child = m.child;
        if (!child) return;
        const gone = new Promise<void>((r) => child.once('exit', () => r()));
        child.kill('SIGKILL');
        await gone;
      }),
    );
    await rm(this.root, { recursive: true, force: true });
  }
}
