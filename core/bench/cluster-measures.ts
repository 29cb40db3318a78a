/**
 * The cluster measures, written once against a small interface so Faultline and etcd are
 * measured by the same loops, the same clocks and the same definitions (PEERS.md: ratios
 * from one run are what count on this shared machine). A system adapter only knows how
 * to put a value, take and give back a lock (waiting in line), find the leader, and kill
 * or restart a member; everything timed lives here.
 */
import pidusage from 'pidusage';

/** One client of a replicated system. Every call goes through consensus. */
export interface BenchClient {
  /** A replicated write; true when the system confirmed it within `timeoutMs`. */
  put(key: string, value: string, timeoutMs: number): Promise<boolean>;
  /** Acquires `lock` (waiting in line behind other holders), then releases it. */
  lockCycle(lock: string): Promise<boolean>;
  close(): Promise<void>;
}

/** A running cluster of one system, started and ready (all members up, a leader elected). */
export interface BenchSystem {
  /** e.g. "faultline 3 nodes" or "etcd 3 members". */
  readonly label: string;
  readonly members: readonly string[];
  openClient(name: string): Promise<BenchClient>;
  /** The member that leads right now (asked of the system, not guessed). */
  leader(): Promise<string | undefined>;
  /** SIGKILL; resolves once the process is gone. */
  kill(member: string): Promise<void>;
  /** Starts a killed member again from its data directory; resolves when it serves. */
  restart(member: string): Promise<void>;
  /** Process ids of the members that are running. */
  pids(): number[];
  stop(): Promise<void>;
}

export interface SystemLauncher {
  readonly name: string;
  /** Launches `members` fresh members in a new data directory; resolves when they serve (see waitWritable). */
  start(members: number): Promise<BenchSystem>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A key space small enough to stay in memory and large enough to avoid one hot key. */
const keyOf = (i: number): string => `bench-${i % 1000}`;
const VALUE = 'x'.repeat(64);

/**
 * Retries a put (fresh client call each time, short pause) until one succeeds: the first
 * moment the system as a whole accepts writes. Used for cold start and failover alike.
 */
export async function waitWritable(client: BenchClient, deadlineMs: number, attemptTimeoutMs = 500): Promise<number> {
  const start = performance.now();
  for (let i = 0; ; i++) {
    if (await client.put(`probe-${i}`, VALUE, attemptTimeoutMs)) return performance.now() - start;
    if (performance.now() - start > deadlineMs) throw new Error(`no write succeeded within ${deadlineMs} ms`);
    await sleep(10);
  }
}

/** Cold start: launch until every member serves and one write went through a leader. */
export async function coldStart(launcher: SystemLauncher, members: number): Promise<{ ms: number; system: BenchSystem }> {
  const start = performance.now();
  const system = await launcher.start(members);
  const client = await system.openClient('cold-start');
  try {
    await waitWritable(client, 30_000);
  } finally {
    await client.close();
  }
  return { ms: performance.now() - start, system };
}

export interface ThroughputSample {
  opsPerSecond: number;
  failed: number;
  /** CPU the benchmark process itself used, as a share of one core (the client shares the cores). */
  clientCpuCores: number;
}

/**
 * `inFlight` requests kept outstanding for `durationMs`: each finished put is replaced by
 * the next at once. Spread over several clients (connections), at most 8 in flight each,
 * the way a real application would pipeline.
 */
export async function throughput(system: BenchSystem, inFlight: number, durationMs: number): Promise<ThroughputSample> {
  const clientCount = Math.max(1, Math.ceil(inFlight / 8));
  const clients = await Promise.all(Array.from({ length: clientCount }, (_, i) => system.openClient(`tp-${inFlight}-${i}`)));
  try {
    // Warm the connections (and the leader hint) before the clock starts.
    await Promise.all(clients.map((c, i) => c.put(keyOf(i), VALUE, 2_000)));
    let ok = 0;
    let failed = 0;
    let next = 0;
    const cpu0 = process.cpuUsage();
    const start = performance.now();
    const until = start + durationMs;
    await Promise.all(
      Array.from({ length: inFlight }, async (_, lane) => {
        const client = clients[lane % clientCount] as BenchClient;
        while (performance.now() < until) {
          if (await client.put(keyOf(next++), VALUE, 2_000)) ok++;
          else failed++;
        }
      }),
    );
    const seconds = (performance.now() - start) / 1000;
    const cpu = process.cpuUsage(cpu0);
    return { opsPerSecond: ok / seconds, failed, clientCpuCores: (cpu.user + cpu.system) / 1e6 / seconds };
  } finally {
    await Promise.all(clients.map((c) => c.close()));
  }
}

/** One client, one put at a time: per-request latency in milliseconds. */
export async function sequentialLatencies(system: BenchSystem, ops: number): Promise<number[]> {
  const client = await system.openClient('latency');
  try {
    await client.put(keyOf(0), VALUE, 2_000);
    const out: number[] = [];
    for (let i = 0; i < ops; i++) {
      const t = performance.now();
      const ok = await client.put(keyOf(i), VALUE, 2_000);
      if (ok) out.push(performance.now() - t);
    }
    return out;
  } finally {
    await client.close();
  }
}

export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx] as number;
}

/** `clients` clients each doing acquire+release on ONE lock for `durationMs`: cycles/s over all. */
export async function lockCycles(system: BenchSystem, clients: number, durationMs: number, lock: string): Promise<number> {
  const cs = await Promise.all(Array.from({ length: clients }, (_, i) => system.openClient(`lock-${clients}-${i}`)));
  try {
    // One untimed cycle each: connections, sessions and leases are set up outside the clock.
    for (const c of cs) await c.lockCycle(lock);
    let cycles = 0;
    const start = performance.now();
    const until = start + durationMs;
    await Promise.all(
      cs.map(async (c) => {
        while (performance.now() < until) if (await c.lockCycle(lock)) cycles++;
      }),
    );
    return cycles / ((performance.now() - start) / 1000);
  } finally {
    await Promise.all(cs.map((c) => c.close()));
  }
}

/**
 * kill -9 of the leader, then the time to the next successful write by a client that was
 * writing to it (each attempt times out after `attemptTimeoutMs` and is retried at once).
 * The member is restarted afterwards and the cluster is writable again before returning.
 */
export async function failover(system: BenchSystem, attemptTimeoutMs = 500): Promise<number> {
  const client = await system.openClient(`failover-${Date.now()}`);
  try {
    await waitWritable(client, 20_000);
    const leader = await system.leader();
    if (leader === undefined) throw new Error(`${system.label}: no leader to kill`);
    const start = performance.now();
    await system.kill(leader);
    for (let i = 0; ; i++) {
      if (await client.put(`failover-${i}`, VALUE, attemptTimeoutMs)) break;
      if (performance.now() - start > 30_000) throw new Error(`${system.label}: no write within 30 s of killing ${leader}`);
      await sleep(5); // a refused connection fails at once; do not spin the shared cores
    }
    const ms = performance.now() - start;
    await system.restart(leader);
    await waitWritable(client, 20_000);
    return ms;
  } finally {
    await client.close();
  }
}

/** Resident set size of every running member, in MB. */
export async function rssMb(system: BenchSystem): Promise<number[]> {
  const pids = system.pids();
  if (pids.length === 0) return [];
  const stats = await pidusage(pids);
  pidusage.clear();
  return pids.map((p) => (stats[p]?.memory ?? 0) / (1024 * 1024));
}
