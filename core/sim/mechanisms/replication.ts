/**
 * Ring replication in the simulator: every node runs a ReplicationNode; client processes
 * read and write a few registers through random coordinators while the nemesis (or a
 * named scenario) breaks things; checkRegister judges the history.
 *
 * `quorum` mode must pass under every fault. `async` and `sloppy` must be caught: the
 * `failover` scenario repeatedly takes a key's first replica away right after it
 * acknowledged writes, which is exactly where async loses acknowledged writes and where a
 * sloppy quorum's stand-ins leave the home replicas stale. `semi-sync` is judged by
 * "acknowledged write lost" (semi-sync.ts) instead of the register checker, and its
 * `semi-sync-loss` scenario loses a write its primary acknowledged alone on every seed.
 */
import type { NodeId } from '../../algorithms/common/types';
import { HashRing } from '../../algorithms/ring';
import { PLACEMENT_KINDS, RangeMap, initialRangeTable, splitRange, type PlacementKind, type RangeTable } from '../../algorithms/placement';
import { comparePlacements, formatComparison } from '../placement-compare';
import {
  REPLICATION_MODES,
  ReplicationNode,
  type ReplEvent,
  type ReplicationConfig,
  type ReplicationMode,
  type ReplMsg,
  type ReplRecord,
  type ReplReply,
  type ReplRequest,
} from '../../algorithms/replication';
import { canonicalJson } from '../../check/canonical';
import { checkRegister } from '../../check/register';
import type { Verdict } from '../../check/verdict';
import { registerBudget } from '../check-budget';
import { ClientPool, type OpEnd } from '../client-pool';
import { HistoryRecorder, completedOps, type SimHistoryOp } from '../history';
import { Nemesis, baselineNetwork, type NemesisOptions } from '../nemesis';
import { SCENARIOS, scenarioNames, scenarioNemesis } from '../scenarios';
import { nodeNames } from '../paxos-harness';
import type { SimFlag, SimMechanism, SimOptions, SimProgress, SimReport } from '../report';
import { buildReport, drive } from '../run-loop';
import { streamPrng } from '../seeds';
import type { FaultKind } from '../timeline';
import { SimWorld } from '../world';
import { ackResult, findLostWrites, lostWritesVerdict, SemiSyncLoss } from './semi-sync';
import { wallNowMs } from '../wall-clock';
import { BALANCE_FLAGS, balanceReplayFlags, ringWeightsConfig, simBalance, type BalanceSimOptions } from '../sim-balance';

export type ReplicationWorld = SimWorld<ReplMsg, ReplRequest, ReplRecord, ReplReply, ReplEvent>;

/** What a replication run needs beyond the common SimOptions. */
export interface ReplicationSimOptions extends SimOptions, BalanceSimOptions {
  /** Default `quorum`. */
  mode?: ReplicationMode;
  replicationFactor?: number;
  /** sloppy mode's R and W (default majority of RF each). */
  readQuorum?: number;
  writeQuorum?: number;
  /** Registers the clients share. Default 3: few keys, many conflicts. */
  keys?: number;
  /** Benchmarks: skip the checkers (the report then has no verdicts). */
  skipChecks?: boolean;
  /** semi-sync: the primary's fallback timeout (default 200 here; semi-sync-loss's control sets it past every request). */
  semiSyncTimeoutMs?: number;
  /** How keys are placed (default `hash`). */
  placement?: PlacementKind;
  /** Range placement: a range splits past this many keys (default 2 here, so a few registers split). */
  splitKeys?: number;
  /** Also print hashing vs ranges over this many sequential and uniform keys (placement-compare.ts). */
  comparePlacement?: number;
}

/** The simulator's range splits: low, so the few registers of a run split during it. */
const SIM_SPLIT_KEYS = 2;
/** The configuration sequence re-sends the current range table this often (the client wire drops some). */
const TABLE_RESEND_MS = 300;

/** This mechanism's own named schedule (`--scenario failover`); the shared ones of core/sim/scenarios work too. */
export const REPLICATION_SCENARIOS = ['failover', 'semi-sync-loss'] as const;

function sharedScenario(name: string): Partial<NemesisOptions> {
  if (!(name in SCENARIOS)) {
    throw new Error(`unknown scenario "${name}" for replication; expected one of ${[...REPLICATION_SCENARIOS, ...scenarioNames()].join(', ')}`);
  }
  return scenarioNemesis(name);
}

