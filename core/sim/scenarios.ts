/**
 * Named fault schedules (FoundationDB's and TigerBeetle's habit of named scenarios on the
 * same harness): nemesis settings that stress one kind of trouble harder than the random
 * mix does. Negative controls use them to expose deliberate bugs within a bounded number
 * of seeds. A scenario may go beyond what the protocol tolerates for liveness (safety must
 * hold regardless); it says so.
 */
import type { NodeId } from '../algorithms/common/types';
import type { NemesisOptions, ScriptContext } from './nemesis';
import { DEMONSTRATIONS } from './demonstrations/index';

export interface Scenario {
  readonly summary: string;
  readonly nemesis: Partial<NemesisOptions>;
}

const SCHEDULES: Readonly<Record<string, Scenario>> = {
  'stale-accept': {
    summary: 'a lost proposal, a newer value chosen by a leader that dies as it learns so, then a third node takes over (exposes leaders that re-propose the wrong value; beyond liveness: two nodes down at once)',
    nemesis: { faults: new Set(), script: staleAccept },
  },
  'leader-strikes': {
    summary: 'torn crashes strike the leader mid-write again and again on a lossy network (exposes leaders that re-propose the wrong value)',
    nemesis: { faults: new Set(), script: leaderStrikes },
  },
  'bridge-amnesia': {
    summary: 'dueling leaders through a bridge node that crashes and restarts every few dozen ms (exposes acceptors that forget promises)',
    nemesis: { faults: new Set(['drop']), script: bridgeAmnesia, faultPeriodMs: [100, 300], calmPeriodMs: [100, 300] },
  },
  chaos: {
    summary: 'short, dense fault periods, up to three faults at once (still a minority down)',
    nemesis: { faultPeriodMs: [50, 400], calmPeriodMs: [20, 150], faultsPerPeriod: [1, 3] },
  },
  'crash-storm': {
    summary: 'crashes (half of them torn) and partitions in quick succession, leaders change constantly',
    nemesis: {
      faults: new Set(['crash', 'partition']),
      faultPeriodMs: [30, 250],
      calmPeriodMs: [10, 80],
      faultsPerPeriod: [1, 3],
      tornCrashProbability: 0.5,
    },
  },
  'leader-churn': {
    summary: 'the leader is isolated or crashed over and over, with lost and duplicated messages',
    nemesis: {
      faults: new Set(['crash', 'partition', 'drop', 'dup']),
      partitionShapes: ['isolate-leader', 'majorities-ring', 'bridge', 'one-way'],
      faultPeriodMs: [60, 300],
      calmPeriodMs: [10, 100],
      faultsPerPeriod: [1, 2],
    },
  },
};

/**
 * Dueling leaders through a bridge: the cluster is split in two sides that hear each other
 * only through one bridge node, so each side's candidate keeps deposing the other's leader
 * through it. Meanwhile the bridge crashes and restarts within tens of milliseconds, again
 * and again, between promising a new ballot and the old leader's next message. A correct
 * acceptor remembers its promise across the restart; one that forgets accepts the old
 * leader's value after promising the new one, and two values get chosen for one slot.
 */
