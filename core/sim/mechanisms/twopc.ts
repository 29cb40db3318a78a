/**
 * `twopc`: list-append transactions over keys homed on the ring, run by two-phase commit
 * on every node, under the nemesis. Each client transaction goes to a random coordinator.
 * `classic` mode decides at the coordinator (it may block when the coordinator dies after
 * the votes); `paxos` mode decides through a Paxos log on every node (it does not).
 *
 * Checks: checkAtomicity over what participants, coordinators/log and clients observed,
 * and checkTxn (serializability, Elle's list-append model) over the client history.
 */
import type { Tagged } from '../../algorithms/common/compose';
import type { NodeId } from '../../algorithms/common/types';
import { HashRing } from '../../algorithms/ring';
import {
  DEFAULT_TWOPC_TIMING,
  restoreThreePcNode,
  restoreTwoPcNode,
  TwoPcNode,
  TwoPcPaxosNode,
  type TwoPcConfig,
  type TwoPcEvent,
  type TwoPcRecord,
  type TwoPcReply,
  type TwoPcRequest,
  type TwoPcStatus,
  type TxnMicroOp,
} from '../../algorithms/twopc';
import { checkTxn } from '../../check/txn';
import { CONSISTENCY_MODELS, isConsistencyModel, type ConsistencyModel } from '../../check/txn-models';
import { checkAtomicity, type AtomicityObservations, type TxnOutcome } from '../../check/txn-atomicity';
import type { Verdict } from '../../check/verdict';
import { txnBudget } from '../check-budget';
import { ClientPool, type OpEnd } from '../client-pool';
import { HistoryRecorder } from '../history';
import { Nemesis, baselineNetwork } from '../nemesis';
import { nodeNames } from '../paxos-harness';
import type { SimMechanism, SimOptions, SimProgress, SimReport } from '../report';
import { buildReport, drive } from '../run-loop';
import { scenarioNemesis } from '../scenarios';
import { streamPrng } from '../seeds';
import type { FaultKind } from '../timeline';
import { SimWorld } from '../world';
import { wallNowMs } from '../wall-clock';
import { nodeDownVerdict, scheduleNodeDown, shardedNode, shardedObservations } from './twopc-sharded';

export { TWOPC_MODES, type TwoPcMode } from '../../algorithms/twopc';
import { LOCK_POLICIES, TWOPC_MODES, type LockPolicy, type TwoPcMode } from '../../algorithms/twopc';

/**
 * Every mode runs strict two-phase locking (locks held from execution to the decision), so
 * a committed transaction's effects are ordered after every transaction that finished
 * before it began: strict serializability, checked by default.
 */
export const TWOPC_CONSISTENCY: ConsistencyModel = 'strict-serializable';

export interface TwoPcSimOptions extends SimOptions {
  /** Default `classic`. */
  mode?: TwoPcMode;
  /** The model checkTxn judges the history by; default strict-serializable. */
  consistency?: ConsistencyModel;
  /** Keys the transactions share. Default 6: enough conflicts to exercise the locks. */
  keys?: number;
  /** A deliberate defect (negative control): the checkers must catch it. */
  twopcBug?: TwoPcBug;
  /** What participants do on a lock conflict (default no-wait). */
  lockPolicy?: LockPolicy;
}

export const TWOPC_BUGS = {
  'decide-alone': 'an in-doubt participant aborts on its own after a while',
  'vote-before-persist': 'participants vote yes before PREPARED is durable',
} as const;
export type TwoPcBug = keyof typeof TWOPC_BUGS;

function parseTwoPcBug(text: string): TwoPcBug {
  if (text in TWOPC_BUGS) return text as TwoPcBug;
  throw new Error(`--twopc-bug must be one of ${Object.keys(TWOPC_BUGS).join(', ')}, got "${text}"`);
}

function bugsFor(bug: TwoPcBug | undefined): TwoPcConfig['bugs'] | undefined {
  if (bug === 'decide-alone') return { decideAloneAfterMs: 40 };
  if (bug === 'vote-before-persist') return { voteBeforePersist: true };
  return undefined;
}

export function parseTwoPcMode(text: string | undefined): TwoPcMode {
  if (text === undefined) return 'classic';
  const mode = TWOPC_MODES.find((m) => m === text);
  if (!mode) throw new Error(`--mode must be one of ${TWOPC_MODES.join(', ')}, got "${text}"`);
  return mode;
}