const NODE_TIMING = { opTimeoutMs: 600, retryMs: 60, heartbeatMs: 30, asyncCopyDelayMs: 40, semiSyncTimeoutMs: 200 } as const;
/** The client gives up a little after the coordinator would have answered TIMEOUT. */
const CLIENT_TIMEOUT_MS = 900;
/** The history's process for the reads the semi-sync-loss scenario issues itself (not a pool client). */
const OBSERVER_PROCESS = -1;

export function parseReplicationMode(text: string | undefined): ReplicationMode {
  if (text === undefined) return 'quorum';
  const mode = REPLICATION_MODES.find((m) => m === text);
  if (!mode) throw new Error(`--mode must be one of ${REPLICATION_MODES.join(', ')}, got "${text}"`);
  return mode;
}

export function runReplication(opts: ReplicationSimOptions, onProgress?: (p: SimProgress) => void): SimReport {
  const started = wallNowMs();
  // The semi-sync-loss scenario is about semi-sync: it fixes the mode.
  if (opts.scenario === 'semi-sync-loss' && opts.mode !== undefined && opts.mode !== 'semi-sync') {
    throw new Error(`--scenario semi-sync-loss runs --mode semi-sync, got --mode ${opts.mode}`);
  }
  const mode = opts.scenario === 'semi-sync-loss' ? 'semi-sync' : (opts.mode ?? 'quorum');
  const nodes = nodeNames(opts.nodes ?? 5);
  const balance = simBalance(opts, nodes);
  const faults = new Set<FaultKind>(opts.faults);
  const keyCount = opts.keys ?? 3;
  const keys = Array.from({ length: keyCount }, (_, i) => `k${i + 1}`);
  const placement = opts.placement ?? 'hash';
  if (opts.splitKeys !== undefined && placement !== 'range') throw new Error('--split-keys only applies to --placement range');
  const splitKeys = opts.splitKeys ?? SIM_SPLIT_KEYS;
  const config = (id: NodeId): ReplicationConfig => ({
    id,
    members: nodes,
    mode,
    ...(placement === 'range' ? { placement, splitKeys } : {}),
    ...NODE_TIMING,
    ...ringWeightsConfig(balance),
    ...(opts.replicationFactor !== undefined ? { replicationFactor: opts.replicationFactor } : {}),
    ...(opts.readQuorum !== undefined ? { readQuorum: opts.readQuorum } : {}),
    ...(opts.writeQuorum !== undefined ? { writeQuorum: opts.writeQuorum } : {}),
    ...(opts.semiSyncTimeoutMs !== undefined ? { semiSyncTimeoutMs: opts.semiSyncTimeoutMs } : {}),
  });

  const semiSyncLoss = opts.scenario === 'semi-sync-loss' ? new SemiSyncLoss(keys) : undefined;
  /** semi-sync: how often a primary switched to acknowledging alone, and back. */
  const switches = { off: 0, on: 0 };
  const world: ReplicationWorld = new SimWorld({
    seed: opts.seed,
    nodes,
    tickMs: 10,
    network: baselineNetwork(faults),
    replyId: (r) => r.id,
    cloneMessages: opts.copies !== false,
    factory: (id, durable) => new ReplicationNode(config(id), durable),
    onEvent: (node, event) => {
      semiSyncLoss?.observe(node, event);
      if (event.type === 'semi-sync-off') switches.off++;
      if (event.type === 'semi-sync-on') switches.on++;
      if (event.type === 'split-wanted') ranges?.onSplitWanted(node, event.at);
    },
  });
  balance?.slowDown(world.network);
  const ranges = placement === 'range' ? new RangeSequence(world, nodes, initialRangeTable(nodes, opts.replicationFactor ?? 3)) : undefined;
  const history = new HistoryRecorder(() => world.now);
  const workload = streamPrng(opts.seed, 'workload');
  let nextValue = 1;
  let requestSeq = 0;

  const runOne = (process: number, _slot: number, done: (end: OpEnd) => void): void => {
    const key = workload.pick(keys);
    // semi-sync-loss holds writes to the key it struck until a read has seen it (semi-sync.ts).
    const isWrite = workload.chance(0.5) && semiSyncLoss?.holds(key) !== true;
    const coordinator = balance !== undefined ? balance.choose(key) : workload.pick(nodes);
    issue(process, key, isWrite, coordinator, balance !== undefined ? balance.track(coordinator, done) : done);
  };

  const issue = (process: number, key: string, isWrite: boolean, coordinator: NodeId, done: (end: OpEnd) => void): void => {
    const id = `c${process}/${++requestSeq}`;
    const value = isWrite ? nextValue++ : null;
    const op = history.invoke(process, isWrite ? 'write' : 'read', key, value);
    let finished = false;
    const finish = (type: OpEnd, read?: unknown, result?: unknown): void => {
      if (finished) return;
      finished = true;
      world.cancel(id);
      history.complete(op, type, isWrite ? value : read, result);
      done(type);
    };
    const req: ReplRequest = isWrite ? { kind: 'write', id, key, value } : { kind: 'read', id, key };
    world.request(coordinator, id, req, (reply) => {
      // semi-sync's judge compares versions (semi-sync.ts): the history keeps them.
      if (reply.ok) return finish('ok', reply.value ?? null, mode === 'semi-sync' ? ackResult(reply) : undefined);
      // `fail` is certain (nothing was written); `unknown` may still take effect.
      finish(reply.outcome === 'fail' || !isWrite ? 'fail' : 'info');
    });
    // No answer: the request, the coordinator or the reply was lost. A read changed
    // nothing the history can see (it writes back only values already written).
    world.after(CLIENT_TIMEOUT_MS, () => finish(isWrite ? 'info' : 'fail'));
  };

  semiSyncLoss?.attachReader((key, coordinator, done) => issue(OBSERVER_PROCESS, key, false, coordinator, done));
  const pool = new ClientPool(world, streamPrng(opts.seed, 'clients'), { processes: opts.clients ?? 4, totalOps: opts.ops, thinkMs: [0, 20] }, runOne);
  const shared =
    semiSyncLoss !== undefined
      ? semiSyncLoss.scenario().nemesis
      : opts.scenario === undefined || opts.scenario === 'failover'
        ? {}
        : sharedScenario(opts.scenario);
  const nemesis = new Nemesis(world, streamPrng(opts.seed, 'nemesis'), { faults, ...shared });
  if (opts.scenario === 'failover') scheduleFailover(world, nodes, keys, streamPrng(opts.seed, 'scenario'), () => pool.finished, ranges);
  ranges?.resendUntil(() => pool.finished);
  drive({
    world,
    pool,
    nemesis,
    maxSimulatedMs: opts.maxSimulatedMs ?? 60_000 + opts.ops * 200,
    drainMs: CLIENT_TIMEOUT_MS + 100,
    seed: opts.seed,
    opsTotal: opts.ops,
    onProgress,
  });

  const ops = history.ops;
  const verdicts: Verdict[] = [];
  if (opts.skipChecks !== true && mode === 'semi-sync') {
    verdicts.push(lostWritesVerdict(findLostWrites(ops)));
  } else if (opts.skipChecks !== true) {
    verdicts.push(checkRegister(ops, registerBudget()));
    const stale = findStaleReads(ops);
    if (stale.length > 0) verdicts.push(staleReadVerdict(mode, stale));
  }
  const report = buildReport('replication', opts, world, pool, history, verdicts, started);
  report.replay += replicationFlags(opts, mode) + balanceReplayFlags(opts);
  const notes = [...(ranges?.notes() ?? []), ...(balance?.notes() ?? [])];
  if (mode === 'semi-sync') notes.push(`semi-sync: a primary fell back to acknowledging alone ${switches.off} time(s) and switched back ${switches.on} time(s)`);
  if (opts.comparePlacement !== undefined) {
    for (const pattern of ['sequential', 'uniform'] as const) {
      notes.push(
        ...formatComparison(
          comparePlacements({ pattern, keys: opts.comparePlacement, nodes, newcomer: `n${nodes.length + 1}`, replicationFactor: opts.replicationFactor ?? 3, splitKeys: opts.splitKeys ?? 64, seed: opts.seed }),
        ),
      );
    }
  }
  if (notes.length > 0) report.notes = notes;
  return report;
}

