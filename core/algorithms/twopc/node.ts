/**
 * TwoPcNode: the machine every node runs. It plays both roles: coordinator of the
 * transactions clients send it, participant for the keys homed on it. Messages a node
 * sends itself (it coordinates a transaction touching its own keys) are handled within
 * the same step, so the network never sees them and the persist-before-send rule holds
 * for them too (their records go in the same Ready as everything else).
 */
import { emptyReady, type Input, type Machine, type NodeId } from '../common/types';
import { unreachable } from '../common/unreachable';
import type { StepContext, TwoPcReady } from './context';
import { Coordinator } from './coordinator';
import { Participant } from './participant';
import type {
  Outcome,
  TwoPcConfig,
  TwoPcEvent,
  TwoPcMsg,
  TwoPcRecord,
  TwoPcReply,
  TwoPcRequest,
  TwoPcStatus,
  TxnId,
  TxnMicroOp,
} from './types';

/** Bounds self-delivery within one step (a protocol bug must not spin forever). */
const MAX_LOCAL_DELIVERIES = 10_000;

export class TwoPcNode implements Machine<TwoPcMsg, TwoPcRequest, TwoPcRecord, TwoPcReply, TwoPcEvent> {
  readonly id: NodeId;
  private lastNowMs = 0;

  constructor(
    readonly config: TwoPcConfig,
    private readonly participant: Participant = new Participant(config.id),
    private readonly coordinator: Coordinator = new Coordinator(config.id),
  ) {
    this.id = config.id;
  }

  /**
   * Records that rebuild this node's durable state, to replace all it persisted (node-level
   * log compaction): one 'compacted' record for the finished transactions, then the records
   * of the unfinished ones (prepared without outcome, committed without end). Undefined in
   * paxos mode (decisions live in another log) and with a deliberate bug on: then every
   * record is kept.
   */
  durableSnapshot(): TwoPcRecord[] | undefined {
    if (this.config.decisions !== undefined || this.config.bugs !== undefined) return undefined;
    const p = this.participant.durableState();
    const c = this.coordinator.durableState();
    return [
      { type: 'compacted', store: p.store, finished: p.finished, refused: p.refused, readOnly: p.readOnly, begun: c.begun, committed: c.committed },
      ...p.open,
      ...c.open,
    ];
  }

  step(input: Input<TwoPcMsg, TwoPcRequest>): TwoPcReady {
    this.lastNowMs = input.nowMs;
    return this.run(input.nowMs, (ctx) => {
      switch (input.kind) {
        case 'tick':
          this.coordinator.tick(ctx);
          this.participant.tick(ctx);
          return;
        case 'message':
          this.handle(ctx, input.from, input.msg);
          return;
        case 'request':
          this.request(ctx, input.request);
          return;
        default:
          unreachable(input, 'input');
      }
    });
  }

  /** An outcome chosen by the decision log (paxos mode), applied in both roles. */
  learn(txn: TxnId, outcome: Outcome, nowMs: number): TwoPcReady {
    this.lastNowMs = nowMs;
    return this.run(nowMs, (ctx) => {
      this.coordinator.learn(ctx, txn, outcome);
      this.participant.learn(ctx, txn, outcome);
    });
  }

  private run(nowMs: number, body: (ctx: StepContext) => void): TwoPcReady {
    const out: TwoPcReady = emptyReady();
    const local: TwoPcMsg[] = [];
    const ctx: StepContext = {
      config: this.config,
      nowMs,
      out,
      send: (to, msg) => (to === this.id ? local.push(msg) : out.send.push({ to, msg })),
    };
    body(ctx);
    // Locks moved: the lock policy grants, kills or wounds waiters (no-wait has none).
    this.participant.settleWaits(ctx);
    for (let n = 0; local.length > 0; n++) {
      if (n >= MAX_LOCAL_DELIVERIES) throw new Error(`${this.id}: more than ${MAX_LOCAL_DELIVERIES} self-messages in one step`);
      this.handle(ctx, this.id, local.shift()!);
      this.participant.settleWaits(ctx);
    }
    return out;
  }

  private request(ctx: StepContext, req: TwoPcRequest): void {
    const problem = validateOps(req.ops);
    if (problem) {
      ctx.out.replies.push({ id: req.id, ok: false, error: 'BAD_REQUEST', reason: problem });
      return;
    }
    this.coordinator.begin(ctx, req.id, req.ops, req.ts);
  }