const TIMING = { ...DEFAULT_TWOPC_TIMING, decideTimeoutMs: 600, retryMs: 60, inDoubtAfterMs: 200, workingTimeoutMs: 1_500 } as const;
const PAXOS_TIMING = { heartbeatMs: 30, electionTimeoutMinMs: 150, electionTimeoutMaxMs: 300 } as const;
/** A client that hears nothing by then records the transaction as indeterminate. */
const CLIENT_TIMEOUT_MS = 1_500;
/** After the final heal: time for restarted coordinators and in-doubt participants to finish. */
const SETTLE_MS = 4_000;
const MAX_MICRO_OPS = 4;

type Msg = unknown;
type Rec = unknown;
type TwoPcWorld = SimWorld<Msg, TwoPcRequest, Rec, TwoPcReply, TwoPcEvent>;

export function runTwoPc(opts: TwoPcSimOptions, onProgress?: (p: SimProgress) => void): SimReport {
  const started = wallNowMs();
  const mode = opts.mode ?? 'classic';
  const nodes = nodeNames(opts.nodes ?? 5);
  const faults = new Set<FaultKind>(opts.faults);
  const keys = Array.from({ length: opts.keys ?? 6 }, (_, i) => `k${i + 1}`);
  const ring = new HashRing();
  for (const n of nodes) ring.add(n);
  const bugs = bugsFor(opts.twopcBug);
  const config = (id: NodeId): TwoPcConfig => ({ id, home: (key) => ring.owner(key), ...TIMING, ...(bugs ? { bugs } : {}), ...(opts.lockPolicy ? { lockPolicy: opts.lockPolicy } : {}) });

  const obs = { outcomes: [] as { txn: string; node: string; outcome: TxnOutcome }[], decisions: [] as { txn: string; node: string; outcome: TxnOutcome }[], replies: [] as { txn: string; outcome: TxnOutcome }[] };
  const blocked: { txn: string; node: string; waitingFor: string }[] = [];
  const world: TwoPcWorld = new SimWorld<Msg, TwoPcRequest, Rec, TwoPcReply, TwoPcEvent>({
    seed: opts.seed,
    nodes,
    tickMs: 10,
    network: baselineNetwork(faults),
    replyId: (r) => r.id,
    cloneMessages: opts.copies !== false,
    onEvent: (_node, ev) => {
      if (ev.kind === 'blocked') blocked.push({ txn: ev.txn, node: ev.node, waitingFor: ev.waitingFor });
    },
    factory: (id, durable, incarnation) =>
      mode === 'sharded'
        ? shardedNode(id, nodes, TIMING, PAXOS_TIMING, opts.seed * 131 + incarnation * 7 + nodes.indexOf(id), durable as Tagged[])
        : mode === 'paxos'
        ? new TwoPcPaxosNode({ twopc: config(id), members: nodes, seed: opts.seed * 131 + incarnation * 7 + nodes.indexOf(id), paxosTiming: PAXOS_TIMING }, durable as Tagged[])
        : mode === '3pc'
          ? restoreThreePcNode(config(id), durable as TwoPcRecord[])
          : restoreTwoPcNode(config(id), durable as TwoPcRecord[]),
  });

  const history = new HistoryRecorder(() => world.now);
  const workload = streamPrng(opts.seed, 'workload');
  const nextValue = new Map<string, number>();
  let txnSeq = 0;
  const runOne = (process: number, _slot: number, done: (end: OpEnd) => void): void => {
    const ops: TxnMicroOp[] = [];
    const n = 1 + workload.int(MAX_MICRO_OPS);
    for (let i = 0; i < n; i++) {
      const key = workload.pick(keys);
      if (workload.chance(0.5)) {
        const v = (nextValue.get(key) ?? 0) + 1;
        nextValue.set(key, v);
        ops.push(['append', key, v]);
      } else ops.push(['r', key, null]);
    }
    const id = `t${++txnSeq}`;
    const op = history.invoke(process, 'txn', undefined, ops);
    let finished = false;
    const finish = (type: OpEnd, value: unknown = ops): void => {
      if (finished) return;
      finished = true;
      world.cancel(id);
      history.complete(op, type, value);
      done(type);
    };
    // node-down: a client whose node refuses the connection goes to another (as the real
    // cluster client does), so the scenario measures the protocol, not clients stuck on a corpse.
    const up = opts.scenario === 'node-down' ? nodes.filter((n) => world.status(n) === 'up') : nodes;
    world.request(workload.pick(up), id, { kind: 'txn', id, ops }, (reply) => {
      if (reply.ok) {
        obs.replies.push({ txn: id, outcome: 'commit' });
        return finish('ok', reply.ops);
      }
      if (reply.error === 'DUPLICATE') return finish('info'); // it may have committed; what it read is unknown here
      obs.replies.push({ txn: id, outcome: 'abort' });
      finish('fail');
    });
    world.after(CLIENT_TIMEOUT_MS, () => finish('info'));
  };

  const pool = new ClientPool(world, streamPrng(opts.seed, 'clients'), { processes: opts.clients ?? 4, totalOps: opts.ops, thinkMs: [0, 20] }, runOne);
  const own = opts.scenario === 'coordinator-crash' || opts.scenario === 'node-down';
  const shared = opts.scenario !== undefined && !own ? scenarioNemesis(opts.scenario) : {};
  const nemesis = new Nemesis(world, streamPrng(opts.seed, 'nemesis'), { faults, ...shared });
  if (opts.scenario === 'coordinator-crash') scheduleCoordinatorCrashes(world, nodes, streamPrng(opts.seed, 'scenario'), () => pool.finished);
  if (opts.scenario === 'node-down') scheduleNodeDown(world, nodes, streamPrng(opts.seed, 'scenario'));
  drive({ world, pool, nemesis, maxSimulatedMs: opts.maxSimulatedMs ?? 60_000 + opts.ops * 200, drainMs: CLIENT_TIMEOUT_MS + 100, seed: opts.seed, opsTotal: opts.ops, onProgress });
  // Everything is healed now: let coordinators finish their logs and the in-doubt learn.
  world.run(world.now + SETTLE_MS);

  const inDoubtAtEnd: { txn: string; node: string }[] = [];
  for (const id of mode === 'sharded' ? [] : nodes) {
    const m = world.machine(id) as TwoPcNode | TwoPcPaxosNode | undefined;
    const status: TwoPcStatus | undefined = m?.status();
    for (const p of status?.participating ?? []) if (p.state === 'prepared' || p.state === 'pre-committed' || p.state === 'in-doubt') inDoubtAtEnd.push({ txn: p.txn, node: id });
  }
  // Decisions: classic and 3pc, the coordinators' COMMIT records (no record = abort; a 3PC
  // participant deciding without its coordinator leaves an outcome record); paxos, what
  // the decision log applied on every live replica.
  // Outcomes and decisions are read from the disks, not from events: an event of a step
  // whose records a crash tore never took effect (nothing of that step left the node).
  if (mode === 'sharded') {
    const seen = shardedObservations(world, nodes);
    obs.outcomes.push(...seen.outcomes);
    obs.decisions.push(...seen.decisions);
    inDoubtAtEnd.push(...seen.inDoubtAtEnd);
  }
  for (const id of mode === 'sharded' ? [] : nodes) {
    const records = (world.durable(id) as (TwoPcRecord | Tagged)[]).flatMap((r) => ('part' in r ? (r.part === 'twopc' ? [r.body as TwoPcRecord] : []) : [r]));
    for (const r of records) if (r.type === 'outcome') obs.outcomes.push({ txn: r.txn, node: id, outcome: r.outcome });
    if (mode === 'classic' || mode === '3pc') {
      for (const r of records) if (r.type === 'commit') obs.decisions.push({ txn: r.txn, node: id, outcome: 'commit' });
    } else {
      const m = world.machine(id) as TwoPcPaxosNode | undefined;
      for (const [txn, outcome] of m?.decisions.entries() ?? []) obs.decisions.push({ txn, node: `${id} (log)`, outcome });
    }
  }
  const atomicity: AtomicityObservations = { ...obs, inDoubtAtEnd };
  const verdicts: Verdict[] = [checkAtomicity(atomicity), checkTxn(history.ops, { ...txnBudget(), consistency: opts.consistency ?? TWOPC_CONSISTENCY }), blockingVerdict(mode, blocked), ...(opts.scenario === 'node-down' ? [nodeDownVerdict(mode, history.ops)] : [])];
  const report = buildReport('twopc', opts, world, pool, history, verdicts, started);
  if (!/--mode /.test(report.replay)) report.replay += ` --mode ${mode}`;
  if (opts.keys !== undefined && !/--keys /.test(report.replay)) report.replay += ` --keys ${opts.keys}`;
  if (opts.consistency !== undefined && !/--consistency /.test(report.replay)) report.replay += ` --consistency ${opts.consistency}`;
  if (opts.twopcBug !== undefined && !/--twopc-bug /.test(report.replay)) report.replay += ` --twopc-bug ${opts.twopcBug}`;
  return report;
}