/**
 * The `failover` scenario: again and again, pick a random key and take its first replica
 * away (crash it, or cut it off), or split its first two replicas from the rest of the
 * cluster, for longer than the failure detector needs to suspect them; then heal.
 * Acknowledgements given alone (async) or by stand-ins on the other side of a split
 * (sloppy) are exactly what the remaining replicas miss.
 */
function scheduleFailover(
  world: ReplicationWorld,
  nodes: NodeId[],
  keys: string[],
  prng: ReturnType<typeof streamPrng>,
  finished: () => boolean,
  ranges: RangeSequence | undefined,
): void {
  const hashRing = new HashRing();
  for (const n of nodes) hashRing.add(n);
  const ring = { preferenceList: (key: string, n: number) => (ranges ? new RangeMap(ranges.table).preferenceList(key, n) : hashRing.preferenceList(key, n)) };
  const isolate = (group: NodeId[]): void => {
    for (const a of group) for (const b of nodes) if (!group.includes(b)) (world.network.cut(a, b), world.network.cut(b, a));
  };
  const round = (): void => {
    if (finished()) return;
    const replicas = ring.preferenceList(prng.pick(keys), 2);
    const first = replicas[0] as NodeId;
    const action = prng.pick(['crash', 'isolate', 'split'] as const);
    if (action === 'crash') world.crash(first);
    else isolate(action === 'isolate' ? [first] : replicas);
    const detail = action === 'split' ? `${replicas.join(',')} split from the rest` : `${first} ${action === 'crash' ? 'crashed' : 'isolated'}`;
    world.timeline.record(world.now, action === 'crash' ? 'crash' : 'partition', `failover: ${detail}`);
    world.after(prng.between(500, 1000), () => {
      if (action === 'crash') world.restart(first);
      else world.network.healAll();
      world.timeline.record(world.now, 'heal', `failover: ${detail} healed`);
      world.after(prng.between(100, 300), round);
    });
  };
  world.after(prng.between(100, 300), round);
}

