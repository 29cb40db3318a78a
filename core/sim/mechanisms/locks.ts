/**
 * `locks`: leased locks with fencing tokens, replicated by Multi-Paxos (LockService), and
 * fenced resources living OUTSIDE the cluster (simulated storage: messages to it are
 * delayed and lost like any other). Each client cycle: acquire with a ttl (polling while
 * queued), hold a while, write (token, data) to the lock's resource, release. With `pause`
 * on, a client sometimes pauses past its lease between its lease check and its write: the
 * classic GC pause, which fencing must make harmless.
 *
 * Checks: checkLocks on the history, and Paxos agreement/validity/prefix.
 * Negative control: controls.unfenced (the resource accepts stale tokens).
 */
import type { Prng } from '../../algorithms/common/prng';
import { FencedResource, LockService, type LockCommand, type LockResult } from '../../algorithms/locks';
import { checkLocks } from '../../check/locks';
import { checkPaxos } from '../../check/paxos';
import { ClientPool, type OpEnd } from '../client-pool';
import { HistoryRecorder, type PendingOp } from '../history';
import type { PaxosClient } from '../paxos-client';
import { PaxosHarness, type PaxosWorld } from '../paxos-harness';
import type { SimMechanism, SimOptions, SimProgress, SimReport } from '../report';
import { buildReport, defaultMaxSimulatedMs, drive } from '../run-loop';
import { scenarioNemesis } from '../scenarios';
import { streamPrng } from '../seeds';
import { CLIENT_ENDPOINT } from '../world';
import { wallNowMs } from '../wall-clock';

const LOCKS = ['L1', 'L2'];
const TTL_MS: readonly [number, number] = [200, 600];
/** While queued, re-send acquire this often (a queued owner is not notified of promotion). */
const POLL_MS = 40;
/** Give up waiting for a lock after this long (then cancel). */
const WAIT_LIMIT_MS = 1500;
/** Writes to a resource unanswered for this long end `info`. */
const RESOURCE_TIMEOUT_MS = 400;
/** Endpoint name of the storage that holds the fenced resources. */
const STORAGE = 'storage';

export interface LocksSimOptions extends SimOptions {
  /**
   * Which clients (by slot, 0..clients-1) take a GC pause between their lease check and
   * their write, and how often. Default: with the `pause` fault, every client 20% of the time.
   */
  gcPause?: { readonly slots: readonly number[]; readonly probability: number };
}

class LockClientCycle {
  private worst: OpEnd = 'ok';

  constructor(
    private readonly world: PaxosWorld<LockCommand, LockResult>,
    private readonly client: PaxosClient<LockCommand, LockResult>,
    private readonly history: HistoryRecorder,
    private readonly resources: ReadonlyMap<string, FencedResource>,
    private readonly prng: Prng,
    /** Chance of a GC pause before the write (0: never). */
    private readonly pauseProbability: number,
    private readonly process: number,
    private readonly owner: string,
    private readonly done: (end: OpEnd) => void,
  ) {}

  start(): void {
    const lock = this.prng.pick(LOCKS);
    const ttlMs = Math.round(TTL_MS[0] + this.prng.next() * (TTL_MS[1] - TTL_MS[0]));
    const op = this.history.invoke(this.process, 'acquire', lock, null);
    // The lease counts from before the first attempt was sent: never longer than the server's.
    const leaseStart = this.world.now;
    const giveUpAt = this.world.now + WAIT_LIMIT_MS;
    const attempt = (): void => {
      this.client.propose({ type: 'acquire', lock, owner: this.owner, ttlMs }, (o) => {
        if (o.type !== 'ok') return this.end(op, o.type);
        const r = o.result;
        if (!r.ok) return this.end(op, 'fail');
        if (r.kind === 'granted') {
          this.history.complete(op, 'ok', r.token);
          return this.hold(lock, r.token, ttlMs, leaseStart);
        }
        if (r.kind === 'queued') {
          if (this.world.now + POLL_MS < giveUpAt) return this.world.after(POLL_MS, attempt);
          return this.cancel(op, lock);
        }
        // Any other answer to an acquire would be a service bug; record it as unknown.
        return this.end(op, 'info');
      });
    };
    attempt();
  }

  private cancel(op: PendingOp, lock: string): void {
    this.client.propose({ type: 'cancel', lock, owner: this.owner }, (o) => {
      // Cancelled: never granted. Otherwise it may have been promoted meanwhile: unknown.
      const certain = o.type === 'ok' && o.result.ok && o.result.kind === 'cancelled';
      this.end(op, certain ? 'fail' : 'info');
    });
  }