function bridgeAmnesia(ctx: ScriptContext): void {
  const w = ctx.world;
  const round = (): void => {
    if (ctx.stopped()) return;
    const nodes = ctx.prng.shuffle([...w.nodeIds]);
    const mid = Math.floor(nodes.length / 2);
    const bridge = nodes[mid] as NodeId;
    for (let i = 0; i < nodes.length; i++) {
      for (let j = 0; j < nodes.length; j++) {
        if (i !== j && i !== mid && j !== mid && i < mid !== j < mid) w.network.cut(nodes[i] as NodeId, nodes[j] as NodeId);
      }
    }
    w.timeline.record(w.now, 'partition', `bridge {${nodes.slice(0, mid).join(',')}} - ${bridge} - {${nodes.slice(mid + 1).join(',')}}`);
    ctx.onHeal(() => w.network.healAll());
    const periodMs = 800 + ctx.prng.next() * 1200;
    const blink = (): void => {
      if (ctx.stopped() || w.status(bridge) !== 'up') return;
      w.crash(bridge, ctx.prng.chance(0.3));
      w.after(5 + ctx.prng.next() * 60, () => {
        if (w.status(bridge) !== 'down') w.crash(bridge);
        w.restart(bridge);
      });
    };
    for (let t = 150; t < periodMs - 100; t += 40 + ctx.prng.next() * 160) w.after(t, blink);
    w.after(periodMs, () => {
      for (const n of w.nodeIds) if (w.status(n) === 'down') w.restart(n);
      if (ctx.stopped()) return;
      w.network.healAll();
      w.timeline.record(w.now, 'heal', 'bridge partition healed');
      w.after(50 + ctx.prng.next() * 200, round);
    });
  };
  w.after(200, round);
  // Strike right after a node durably promises a ballot: crash it as soon as the promise
  // is out and bring it back quickly, so the old leader's next accept finds it amnesic.
  w.watchPersist?.((node, records) => {
    if (ctx.stopped() || !records.some(isPromise) || !ctx.prng.chance(0.5)) return;
    if (w.nodeIds.some((n) => w.status(n) === 'down')) return;
    w.after(0, () => {
      if (w.status(node) !== 'up') return;
      w.crash(node);
      w.after(1 + ctx.prng.next() * 20, () => w.restart(node));
    });
  });
}

/**
 * The fault schedules, and the named demonstrations' scripts (core/sim/demonstrations)
 * under their names, so every mechanism finds a demonstration's script as it finds a
 * schedule. A demonstration's script runs alone: no random faults beside it.
 */
export const SCENARIOS: Readonly<Record<string, Scenario>> = {
  ...SCHEDULES,
  ...Object.fromEntries(
    DEMONSTRATIONS.map((d) => [d.name, { summary: `demonstration: ${d.summary}`, nemesis: { faults: new Set(), ...(d.script ? { script: d.script } : {}) } }] as const),
  ),
};

function recordType(record: unknown): unknown {
  return typeof record === 'object' && record !== null ? (record as { type?: unknown }).type : undefined;
}

function isPromise(record: unknown): boolean {
  return recordType(record) === 'promised';
}

/**
 * Leaders struck mid-write, over and over, on a lossy network: a torn crash is armed on the
 * current leader, so the step it is in the middle of (accepts going out, a slot just found
 * chosen) loses its unsynced records and sends nothing. Slots end up accepted with
 * different values under different ballots on different acceptors, some chosen without
 * anyone else knowing: exactly where a new leader must re-propose the value with the
 * HIGHEST ballot, and where one that picks any value breaks agreement.
 */
function leaderStrikes(ctx: ScriptContext): void {
  const w = ctx.world;
  w.network.config = { ...w.network.config, dropProbability: 0.2, longDelayProbability: 0.1 };
  w.timeline.record(w.now, 'drop', 'drop 20% of messages for the whole run');
  const strike = (): void => {
    if (ctx.stopped()) return;
    const leader = ctx.leader();
    const down = w.nodeIds.filter((n) => w.status(n) === 'down').length;
    if (leader !== undefined && down < Math.floor((w.nodeIds.length - 1) / 2)) {
      // Half the strikes tear the step where the leader learns a slot chosen (nobody else
      // hears of it), half land right after it sent accepts (some arrive, some do not).
      const learnsChosen = ctx.prng.chance(0.5);
      if (learnsChosen) w.crash(leader, true, (records: readonly unknown[]) => records.some((r) => recordType(r) === 'chosen'), 400);
      else w.crash(leader, true, (records: readonly unknown[]) => records.some((r) => recordType(r) === 'accepted'), 400);
      w.after(420 + ctx.prng.next() * 300, () => {
        if (w.status(leader) !== 'down') w.crash(leader);
        w.restart(leader);
      });
    }
    w.after(600 + ctx.prng.next() * 400, strike);
  };
  // Crashes right after a leader's accepts went out (a plain crash after the step).
  w.watchPersist?.((node, records) => {
    if (ctx.stopped() || node !== ctx.leader() || !records.some((r) => recordType(r) === 'accepted') || !ctx.prng.chance(0.05)) return;
    if (w.nodeIds.filter((n) => w.status(n) === 'down').length >= Math.floor((w.nodeIds.length - 1) / 2)) return;
    w.after(0, () => {
      if (w.status(node) !== 'up') return;
      w.crash(node);
      w.after(100 + ctx.prng.next() * 300, () => w.restart(node));
    });
  });
  w.after(300, strike);
}