export interface StaleRead {
  key: string;
  /** The acknowledged write the read should have seen (or something newer). */
  write: { process: number | string; value: unknown; okAtNs: number };
  /** The read, invoked after that write was acknowledged, that returned an older value. */
  read: { process: number | string; value: unknown; invokedAtNs: number };
  /** The write of the value the read returned, acknowledged before `write` was even invoked (null: the initial value). */
  older: { process: number | string; value: unknown } | null;
}

/**
 * Direct evidence, independent of the linearizability search: a read that returned a
 * value certainly older than a write acknowledged before the read began. (Values are
 * unique per write, so "older" is exact: the read's value was written and acknowledged
 * before the newer write was invoked, or is the initial null while a write was acknowledged.)
 */
export function findStaleReads(ops: readonly SimHistoryOp[], limit = 5): StaleRead[] {
  const done = completedOps(ops);
  const writes = done.filter((d) => d.f === 'write');
  const writeOf = new Map(writes.map((w) => [`${w.key}\u0000${canonicalJson(w.value)}`, w]));
  const found: StaleRead[] = [];
  for (const read of done) {
    if (read.f !== 'read') continue;
    const older = read.value === null ? null : writeOf.get(`${read.key}\u0000${canonicalJson(read.value)}`);
    if (older === undefined) continue; // a value from a write with an unknown outcome: not certain
    for (const w of writes) {
      if (w.key !== read.key || w.okAtNs >= read.invokedAtNs) continue;
      if (older !== null && older.okAtNs >= w.invokedAtNs) continue;
      found.push({
        key: read.key,
        write: { process: w.process, value: w.value, okAtNs: w.okAtNs },
        read: { process: read.process, value: read.value, invokedAtNs: read.invokedAtNs },
        older: older === null ? null : { process: older.process, value: older.value },
      });
      break;
    }
    if (found.length >= limit) break;
  }
  return found;
}

function staleReadVerdict(mode: ReplicationMode, stale: StaleRead[]): Verdict {
  const first = stale[0] as StaleRead;
  const what = mode === 'async' ? 'lost acknowledged write' : 'stale read';
  return {
    valid: false,
    model: what,
    summary:
      `${stale.length === 5 ? 'At least 5' : stale.length} read(s) returned a value older than a write acknowledged before they began: ` +
      `on ${first.key}, write ${JSON.stringify(first.write.value)} was acknowledged, then a read returned ${JSON.stringify(first.read.value)}` +
      (mode === 'async'
        ? ' (the only replica that had acknowledged it was away, and its background copy had not reached the others).'
        : mode === 'sloppy'
          ? ' (the read quorum did not intersect the replicas, or stand-ins, that acknowledged the write, and reads write nothing back).'
          : '.'),
    evidence: stale,
  };
}

/**
 * Range placement's configuration sequence in the simulator, standing in for the Paxos
 * log of the real cluster: splits are applied here, one at a time, in the order they are
 * asked for, and every node is handed the same table (re-sent every TABLE_RESEND_MS, since
 * the client wire drops and a node may be down). A split keeps every key's replica set,
 * so a node that gets the table late still asks the right replicas.
 */
class RangeSequence {
  private current: RangeTable;
  private readonly splits: { atMs: number; at: string; by: NodeId }[] = [];

  constructor(
    private readonly world: ReplicationWorld,
    private readonly nodes: readonly NodeId[],
    table: RangeTable,
  ) {
    this.current = table;
  }