/** Scenarios of this mechanism (`--scenario`), besides the shared ones. */
export const TWOPC_SCENARIOS = ['coordinator-crash', 'node-down'] as const;

export const twopcMechanism: SimMechanism = {
  name: 'twopc',
  summary: `list-append transactions by two-phase commit (--mode ${TWOPC_MODES.join('|')}; 3pc is three-phase commit); checks atomicity and serializability`,
  flags: {
    mode: { summary: `decision: ${TWOPC_MODES.join(', ')} (default classic; paxos decides through a Paxos log and does not block; 3pc lets participants decide without the coordinator, safe without partitions)`, parse: (text) => parseTwoPcMode(text) },
    'twopc-bug': {
      summary: `a deliberate defect (negative control): ${Object.entries(TWOPC_BUGS).map(([k, v]) => `${k} (${v})`).join('; ')}`,
      parse: (text) => parseTwoPcBug(text),
    },
    consistency: {
      summary: `the model the transactions are checked against (default ${'strict-serializable'}: strict two-phase locking promises it): ${CONSISTENCY_MODELS.join(', ')}`,
      parse(text) {
        if (!isConsistencyModel(text)) throw new Error(`--consistency must be one of ${CONSISTENCY_MODELS.join(', ')}, got "${text}"`);
        return text;
      },
    },
    'lock-policy': {
      summary: `what a participant does on a lock conflict: ${LOCK_POLICIES.join(', ')} (default no-wait: abort at once; wait-die: an older transaction waits, a younger dies; wound-wait: an older one wounds a younger holder that has not voted, a younger one waits)`,
      parse(text) {
        const p = LOCK_POLICIES.find((x) => x === text);
        if (!p) throw new Error(`--lock-policy must be one of ${LOCK_POLICIES.join(', ')}, got "${text}"`);
        return p;
      },
    },
    keys: {
      summary: 'keys the transactions share (default 6)',
      parse(text) {
        const n = Number(text);
        if (!Number.isInteger(n) || n < 1) throw new Error(`--keys needs an integer >= 1, got "${text}"`);
        return n;
      },
    },
  },
  run: (opts, onProgress) => runTwoPc(opts as TwoPcSimOptions, onProgress),
};

