/**
 * etcd as a BenchSystem, avoiding PEERS.md's traps:
 * - the etcd3 client runs with its fault handling off (no retries, no 5 s host breaker),
 *   so a failover time is etcd's and not the client's back-off;
 * - locks use etcd's own waiting mutex, the v3lock gRPC service (v3lock.proto), since
 *   etcd3's Lock tries once and never waits in line.
 */
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { noop } from 'cockatiel';
import { Etcd3 } from 'etcd3';
import type { BenchClient, BenchSystem, SystemLauncher } from '../cluster-measures';
import { EtcdCluster, type EtcdMember } from './etcd-cluster';

const LOCK_LEASE_TTL_S = 60;
const LOCK_CALL_MS = 10_000;

type Unary<Req, Res> = (req: Req, options: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res?: Res) => void) => void;
interface V3LockClient extends grpc.Client {
  Lock: Unary<{ name: Buffer; lease: string }, { key: Buffer }>;
  Unlock: Unary<{ key: Buffer }, unknown>;
}
type V3LockCtor = new (address: string, credentials: grpc.ChannelCredentials) => V3LockClient;

let lockCtor: V3LockCtor | undefined;
function v3lockCtor(): V3LockCtor {
  if (!lockCtor) {
    const def = protoLoader.loadSync(fileURLToPath(new URL('./v3lock.proto', import.meta.url)), { longs: String, keepCase: true });
    const pkg = grpc.loadPackageDefinition(def) as unknown as { v3lockpb: { Lock: V3LockCtor } };
    lockCtor = pkg.v3lockpb.Lock;
  }
  return lockCtor;
}

function unary<Req, Res>(fn: Unary<Req, Res>, self: grpc.Client, req: Req, timeoutMs: number): Promise<Res> {
  return new Promise((resolve, reject) => {
    fn.call(self, req, { deadline: Date.now() + timeoutMs }, (err, res) => (err ? reject(err) : resolve(res as Res)));
  });
}

/** An etcd3 client with no retries and no circuit breaker. */
function rawClient(hosts: string[]): Etcd3 {
  return new Etcd3({ hosts, dialTimeout: 2_000, faultHandling: { host: () => noop, global: noop } });
}

class EtcdClient implements BenchClient {
  private lease: string | undefined;
  private lockClient: V3LockClient | undefined;

  constructor(
    private readonly kv: Etcd3,
    private readonly lockHost: string,
  ) {}

  async put(key: string, value: string, timeoutMs: number): Promise<boolean> {
    try {
      await this.kv.put(key).value(value).options({ deadline: Date.now() + timeoutMs });
      return true;
    } catch {
      return false;
    }
  }

  async lockCycle(lock: string): Promise<boolean> {
    try {
      if (this.lease === undefined) {
        // One lease per client for the whole run (no keepalive needed within its TTL),
        // like Faultline's per-acquire ttl: the lock dies with its holder.
        this.lease = (await this.kv.leaseClient.leaseGrant({ TTL: LOCK_LEASE_TTL_S })).ID;
      }
      this.lockClient ??= new (v3lockCtor())(this.lockHost, grpc.credentials.createInsecure());
      const c = this.lockClient;
      const held = await unary(c.Lock, c, { name: Buffer.from(lock), lease: this.lease }, LOCK_CALL_MS);
      await unary(c.Unlock, c, { key: held.key }, LOCK_CALL_MS);
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    this.lockClient?.close();
    this.kv.close();
  }
}

class EtcdSystem implements BenchSystem {
  readonly label: string;
  private opened = 0;
  /** etcd member id (decimal string) -> member name, learnt from status headers. */
  private readonly idToName = new Map<string, string>();

  constructor(readonly cluster: EtcdCluster) {
    this.label = `etcd ${cluster.members.length} members`;
  }

  get members(): readonly string[] {
    return this.cluster.members.map((m) => m.name);
  }

  private running(): EtcdMember[] {
    return this.cluster.members.filter((m) => m.child !== undefined);
  }

  async openClient(): Promise<BenchClient> {
    const hosts = this.running().map((m) => m.clientUrl);
    // Spread lock clients over the members as etcd3 spreads its calls.
    const lockHost = hosts[this.opened++ % hosts.length] as string;
    return new EtcdClient(rawClient(this.cluster.members.map((m) => m.clientUrl)), lockHost.replace('http://', ''));
  }

  /** Status of one member: who it is and whom it believes leads; undefined if it does not answer. */
  async status(m: EtcdMember, timeoutMs = 500): Promise<{ id: string; leader: string } | undefined> {
    const c = rawClient([m.clientUrl]);
    try {
      const s = await c.maintenance.status({ deadline: Date.now() + timeoutMs });
      this.idToName.set(s.header.member_id, m.name);
      return { id: s.header.member_id, leader: s.leader };
    } catch {
      return undefined;
    } finally {
      c.close();
    }
  }

  /** Resolves when every running member answers status and agrees on a leader. */
  async waitServing(deadlineMs = 30_000): Promise<void> {
    const start = performance.now();
    for (;;) {
      const all = await Promise.all(this.running().map((m) => this.status(m)));
      const leaders = new Set(all.map((s) => s?.leader));
      if (all.every((s) => s !== undefined) && leaders.size === 1 && !leaders.has('0')) return;
      if (performance.now() - start > deadlineMs) throw new Error(`etcd did not serve within ${deadlineMs} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async leader(): Promise<string | undefined> {
    for (const m of this.running()) {
      const s = await this.status(m);
      if (s && s.leader !== '0') {
        if (!this.idToName.has(s.leader)) await Promise.all(this.running().map((x) => this.status(x)));
        return this.idToName.get(s.leader);
      }
    }
    return undefined;
  }

  kill(member: string): Promise<void> {
    return this.cluster.kill(member);
  }

  async restart(member: string): Promise<void> {
    const m = this.cluster.member(member);
    this.cluster.spawnMember(m);
    for (let i = 0; i < 1500; i++) {
      if (await this.status(m)) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`etcd member ${member} did not answer within 30 s of its restart`);
  }

  pids(): number[] {
    return this.cluster.pids();
  }

  stop(): Promise<void> {
    return this.cluster.stop();
  }
}

/** Launches etcd; `start` resolves once every member answers and a leader is known. */
export const etcdLauncher: SystemLauncher = {
  name: 'etcd',
  async start(members) {
    const cluster = await EtcdCluster.launch(members);
    const system = new EtcdSystem(cluster);
    try {
      await system.waitServing();
    } catch (e) {
      await system.stop();
      throw e;
    }
    return system;
  },
};
