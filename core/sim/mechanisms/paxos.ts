/**
 * `paxos`: 3-5 Multi-Paxos replicas, each applying a register store (KvService), under a
 * register workload (read / write / cas / append over a few keys, all through the log).
 * Checks: Paxos agreement, validity and prefix from what nodes learned and applied, and
 * linearizability of the clients' history.
 *
 * Negative controls: controls.paxosBugs (deliberate Paxos defects), controls.staleReads
 * (reads answered from any replica's local state, without the log).
 */
import type { Prng } from '../../algorithms/common/prng';
import { unreachable } from '../../algorithms/common/unreachable';
import { KvService, type KvCommand, type KvResult } from '../../algorithms/kv';
import { checkPaxos } from '../../check/paxos';
import { checkRegister } from '../../check/register';
import { registerBudget } from '../check-budget';
import { ClientPool, type OpEnd } from '../client-pool';
import { HistoryRecorder } from '../history';
import { PaxosHarness } from '../paxos-harness';
import type { CallOutcome } from '../paxos-client';
import type { SimMechanism, SimOptions, SimProgress, SimReport } from '../report';
import { buildReport, defaultMaxSimulatedMs, drive } from '../run-loop';
import { streamPrng } from '../seeds';
import { scenarioNemesis } from '../scenarios';
import { wallNowMs } from '../wall-clock';

/** Registers that hold numbers (read/write/cas) and one that holds a string (read/append). */
const NUMBER_KEYS = ['x', 'y'];
const STRING_KEY = 's';

/** Draws register operations with unique written values (they make the checker sharper). */
class RegisterWorkload {
  private unique = 0;
  /** Values written per key, so cas sometimes expects the current one. */
  private readonly written = new Map<string, unknown[]>();

  constructor(private readonly prng: Prng) {}

  next(): KvCommand {
    const roll = this.prng.next();
    const v = ++this.unique;
    if (roll >= 0.85) return { f: 'append', key: STRING_KEY, value: `${v},` };
    const key = roll < 0.15 ? STRING_KEY : this.prng.pick(NUMBER_KEYS);
    if (roll < 0.4) return { f: 'read', key };
    if (roll < 0.6) return this.remember({ f: 'write', key, value: v });
    if (roll < 0.85) {
      const seen = this.written.get(key) ?? [];
      const expected = seen.length > 0 && this.prng.chance(0.8) ? seen[seen.length - 1 - this.prng.int(Math.min(3, seen.length))] : null;
      return this.remember({ f: 'cas', key, value: [expected ?? null, v] });
    }
    return this.remember({ f: 'write', key, value: v });
  }

  private remember(cmd: Extract<KvCommand, { f: 'write' | 'cas' }>): KvCommand {
    const v = cmd.f === 'write' ? cmd.value : cmd.value[1];
    const list = this.written.get(cmd.key) ?? [];
    list.push(v);
    if (list.length > 8) list.shift();
    this.written.set(cmd.key, list);
    return cmd;
  }
}

function run(opts: SimOptions, onProgress?: (p: SimProgress) => void): SimReport {
  const started = wallNowMs();
  const faults = new Set(opts.faults);
  const h = new PaxosHarness<KvCommand, KvResult>({
    seed: opts.seed,
    nodeCount: opts.nodes ?? 5,
    faults,
    makeService: () => new KvService(),
    ...(opts.controls?.paxosBugs ? { bugs: opts.controls.paxosBugs } : {}),
    ...(opts.copies === false ? { copies: false } : {}),
    ...(opts.controls?.assertionsOff === true ? { checkInvariants: false } : {}),
    ...(opts.scenario !== undefined ? { nemesis: scenarioNemesis(opts.scenario) } : {}),
  });
  const world = h.world;
  const history = new HistoryRecorder(() => world.now);
  const workload = new RegisterWorkload(streamPrng(opts.seed, 'workload'));
  const routing = streamPrng(opts.seed, 'stale-read-routing');
  const processes = opts.clients ?? 4;
  const clients = Array.from({ length: processes }, (_, i) => h.client(`c${i}`));
  const staleReads = opts.controls?.staleReads === true;

  const pool = new ClientPool(world, streamPrng(opts.seed, 'think'), { processes, totalOps: opts.ops, thinkMs: [0, 20] }, (process, slot, done) => {
    const client = clients[slot];
    if (client === undefined) throw new Error(`no client for slot ${slot}`);
    const op = workload.next();
    const pending = history.invoke(process, op.f, op.key, op.f === 'read' ? null : op.value);
    const complete = (outcome: CallOutcome<KvResult>): void => done(record(history, pending, outcome));
    if (op.f === 'read' && staleReads) client.queryLocal(routing.pick(world.nodeIds), op, complete);
    else client.propose(op, complete);
  });

  const worldWallMs = drive({ world, pool, nemesis: h.nemesis, maxSimulatedMs: opts.maxSimulatedMs ?? defaultMaxSimulatedMs(opts.ops), drainMs: 5000, seed: opts.seed, opsTotal: opts.ops, onProgress });
  const verdicts = [checkPaxos(h.observations()), checkRegister(history.ops, registerBudget())];
  return buildReport('paxos', opts, world, pool, history, verdicts, started, worldWallMs);
}

function record(history: HistoryRecorder, pending: ReturnType<HistoryRecorder['invoke']>, outcome: CallOutcome<KvResult>): OpEnd {
  switch (outcome.type) {
    case 'fail':
    case 'info':
      history.complete(pending, outcome.type);
      return outcome.type;
    case 'ok': {
      const r = outcome.result;
      if (!r.ok) {
        // The service refused it (bad argument, not a string): certainly no effect.
        history.complete(pending, 'fail');
        return 'fail';
      }
      if (r.f === 'read') history.complete(pending, 'ok', r.value);
      else if (r.f === 'cas') history.complete(pending, 'ok', pending.value, r.result);
      else history.complete(pending, 'ok');
      return 'ok';
    }
    default:
      return unreachable(outcome, 'call outcome');
  }
}

export const paxosMechanism: SimMechanism = {
  name: 'paxos',
  summary: 'Multi-Paxos replicas with a register store; checks agreement/validity/prefix and linearizability',
  run,
};
