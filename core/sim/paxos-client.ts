/**
 * A simulated client of a Multi-Paxos cluster: one command at a time, sent to the node it
 * believes leads, following NOT_LEADER hints, retrying after timeouts with the SAME
 * (client, seq) so the replicas' session table applies it at most once. When its patience
 * runs out the outcome is `info` (unknown) if any attempt may have reached a leader, and
 * `fail` only when every attempt was certainly refused.
 */
import type { Prng } from '../algorithms/common/prng';
import type { NodeId } from '../algorithms/common/types';
import { unreachable } from '../algorithms/common/unreachable';
import type { ClientCommand, PaxosError, PaxosReply, PaxosRequest } from '../algorithms/paxos/types';

/** What the client needs from a world hosting Paxos replicas. */
export interface PaxosClientWorld<Cmd, Res> {
  readonly now: number;
  readonly nodeIds: NodeId[];
  after(delayMs: number, fn: () => void): void;
  request(to: NodeId, id: string, req: PaxosRequest<Cmd>, onReply: (reply: PaxosReply<Res>) => void): void;
  cancel(id: string): void;
}

export interface PaxosClientOptions {
  /** An attempt unanswered after this long is given up and retried elsewhere. */
  requestTimeoutMs: number;
  /** The whole operation, retries included, ends after this long. */
  opTimeoutMs: number;
  /** Pause before retrying after a refusal without a useful hint. */
  retryBackoffMs: number;
}

export const DEFAULT_PAXOS_CLIENT: PaxosClientOptions = { requestTimeoutMs: 400, opTimeoutMs: 3000, retryBackoffMs: 50 };

export type CallOutcome<Res> =
  | { readonly type: 'ok'; readonly result: Res; readonly slot: number }
  | { readonly type: 'fail'; readonly reason: string }
  | { readonly type: 'info'; readonly reason: string };

export class PaxosClient<Cmd, Res> {
  private seq = 0;
  private leaderGuess: NodeId | undefined;
  private attemptCounter = 0;
  /** Every command this client ever proposed (for the Paxos validity check). */
  readonly proposed: ClientCommand<Cmd>[] = [];

  constructor(
    private readonly world: PaxosClientWorld<Cmd, Res>,
    readonly name: string,
    private readonly prng: Prng,
    private readonly opts: PaxosClientOptions = DEFAULT_PAXOS_CLIENT,
  ) {}

  /** Replicates `op` through the log; `done` runs exactly once. */
  propose(op: Cmd, done: (outcome: CallOutcome<Res>) => void): void {
    const command: ClientCommand<Cmd> = { client: this.name, seq: ++this.seq, op };
    this.proposed.push(command);
    const w = this.world;
    let finished = false;
    let uncertain = false;
    let current: string | undefined;
    const finish = (outcome: CallOutcome<Res>): void => {
      if (finished) return;
      finished = true;
      if (current !== undefined) w.cancel(current);
      done(outcome);
    };
    w.after(this.opts.opTimeoutMs, () =>
      finish(uncertain ? { type: 'info', reason: 'timed out; some attempt may have been applied' } : { type: 'fail', reason: 'no leader accepted it in time' }),
    );
    const attempt = (node: NodeId): void => {
      if (finished) return;
      const id = `${this.name}/${command.seq}/${this.attemptCounter++}`;
      current = id;
      let answered = false;
      w.request(node, id, { kind: 'propose', id, command }, (reply) => {
        answered = true;
        if (finished) return;
        if (reply.ok) {
          this.leaderGuess = node;
          return finish({ type: 'ok', result: reply.result, slot: reply.slot });
        }
        const next = this.onRefusal(node, reply.error, reply.leader);
        if (next.uncertain) uncertain = true;
        if (next.final !== undefined) return finish(next.final(uncertain));
        w.after(next.delayMs, () => attempt(next.node));
      });
      w.after(this.opts.requestTimeoutMs, () => {
        if (answered || finished) return;
        // The request or its reply was lost, or the node is down or paused: it may still
        // be applied, so from now on the outcome is unknown unless a later attempt answers.
        w.cancel(id);
        uncertain = true;
        this.leaderGuess = undefined;
        attempt(this.otherThan(node));
      });
    };
    attempt(this.leaderGuess ?? this.prng.pick(w.nodeIds));
  }

  /** Reads `op` from one replica's local state, without the log (possibly stale). */
  queryLocal(node: NodeId, op: Cmd, done: (outcome: CallOutcome<Res>) => void): void {
    const w = this.world;
    const id = `${this.name}/q/${this.attemptCounter++}`;
    let finished = false;
    w.request(node, id, { kind: 'query-local', id, op }, (reply) => {
      if (finished) return;
      finished = true;
      done(reply.ok ? { type: 'ok', result: reply.result, slot: reply.slot } : { type: 'fail', reason: reply.error });
    });
    w.after(this.opts.requestTimeoutMs, () => {
      if (finished) return;
      finished = true;
      w.cancel(id);
      // A read changes nothing, so an unanswered one is a certain failure for the checker too.
      done({ type: 'fail', reason: 'no answer' });
    });
  }

  private onRefusal(
    node: NodeId,
    error: PaxosError,
    hint: NodeId | undefined,
  ): { node: NodeId; delayMs: number; uncertain: boolean; final?: (uncertain: boolean) => CallOutcome<Res> } {
    switch (error) {
      case 'NOT_LEADER': {
        // A certain refusal: this attempt was never proposed.
        const useHint = hint !== undefined && hint !== node && this.world.nodeIds.includes(hint);
        this.leaderGuess = useHint ? hint : undefined;
        return useHint
          ? { node: hint, delayMs: 0, uncertain: false }
          : { node: this.otherThan(node), delayMs: this.opts.retryBackoffMs, uncertain: false };
      }
      case 'LEADERSHIP_LOST':
        this.leaderGuess = undefined;
        return { node: this.otherThan(node), delayMs: this.opts.retryBackoffMs, uncertain: true };
      case 'UNSUPPORTED':
        return { node, delayMs: 0, uncertain: false, final: (u) => (u ? { type: 'info', reason: error } : { type: 'fail', reason: error }) };
      case 'SESSION_EXPIRED':
        // Applied long ago; its result is gone. It did take effect, so the outcome is unknown.
        return { node, delayMs: 0, uncertain: true, final: () => ({ type: 'info', reason: error }) };
      default:
        return unreachable(error, 'paxos error');
    }
  }

  private otherThan(node: NodeId): NodeId {
    const ids = this.world.nodeIds;
    if (ids.length === 1) return node;
    const pick = this.prng.int(ids.length - 1);
    const others = ids.filter((n) => n !== node);
    return others[pick] as NodeId;
  }
}