  private handle(ctx: StepContext, from: NodeId, msg: TwoPcMsg): void {
    switch (msg.type) {
      case 'execute':
        this.participant.onExecute(ctx, from, msg);
        return;
      case 'executed':
        this.coordinator.onExecuted(ctx, from, msg);
        return;
      case 'prepare':
        this.participant.onPrepare(ctx, from, msg.txn);
        return;
      case 'vote':
        this.coordinator.onVote(ctx, from, msg.txn, msg.vote, msg.cause);
        return;
      case 'decision':
        this.participant.onDecision(ctx, from, msg.txn, msg.outcome);
        return;
      case 'ack':
        this.coordinator.onAck(ctx, from, msg.txn);
        return;
      case 'query': {
        // The coordinator's word is final; a participant answers what it knows.
        const outcome = msg.coordinator === this.id ? this.coordinator.answer(ctx, msg.txn) : this.participant.answer(ctx, msg.txn);
        ctx.send(from, { type: 'answer', txn: msg.txn, outcome });
        return;
      }
      case 'answer':
        this.participant.onAnswer(ctx, from, msg.txn, msg.outcome);
        return;
      case 'pre-commit':
        this.participant.onPreCommit(ctx, from, msg.txn);
        return;
      case 'pre-commit-ack':
        // For the coordinator, or for a participant terminating in its place (3PC).
        this.coordinator.onPreCommitAck(ctx, from, msg.txn, msg.ok);
        this.participant.onPreCommitAck(ctx, from, msg.txn, msg.ok);
        return;
      case 'state-request':
        this.participant.onStateRequest(ctx, from, msg.txn);
        return;
      case 'state-report':
        this.participant.onStateReport(ctx, from, msg.txn, msg.state);
        return;
      default:
        unreachable(msg, '2PC message');
    }
  }

  /** Transactions whose outcome this node still waits for, in either role (paxos mode polls the log for them). */
  awaitingDecision(): TxnId[] {
    const waiting = new Set<TxnId>();
    for (const t of this.coordinator.view()) if (t.phase === 'deciding') waiting.add(t.txn);
    for (const t of this.participant.active()) waiting.add(t.txn);
    return [...waiting];
  }

  /** The committed data of the keys homed here (tests and the panel). */
  data(key: string): readonly unknown[] {
    return this.participant.store.get(key) ?? [];
  }

  status(): TwoPcStatus {
    const nowMs = this.lastNowMs;
    return {
      id: this.id,
      mode: this.config.decisions ? 'paxos' : this.participant.phases === 3 ? '3pc' : 'classic',
      coordinating: this.coordinator.view(),
      participating: [
        // Recently finished first (committed/aborted, no locks), then the open ones.
        ...this.participant.recent().map((t) => ({ txn: t.txn, coordinator: t.coordinator, state: t.outcome === 'commit' ? ('committed' as const) : ('aborted' as const), locks: [] })),
        // Queued for their keys (wait-die, wound-wait): executing, nothing held yet.
        ...this.participant.waiting().map((t) => ({ txn: t.txn, coordinator: t.coordinator, state: 'working' as const, locks: [], waitingFor: t.keys })),
        ...this.participant.active().map((t) => {
          const v = this.participant.view(t.txn, nowMs, this.config.inDoubtAfterMs)!;
          return { txn: t.txn, coordinator: t.coordinator, state: v.state, locks: this.participant.locks.heldBy(t.txn), ...(v.blockedOn ? { blockedOn: v.blockedOn } : {}) };
        }),
      ],
      locks: this.participant.locks.snapshot(),
    };
  }

  /** This node's state for one transaction as a participant, if it has one. */
  participantState(txn: TxnId): ReturnType<Participant['view']> {
    return this.participant.view(txn, this.lastNowMs, this.config.inDoubtAfterMs);
  }
}

/** Rebuilds a node after a crash from its durable records only. */
export function restoreTwoPcNode(config: TwoPcConfig, records: readonly TwoPcRecord[]): TwoPcNode {
  return new TwoPcNode(config, Participant.restore(config.id, records), Coordinator.restore(config.id, records));
}

function validateOps(ops: readonly TxnMicroOp[]): string | undefined {
  if (!Array.isArray(ops) || ops.length === 0) return 'a transaction needs at least one micro-operation';
  for (const [i, op] of ops.entries()) {
    if (!Array.isArray(op) || op.length !== 3 || typeof op[1] !== 'string') return `micro-operation ${i} must be [f, key, value] with a string key`;
    if (op[0] !== 'append' && op[0] !== 'r') return `micro-operation ${i} has f ${JSON.stringify(op[0])}; expected "append" or "r"`;
  }
  return undefined;
}