/**
 * A stale accepted value next to a newer chosen one, the situation where a new leader must
 * pick the value with the HIGHEST ballot. Over and over: (1) the leader A proposes, its own
 * acceptance is synced but every accept it sends is lost, and it crashes: A alone holds v1
 * under ballot b1. (2) The next leader B puts its own value v2 in that slot, gets it chosen,
 * and a torn crash strikes the very step where it learns so: nobody else hears. (3) A comes
 * back late; a third node C, holding v2 under b2 but not knowing it chosen, campaigns and
 * hears of v1 (b1) and v2 (b2). A correct leader re-proposes v2; a buggy one may pick v1.
 */
function staleAccept(ctx: ScriptContext): void {
  const w = ctx.world;
  const quorumDown = (): boolean => w.nodeIds.some((n) => w.status(n) !== 'up');
  let phase: 'idle' | 'strike-a' | 'wait-b' = 'idle';
  let a: NodeId | undefined;
  const cycle = (): void => {
    if (ctx.stopped()) return;
    if (phase === 'idle' && !quorumDown()) phase = 'strike-a';
    w.after(2500 + ctx.prng.next() * 1000, cycle);
  };
  w.after(500, cycle);
  w.watchSend?.((node, messages) => {
    if (ctx.stopped() || phase !== 'strike-a' || node !== ctx.leader()) return;
    if (!messages.some((m) => m.to !== node && recordType(m.msg) === 'accept')) return;
    // (1) The accepts this step sends to the others are lost (the one to itself is local:
    // the leader accepts its own proposal), then the leader dies.
    phase = 'wait-b';
    a = node;
    for (const to of w.nodeIds) if (to !== node) w.network.cut(node, to);
    w.timeline.record(w.now, 'partition', `${node}'s accepts are all lost`);
    w.after(1, () => {
      w.network.healAll();
      w.crash(node);
      waitForB(node, 0);
    });
  });
  const waitForB = (first: NodeId, attempt: number): void => {
    const b = ctx.leader();
    if (b === undefined || b === first) {
      if (attempt < 100) w.after(20, () => waitForB(first, attempt + 1));
      else finish(first, undefined);
      return;
    }
    // (2) Tear the step where B learns a slot chosen.
    w.crash(b, true, (records) => records.some((r) => recordType(r) === 'chosen'), 1500);
    w.after(1600, () => finish(first, b));
  };
  const finish = (first: NodeId, b: NodeId | undefined): void => {
    // (3) A comes back late, B later still: the third node is likely to campaign first.
    w.after(700 + ctx.prng.next() * 300, () => {
      w.restart(first);
      w.after(1000, () => {
        if (b !== undefined) {
          if (w.status(b) !== 'down') w.crash(b);
          w.restart(b);
        }
        phase = 'idle';
        a = undefined;
      });
    });
  };
  void a;
}

function ballotNode(record: unknown): unknown {
  const ballot = typeof record === 'object' && record !== null ? (record as { ballot?: { node?: unknown } }).ballot : undefined;
  return ballot?.node;
}

export function scenarioNames(): string[] {
  return Object.keys(SCENARIOS);
}

export function scenarioNemesis(name: string): Partial<NemesisOptions> {
  const s = SCENARIOS[name];
  if (s === undefined) throw new Error(`unknown scenario "${name}"; expected one of ${scenarioNames().join(', ')}`);
  return s.nemesis;
}