/**
 * Not a safety check (blocking is allowed; it is the price of classic 2PC) but the lesson
 * the lab is for: how often participants that voted yes had to wait for a dead coordinator.
 */
function blockingVerdict(mode: TwoPcMode, blocked: readonly { txn: string; node: string; waitingFor: string }[]): Verdict {
  const txns = new Set(blocked.map((b) => b.txn)).size;
  const first = blocked[0];
  const summary =
    first === undefined
      ? `No participant was ever blocked (${mode} mode).`
      : `${blocked.length} time(s) a participant that voted yes was blocked waiting for its coordinator (${txns} transaction(s)), e.g. ${first.node} for ${first.txn} waiting for ${first.waitingFor}; each held its locks until the coordinator came back.`;
  return { valid: true, model: 'txn-blocking', summary, ...(first ? { evidence: { blocked: blocked.slice(0, 10) } } : {}), stats: { blocked: blocked.length, blockedTxns: txns } };
}

/**
 * The `coordinator-crash` scenario: again and again a coordinator crashes in the middle of
 * a prepare phase (when yes votes may be out) and stays down long enough for its
 * participants to be in doubt and to find every peer in doubt too. Classic mode blocks
 * there; paxos mode must not.
 */
function scheduleCoordinatorCrashes(world: TwoPcWorld, nodes: NodeId[], prng: ReturnType<typeof streamPrng>, finished: () => boolean): void {
  const POLL_MS = 2;
  // A coordinator in the prepare phase may already have yes votes out: the worst moment.
  const preparing = (): NodeId | undefined =>
    nodes.find((id) => (world.machine(id) as TwoPcNode | TwoPcPaxosNode | undefined)?.status().coordinating.some((t) => t.phase === 'preparing'));
  const hunt = (untilMs: number): void => {
    if (finished()) return;
    const victim = preparing() ?? (world.now >= untilMs ? prng.pick(nodes) : undefined);
    if (victim === undefined || world.status(victim) !== 'up') return world.after(POLL_MS, () => hunt(untilMs));
    world.crash(victim);
    world.timeline.record(world.now, 'crash', `coordinator-crash: ${victim} crashed`);
    world.after(prng.between(800, 1500), () => {
      world.restart(victim);
      world.timeline.record(world.now, 'restart', `coordinator-crash: ${victim} restarted`);
      world.after(prng.between(100, 400), () => hunt(world.now + 500));
    });
  };
  world.after(prng.between(50, 300), () => hunt(world.now + 500));
}
