/**
 * forgetful-acceptor: a Paxos acceptor that forgets its promise when it restarts (bug
 * `forget-promise`) lets two values be chosen for one slot. Three nodes; the script, round
 * after round:
 *  1. cuts the leader A off from B (C still hears both: a bridge);
 *  2. drops A's accept for its next slot s to C, and every retransmission of it, while
 *     A's later slots reach C: C has accepted s+1 but not s;
 *  3. B, hearing no leader, campaigns; the moment C durably promises B's ballot, C crashes
 *     (its promise has left) and restarts 2 ms later, having forgotten it. C's promise told
 *     B of s+1 but not of s, so B, now leading, fills s with a no-op;
 *  4. B's accepts and heartbeats to C are held back 250 ms (its catch-up requests pass, so
 *     it can win phase 1): A's next retransmission of s reaches C first, C accepts it (it
 *     remembers no higher promise) and A learns s chosen with its value;
 *  5. then B's accept of the no-op for s reaches C, which accepts the higher ballot: B
 *     learns s chosen with the no-op. Two values chosen for slot s.
 * A correct acceptor keeps its promise across the restart: it refuses A's stale accept in
 * step 4 (the control, which passes).
 */
import type { NodeId } from '../../algorithms/common/types';
import type { ScriptContext } from '../nemesis';
import { typeOf } from './script-helpers';
import type { Demonstration } from './types';

/** How long B's accepts and heartbeats to C are held back after the promise (A retransmits every ~100 ms; B keeps leading for 600 ms without hearing a majority). */
const HOLD_B_MS = 250;
/** A round that found no promise in this long starts over. */
const ROUND_LIMIT_MS = 3_000;
const ROUND_MS = 1_500;
const CALM_MS = 300;

/** What B says to C as a leader (held back for a while); catch-up and prepares pass. */
const LEADER_TALK = new Set(['accept', 'heartbeat', 'chosen']);

function acceptSlot(msg: unknown): number | undefined {
  return typeOf(msg) === 'accept' ? (msg as { slot: number }).slot : undefined;
}

function promisedTo(record: unknown): unknown {
  return typeOf(record) === 'promised' ? (record as { ballot?: { node?: unknown } }).ballot?.node : undefined;
}

function script(ctx: ScriptContext): void {
  const w = ctx.world;
  let phase: 'idle' | 'hole' | 'wait-promise' | 'race' = 'idle';
  let a: NodeId = '';
  let b: NodeId = '';
  let c: NodeId = '';
  let slot = -1;
  let round = 0;
  let holdUntilMs = -1;
  const cuts: [NodeId, NodeId][] = [];
  const applyCuts = (): void => {
    w.network.healAll();
    for (const [from, to] of cuts) w.network.cut(from, to);
  };
  /** Drops the messages of the step being sent from `from` to `to` (the link heals after it). */
  const dropThisStep = (from: NodeId, to: NodeId): void => {
    w.network.cut(from, to);
    w.after(0, applyCuts);
  };
  const endRound = (): void => {
    phase = 'idle';
    cuts.length = 0;
    applyCuts();
    w.timeline.record(w.now, 'heal', 'forgetful-acceptor: round over, every link healed');
    w.after(CALM_MS, start);
  };
  const start = (): void => {
    if (ctx.stopped()) return;
    const leader = ctx.leader();
    if (leader === undefined || w.nodeIds.some((n) => w.status(n) !== 'up')) return void w.after(50, start);
    const [first, second] = ctx.prng.shuffle(w.nodeIds.filter((n) => n !== leader));
    a = leader;
    b = first as NodeId;
    c = second as NodeId;
    slot = -1;
    phase = 'hole';
    const thisRound = ++round;
    cuts.push([a, b], [b, a]);
    applyCuts();
    w.timeline.record(w.now, 'partition', `forgetful-acceptor: leader ${a} cut off from ${b}; ${c} hears both`);
    w.after(ROUND_LIMIT_MS, () => {
      if (round === thisRound && (phase === 'hole' || phase === 'wait-promise')) endRound();
    });
  };
  w.after(200, start);

  w.watchSend?.((node, messages) => {
    if (phase === 'race' && node === b && w.now < holdUntilMs && messages.some((m) => m.to === c && LEADER_TALK.has(String(typeOf(m.msg))))) return dropThisStep(b, c);
    if (node !== a || (phase !== 'hole' && phase !== 'wait-promise')) return;
    const toC = messages.filter((m) => m.to === c).map((m) => acceptSlot(m.msg)).filter((s): s is number => s !== undefined);
    if (phase === 'hole' && toC.length > 0) {
      slot = Math.min(...toC);
      phase = 'wait-promise';
      w.timeline.record(w.now, 'drop', `forgetful-acceptor: ${a}'s accept for slot ${slot} to ${c} is lost (and its retransmissions)`);
      dropThisStep(a, c);
    } else if (phase === 'wait-promise' && toC.includes(slot)) dropThisStep(a, c);
  });
  w.watchPersist?.((node, records) => {
    if (phase !== 'wait-promise' || node !== c || !records.some((r) => promisedTo(r) === b)) return;
    phase = 'race';
    holdUntilMs = w.now + HOLD_B_MS;
    w.after(0, () => {
      w.timeline.record(w.now, 'crash', `forgetful-acceptor: ${c} promised ${b}'s ballot; it crashes and restarts without the promise`);
      w.crash(c);
      w.after(2, () => w.restart(c));
      w.after(HOLD_B_MS, () => {
        w.timeline.record(w.now, 'heal', `forgetful-acceptor: ${b}'s messages reach ${c} again`);
        w.after(ROUND_MS, endRound);
      });
    });
  });
}

export const forgetfulAcceptor: Demonstration = {
  name: 'forgetful-acceptor',
  summary: 'Paxos: an acceptor promises a new leader, restarts having forgotten, and accepts the old leader\'s value: two values chosen for one slot',
  mechanism: 'paxos',
  options: { nodes: 3, faults: [], ops: 200, controls: { paxosBugs: { forgetPromiseOnRestart: true }, assertionsOff: true } },
  script,
  expectedModel: 'paxos',
  control: { summary: 'the same schedule with acceptors that keep their promise: one value per slot', options: { controls: {} } },
};