  get table(): RangeTable {
    return this.current;
  }

  onSplitWanted(asker: NodeId, at: string): void {
    const next = splitRange(this.current, at);
    if (next === this.current) {
      this.send(asker); // it asked again: it missed the table with this split
      return;
    }
    this.current = next;
    this.splits.push({ atMs: this.world.now, at, by: asker });
    for (const n of this.nodes) this.send(n);
  }

  resendUntil(finished: () => boolean): void {
    const again = (): void => {
      if (finished()) return;
      for (const n of this.nodes) this.send(n);
      this.world.after(TABLE_RESEND_MS, again);
    };
    this.world.after(TABLE_RESEND_MS, again);
  }

  notes(): string[] {
    const show = (k: string | null): string => (k === null ? 'end' : k === '' ? 'start' : JSON.stringify(k));
    return [
      `range placement: ${this.splits.length} split(s)` +
        (this.splits.length > 0 ? `: ${this.splits.map((s) => `at ${JSON.stringify(s.at)} (${s.atMs.toFixed(0)} ms, asked by ${s.by})`).join(', ')}` : ''),
      `ranges (version ${this.current.version}): ${new RangeMap(this.current)
        .ranges()
        .map((r) => `[${show(r.start)}..${show(r.end)}) ${r.owners.join(',')}`)
        .join('; ')}`,
    ];
  }

  private send(node: NodeId): void {
    const id = `ranges-v${this.current.version}-${node}-${this.world.now.toFixed(0)}`;
    this.world.request(node, id, { kind: 'membership', id, members: this.nodes, ranges: this.current }, () => this.world.cancel(id));
  }
}

/** The flags of this mechanism, for the replay command line. */
function replicationFlags(opts: ReplicationSimOptions, mode: ReplicationMode): string {
  let flags = ` --mode ${mode}`;
  if (opts.replicationFactor !== undefined) flags += ` --replication-factor ${opts.replicationFactor}`;
  if (opts.readQuorum !== undefined) flags += ` --read-quorum ${opts.readQuorum}`;
  if (opts.writeQuorum !== undefined) flags += ` --write-quorum ${opts.writeQuorum}`;
  if (opts.keys !== undefined) flags += ` --keys ${opts.keys}`;
  if (opts.placement !== undefined) flags += ` --placement ${opts.placement}`;
  if (opts.splitKeys !== undefined) flags += ` --split-keys ${opts.splitKeys}`;
  return flags;
}

function positiveInteger(flag: string): SimFlag {
  return {
    summary: '',
    parse(text) {
      const n = Number(text);
      if (!Number.isInteger(n) || n < 1) throw new Error(`--${flag} needs an integer >= 1, got "${text}"`);
      return n;
    },
  };
}

export const replicationMechanism: SimMechanism = {
  name: 'replication',
  summary: 'register replicas placed by hash or range (--mode quorum|async|sloppy, --placement hash|range) under faults, judged by the register checker',
  flags: {
    mode: { summary: `replication mode: ${REPLICATION_MODES.join(', ')} (default quorum)`, parse: (text) => parseReplicationMode(text) },
    'replication-factor': { ...positiveInteger('replication-factor'), summary: 'replicas per key, N (default 3)' },
    'read-quorum': { ...positiveInteger('read-quorum'), summary: 'sloppy mode: R, replies a read waits for (default majority of N)' },
    'write-quorum': { ...positiveInteger('write-quorum'), summary: 'sloppy mode: W, acks a write waits for (default majority of N)' },
    keys: { ...positiveInteger('keys'), summary: 'registers the clients share (default 3)' },
    placement: {
      summary: `how keys are placed: ${PLACEMENT_KINDS.join(', ')} (default hash; range: ordered ranges that split as they fill)`,
      parse(text) {
        const kind = PLACEMENT_KINDS.find((k) => k === text);
        if (!kind) throw new Error(`--placement must be one of ${PLACEMENT_KINDS.join(', ')}, got "${text}"`);
        return kind;
      },
    },
    'split-keys': { ...positiveInteger('split-keys'), summary: `range placement: a range splits past this many keys (default ${SIM_SPLIT_KEYS} in the simulator)` },
    'compare-placement': { ...positiveInteger('compare-placement'), summary: 'also print hash vs range placement over this many sequential and uniform keys: keys per node, max/mean, keys moved on a join' },
    ...BALANCE_FLAGS,
  },
  run: (opts, onProgress) => runReplication(opts, onProgress),
};
