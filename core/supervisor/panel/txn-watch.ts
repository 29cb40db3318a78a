/**
 * 2PC transactions across the cluster, assembled from every node's report: the
 * coordinator's phase and votes, each participant's state and the keys it holds, the
 * decision, and a timeline of every state change the supervisor saw. Finished
 * transactions stay listed (the last KEEP_TXNS), so a room can read what happened.
 */
import type { CoordinatorPhase, NodeStatus, ParticipantState, TxnView, TxnVote } from '../../protocol/panel';
import type { TxnMode } from '../../protocol/modes';
import { unreachable } from '../../algorithms/common/unreachable';

/** Who decides a transaction in each txn mode. */
function decider(mode: TxnMode): TxnView['decidedBy'] {
  switch (mode) {
    case 'classic':
    case '3pc':
      return 'coordinator';
    case 'paxos':
    case 'sharded':
      return 'log';
    default:
      return unreachable(mode, 'txn mode');
  }
}

const KEEP_TXNS = 100;
const KEEP_TIMELINE = 40;

interface TxnRecord {
  txn: string;
  coordinator: string | null;
  participants: string[];
  phase: CoordinatorPhase | null;
  votes: Record<string, TxnVote>;
  states: Record<string, ParticipantState>;
  heldKeys: Record<string, readonly string[]>;
  waitingKeys: Record<string, readonly string[]>;
  blockedOn: Record<string, string>;
  /** Sharded mode: participant shard -> the node that reported it as its leader. */
  leaders: Record<string, string>;
  decidedBy: 'coordinator' | 'log';
  timeline: { atMs: number; node: string; state: ParticipantState | CoordinatorPhase }[];
  firstSeenAtMs: number;
  lastChangeAtMs: number;
}

export class TxnWatch {
  private readonly txns = new Map<string, TxnRecord>();
  private last = '';

  private record(txn: string, nowMs: number): TxnRecord {
    let r = this.txns.get(txn);
    if (!r) {
      r = { txn, coordinator: null, participants: [], phase: null, votes: {}, states: {}, heldKeys: {}, waitingKeys: {}, blockedOn: {}, leaders: {}, decidedBy: 'coordinator', timeline: [], firstSeenAtMs: nowMs, lastChangeAtMs: nowMs };
      this.txns.set(txn, r);
      if (this.txns.size > KEEP_TXNS) this.txns.delete(this.txns.keys().next().value as string);
    }
    return r;
  }

  private mark(r: TxnRecord, node: string, state: ParticipantState | CoordinatorPhase, nowMs: number): void {
    r.timeline.push({ atMs: nowMs, node, state });
    if (r.timeline.length > KEEP_TIMELINE) r.timeline.shift();
    r.lastChangeAtMs = nowMs;
  }

  /** Folds one node's report in. */
  observe(node: string, status: NodeStatus, nowMs: number): void {
    const decidedBy = decider(status.txns.mode);
    for (const c of status.txns.coordinating) {
      const r = this.record(c.txn, nowMs);
      r.decidedBy = decidedBy;
      r.coordinator = node;
      r.participants = [...c.participants];
      r.votes = { ...c.votes };
      if (r.phase !== c.phase) {
        r.phase = c.phase;
        this.mark(r, node, c.phase, nowMs);
      }
    }
    for (const p of status.txns.participating) {
      const r = this.record(p.txn, nowMs);
      r.decidedBy = decidedBy;
      if (r.coordinator === null) r.coordinator = p.coordinator;
      // Sharded mode: the participant is the shard group, whichever node leads it now.
      const who = p.shard ?? node;
      if (p.shard !== undefined) r.leaders[p.shard] = node;
      if (!r.participants.includes(who)) r.participants = [...r.participants, who].sort();
      r.heldKeys[who] = p.locks;
      r.waitingKeys[who] = p.waitingFor ?? [];
      if (p.blockedOn) r.blockedOn[who] = p.blockedOn;
      else delete r.blockedOn[who];
      if (r.states[who] !== p.state) {
        r.states[who] = p.state;
        this.mark(r, who, p.state, nowMs);
      }
    }
  }

  /** The views when they changed since the last call. */
  take(): TxnView[] | undefined {
    const views = [...this.txns.values()].map((r) => view(r));
    const text = JSON.stringify(views);
    if (text === this.last) return undefined;
    this.last = text;
    return views;
  }

  snapshot(): TxnView[] {
    return [...this.txns.values()].map((r) => view(r));
  }

  clear(): void {
    this.txns.clear();
    this.last = '';
  }
}

function waitingOf(keys: Record<string, readonly string[]>): { waitingKeys?: Record<string, readonly string[]> } {
  const waiting = Object.entries(keys).filter(([, k]) => k.length > 0);
  return waiting.length > 0 ? { waitingKeys: Object.fromEntries(waiting) } : {};
}

function view(r: TxnRecord): TxnView {
  const states = Object.values(r.states);
  const decision =
    states.includes('committed') && states.includes('aborted')
      ? 'split'
      : states.includes('committed') || r.phase === 'committing'
        ? 'commit'
        : states.includes('aborted') || r.phase === 'aborting'
          ? 'abort'
          : null;
  // In doubt under a decision log is not blocked: the participant asks the log and adopts its answer.
  const blocked = (states.includes('in-doubt') && r.decidedBy === 'coordinator') || Object.keys(r.blockedOn).length > 0;
  return {
    txn: r.txn,
    coordinator: r.coordinator,
    participants: r.participants,
    phase: r.phase,
    votes: { ...r.votes },
    states: { ...r.states },
    decision,
    blocked,
    heldKeys: Object.fromEntries(Object.entries(r.heldKeys).filter(([, keys]) => keys.length > 0)),
    ...waitingOf(r.waitingKeys),
    timeline: [...r.timeline],
    ...(Object.keys(r.leaders).length > 0 ? { leaders: { ...r.leaders } } : {}),
    decidedBy: r.decidedBy,
    firstSeenAtMs: r.firstSeenAtMs,
    lastChangeAtMs: r.lastChangeAtMs,
  };
}