  private hold(lock: string, token: number, ttlMs: number, leaseStart: number): void {
    this.world.after(this.prng.next() * ttlMs * 0.5, () => {
      // The client checks its lease before writing, as a careful client does...
      if (this.world.now - leaseStart >= ttlMs) return this.release(lock, token);
      // ...and then a GC pause hits between the check and the write.
      if (this.pauseProbability > 0 && this.prng.chance(this.pauseProbability)) {
        const pauseMs = ttlMs * (1.5 + this.prng.next() * 2);
        this.world.timeline.record(this.world.now, 'client-pause', `${this.owner} (process ${this.process}) pauses ${pauseMs.toFixed(0)} ms holding ${lock} token ${token} (lease ${ttlMs} ms)`);
        return this.world.after(pauseMs, () => this.write(lock, token));
      }
      this.write(lock, token);
    });
  }

  private write(lock: string, token: number): void {
    const key = `resource-${lock}`;
    const resource = this.resources.get(key) as FencedResource;
    const data = `${this.owner}@${token}`;
    const op = this.history.invoke(this.process, 'write', key, { token, data });
    const w = this.world;
    let answered = false;
    // Client -> storage -> client over the same lossy, delaying wire as everything else.
    for (const there of w.network.transmit(CLIENT_ENDPOINT, STORAGE)) {
      w.after(there, () => {
        const result = resource.write(token, data);
        for (const back of w.network.transmit(STORAGE, CLIENT_ENDPOINT)) {
          w.after(back, () => {
            if (answered || op.done) return;
            answered = true;
            this.history.complete(op, result.ok ? 'ok' : 'fail');
            this.release(lock, token);
          });
        }
      });
    }
    w.after(RESOURCE_TIMEOUT_MS, () => {
      if (answered) return;
      answered = true;
      this.history.complete(op, 'info');
      this.note('info');
      this.release(lock, token);
    });
  }

  private release(lock: string, token: number): void {
    const op = this.history.invoke(this.process, 'release', lock, token);
    this.client.propose({ type: 'release', lock, owner: this.owner, token }, (o) => {
      if (o.type === 'ok') this.end(op, o.result.ok && o.result.kind === 'released' ? 'ok' : 'fail');
      else this.end(op, o.type);
    });
  }

  private end(op: PendingOp, type: OpEnd): void {
    this.history.complete(op, type);
    this.note(type);
    this.done(this.worst);
  }

  private note(type: OpEnd): void {
    if (type === 'info') this.worst = 'info';
    else if (type === 'fail' && this.worst === 'ok') this.worst = 'fail';
  }
}

function run(opts: LocksSimOptions, onProgress?: (p: SimProgress) => void): SimReport {
  const started = wallNowMs();
  const faults = new Set(opts.faults);
  const h = new PaxosHarness<LockCommand, LockResult>({
    seed: opts.seed,
    nodeCount: opts.nodes ?? 5,
    faults,
    makeService: () => new LockService(),
    ...(opts.controls?.paxosBugs ? { bugs: opts.controls.paxosBugs } : {}),
    ...(opts.copies === false ? { copies: false } : {}),
    ...(opts.scenario !== undefined ? { nemesis: scenarioNemesis(opts.scenario) } : {}),
  });
  const world = h.world;
  const history = new HistoryRecorder(() => world.now);
  const enforce = opts.controls?.unfenced !== true;
  const resources = new Map(LOCKS.map((l) => [`resource-${l}`, new FencedResource({ enforce })] as const));
  const prng = streamPrng(opts.seed, 'lock-workload');
  const processes = opts.clients ?? 4;
  const clients = Array.from({ length: processes }, (_, i) => h.client(`c${i}`));
  let cycle = 0;
  // A cycle records three operations (acquire, write, release): budget cycles accordingly.
  const cycles = Math.max(1, Math.ceil(opts.ops / 3));
  const pool = new ClientPool(world, streamPrng(opts.seed, 'think'), { processes, totalOps: cycles, thinkMs: [0, 30] }, (process, slot, done) => {
    const client = clients[slot] as PaxosClient<LockCommand, LockResult>;
    // A fresh owner per cycle: an old cycle's grant that outlived it must not be "renewed".
    const owner = `p${process}-${++cycle}`;
    const pauseProbability = opts.gcPause === undefined ? (faults.has('pause') ? 0.2 : 0) : opts.gcPause.slots.includes(slot) ? opts.gcPause.probability : 0;
    new LockClientCycle(world, client, history, resources, prng, pauseProbability, process, owner, done).start();
  });

  const worldWallMs = drive({ world, pool, nemesis: h.nemesis, maxSimulatedMs: opts.maxSimulatedMs ?? defaultMaxSimulatedMs(opts.ops), drainMs: 8000, seed: opts.seed, opsTotal: cycles, onProgress });
  const verdicts = [checkLocks(history.ops), checkPaxos(h.observations())];
  return buildReport('locks', opts, world, pool, history, verdicts, started, worldWallMs);
}

export const locksMechanism: SimMechanism = {
  name: 'locks',
  summary: 'leased locks with fencing tokens over Multi-Paxos, fenced storage outside the cluster; checks lock safety',
  run,
};
