/**
 * The contract between a pure algorithm and whatever hosts it (core/sim in virtual time,
 * core/node with real sockets and disk). Modelled on etcd's raft: the host feeds inputs
 * to `step` and gets back a Ready batch of effects; the machine itself does no I/O, reads
 * no clock and draws no randomness except from state it was given.
 */

/** A node's name, e.g. "n1". Ordered by plain string comparison where an order is needed. */
export type NodeId = string;

/** What a host feeds a machine. `nowMs` is that node's own (possibly skewed) clock. */
export type Input<Msg, Req> =
  | { readonly kind: 'tick'; readonly nowMs: number }
  | { readonly kind: 'message'; readonly from: NodeId; readonly msg: Msg; readonly nowMs: number }
  | { readonly kind: 'request'; readonly request: Req; readonly nowMs: number };

export interface Envelope<Msg> {
  readonly to: NodeId;
  readonly msg: Msg;
}

/**
 * The effects of one step, to be carried out in this order by the host:
 *   1. append every record of `persist` to the node's durable log and fsync it;
 *   2. only then put `send` on the wire and deliver `replies` to clients.
 * A host that crashes between 1 and 2 loses nothing the protocol relied on; a host that
 * sends before the fsync breaks the invariants (promised ballot before a promise, accepted
 * value before an accepted reply, PREPARED before a yes vote, ...).
 * `events` are observations for checkers and the panel; they carry no obligation.
 */
export interface Ready<Msg, Rec, Rep, Ev = never> {
  readonly persist: Rec[];
  readonly send: Envelope<Msg>[];
  readonly replies: Rep[];
  readonly events: Ev[];
}

export function emptyReady<Msg, Rec, Rep, Ev = never>(): Ready<Msg, Rec, Rep, Ev> {
  return { persist: [], send: [], replies: [], events: [] };
}

/** Appends `more` to `into` in place (persist order is kept) and returns `into`. */
export function mergeReady<Msg, Rec, Rep, Ev>(
  into: Ready<Msg, Rec, Rep, Ev>,
  more: Ready<Msg, Rec, Rep, Ev>,
): Ready<Msg, Rec, Rep, Ev> {
  into.persist.push(...more.persist);
  into.send.push(...more.send);
  into.replies.push(...more.replies);
  into.events.push(...more.events);
  return into;
}

/**
 * A protocol participant. Implementations keep their state inside (as etcd's raft does)
 * but are deterministic: the same inputs in the same order give the same outputs.
 * A machine is rebuilt after a crash from its durable records only, by a `restore`
 * function each mechanism exports next to its machine.
 */
export interface Machine<Msg, Req, Rec, Rep, Ev = never> {
  readonly id: NodeId;
  step(input: Input<Msg, Req>): Ready<Msg, Rec, Rep, Ev>;
}

/**
 * A deterministic service replicated by the Paxos log (the lock table, a key-value
 * register store, membership, 2PC decisions). Every replica applies the same commands in
 * the same order and must reach the same state: `apply` may depend only on the command
 * and the log index, never on a clock.
 *
 * Timing lives in the optional hooks, which run only on the replica that hosts them and
 * only produce commands to propose through the log (e.g. "expire lease L token 7"): a
 * decision made from a clock becomes safe because the log orders it.
 */
export interface ReplicatedService<Cmd, Res> {
  apply(command: Cmd, index: number): Res;
  /** Called on the leader on every tick; returns commands it should propose now. */
  leaderTick?(nowMs: number): Cmd[];
  /** Called when this replica becomes leader, before its first leaderTick. */
  onLeadership?(nowMs: number): void;
  /** Called on every replica after `apply`, with its local clock (lease bookkeeping). */
  afterApply?(command: Cmd, result: Res, index: number, nowMs: number): void;
  /**
   * Answers a read from this replica's local state WITHOUT going through the log. It may
   * be stale (a follower behind, a deposed leader): it exists so the lab can show exactly
   * that, and as the "stale reads" negative control. Linearizable reads go through the log.
   */
  queryLocal?(command: Cmd): Res;
  /**
   * Snapshots (log compaction). `snapshotState` returns a fresh JSON value of the
   * REPLICATED state only (nothing clock-derived), or undefined when this service cannot
   * snapshot (then the log is never compacted). `restoreSnapshot` replaces the whole
   * replicated state with one such value; local clock state restarts as after a crash.
   * Named snapshotState (not snapshot) because LockService and KvService already have a
   * `snapshot()` for the panel.
   */
  snapshotState?(): unknown;
  restoreSnapshot?(state: unknown): void;
}
