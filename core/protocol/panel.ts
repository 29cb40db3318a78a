/**
 * The panel's one WebSocket to the supervisor (/panel), protocol version 2.
 *
 * Server -> panel: `hello` (role, protocol), then a `snapshot` (the whole state at `seq`),
 * then `changes` batches with consecutive `seq`. A panel that sees a gap in `seq` (or
 * reconnects) sends `{type:'resync'}` and gets a fresh snapshot. Panel -> server:
 * `{type:'command', id, command}` answered by `{type:'reply', id, ok, result? | code, message}`;
 * viewers are refused with READ_ONLY on every command.
 *
 * Time: every `...AtMs`/`atMs`/`sendAt`/`recvAt` is on ONE base, ms since the Lab started
 * on the supervisor's clock. Node times are corrected by the skew the supervisor set, and a
 * receipt is never placed before its send, so no arrow runs backwards. `nowMs` in a
 * snapshot or batch is the supervisor's time when it was sent (for countdowns).
 *
 * The renderer imports these TYPES only (`import type`); the supervisor validates every
 * incoming frame with the zod schemas below.
 */
import { z } from 'zod';
import { PARTITION_SHAPES } from '../algorithms/common/partitions';
import { linkFaultSchema } from './control';

export const PANEL_PROTOCOL_VERSION = 2 as const;

import type { AvailabilityFigures } from './figures';
export type { AvailabilityFigures, DetectionKind, RequestFigures, SelfHealRestart, TimeFigures, WindowFigures } from './figures';
/** The self-heal policy's delay: its bound, and what it is when turned on without one (core/supervisor/self-heal.ts). */
export const MAX_SELF_HEAL_DELAY_MS = 600_000;
export const DEFAULT_SELF_HEAL_DELAY_MS = 2_000;

import { KV_MODES, type KvMode, type TxnMode } from './modes';
export { KV_MODES, type KvMode } from './modes';
import { BALANCE_POLICIES, type BalancePolicy } from './modes';
export type { BalancePolicy } from './modes';
import { TXN_MODES, type TxnMode as ClusterTxnMode } from './modes';
import { LOCK_POLICIES, type LockPolicy } from './modes';
import { PLACEMENTS, type Placement } from './modes';
export { PLACEMENTS, type Placement } from './modes';
export { TXN_MODES } from './modes';
/** Multiplies heartbeat/election timeouts, detector interval and deviation, lease TTLs and client timeouts. */
export const TIME_SCALES = [1, 3, 10] as const;
export type TimeScale = (typeof TIME_SCALES)[number];
export const WORKLOAD_KINDS = ['register', 'lock', 'txn'] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];
/** The nemesis vocabulary of `faultline run --nemesis`. */
export const NEMESIS_FAULTS = ['kill', 'kill-leader', 'pause', 'partition', 'drop', 'delay', 'duplicate', 'skew'] as const;
export type NemesisFault = (typeof NEMESIS_FAULTS)[number];
export const MIN_NODES = 3;
export const MAX_NODES = 9;

// ---- panel -> supervisor ---------------------------------------------------------------

const nodeId = z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'a node id: 1-32 letters, digits, _ or -');
const linkSchema = z.object({ from: nodeId, to: nodeId });
const clusterSettings = {
  nodes: z.number().int().min(MIN_NODES).max(MAX_NODES).optional(),
  mode: z.enum(KV_MODES).optional(),
  /** How transactions decide (node --txn-mode). */
  txnMode: z.enum(TXN_MODES).optional(),
  /** What a 2PC participant does on a lock conflict (node --lock-policy). */
  lockPolicy: z.enum(LOCK_POLICIES).optional(),
  /** How the ring replicas place keys (node --placement). */
  placement: z.enum(PLACEMENTS).optional(),
  timeScale: z.union([z.literal(1), z.literal(3), z.literal(10)]).optional(),
};

export const workloadSettingsSchema = z.object({
  workload: z.enum(WORKLOAD_KINDS),
  /** Operations per second over all clients. */
  rate: z.number().int().min(1).max(5_000).default(50),
  clients: z.number().int().min(1).max(64).default(4),
  nemesis: z.array(z.enum(NEMESIS_FAULTS)).max(NEMESIS_FAULTS.length).default([]),
  /** 0: until stopped (capped at one hour). */
  durationS: z.number().int().min(0).max(3_600).default(0),
  /** lock: the resource refuses stale tokens (false = the negative control). */
  fencing: z.boolean().default(true),
  /** lock: client 0 stalls this long after each grant before writing (a GC pause). */
  gcPauseMs: z.number().int().min(0).max(600_000).default(0),
  /** lock, with gcPauseMs: the stall is a real SIGSTOP/SIGCONT of client 0's own process. */
  gcSigstop: z.boolean().default(false),
  /** lock: lease length before the time scale multiplies it. */
  ttlMs: z.number().int().min(10).max(600_000).default(1_500),
  seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
  /** How the run's clients spread requests over the nodes (`faultline run --policy`). */
  policy: z.enum(BALANCE_POLICIES).default('random'),
});
/** What the panel sends (defaults may be omitted). */
export type WorkloadSettingsInput = z.input<typeof workloadSettingsSchema>;
/** What the supervisor runs and reports back (every default filled in). */
export type WorkloadSettings = z.output<typeof workloadSettingsSchema>;

export const panelCommandSchema = z.discriminatedUnion('kind', [
  // -- cluster lifecycle (the Lab) --
  /** A fresh cluster (new data). Stops the current one first. Omitted settings keep their value. */
  z.object({ kind: z.literal('cluster-start'), ...clusterSettings }),
  /** Every node stops; the data is kept (cluster-start with resume: the same nodes again). */
  z.object({ kind: z.literal('cluster-stop') }),
  /** Stop, delete the data, start fresh (with new settings if given). */
  z.object({ kind: z.literal('cluster-reset'), ...clusterSettings }),
  /** Start the stopped cluster again from its kept data. */
  z.object({ kind: z.literal('cluster-resume') }),
  // -- process faults --
  z.object({ kind: z.literal('kill'), node: nodeId }),
  z.object({ kind: z.literal('kill-leader') }),
  z.object({ kind: z.literal('restart'), node: nodeId }),
  z.object({ kind: z.literal('pause'), node: nodeId }),
  z.object({ kind: z.literal('resume'), node: nodeId }),
  // -- network and clock faults --
  /** isolate-leader needs no node: the supervisor finds the leader. */
  z.object({ kind: z.literal('partition'), shape: z.enum(PARTITION_SHAPES), node: nodeId.optional() }),
  z.object({ kind: z.literal('isolate-leader') }),
  /** Exactly these directed links cut (a custom partition); [] removes every cut. */
  z.object({ kind: z.literal('cut'), links: z.array(linkSchema).max(1024) }),
  /** Sets drop/delay/duplicate/reorder/cut on the link from -> fault.to (replacing its earlier setting). */
  z.object({ kind: z.literal('link-fault'), from: nodeId, fault: linkFaultSchema }),
  z.object({ kind: z.literal('skew'), node: nodeId, skewMs: z.number().int().min(-3_600_000).max(3_600_000) }),
  z.object({ kind: z.literal('heal') }),
  /**
   * The self-heal policy (off by default): on, a crashed node is restarted after delayMs
   * (default: the delay set before, else DEFAULT_SELF_HEAL_DELAY_MS); off, a kill stays.
   */
  z.object({ kind: z.literal('self-heal'), on: z.boolean(), delayMs: z.number().int().min(0).max(MAX_SELF_HEAL_DELAY_MS).optional() }),
  // -- membership --
  /** Start a new node (a Paxos learner) and add it to the ring through the log; reply result.node. */
  z.object({ kind: z.literal('add-node'), weight: z.number().positive().max(100).optional() }),
  /** Take a node out of the ring through the log; a node added later is then stopped. */
  z.object({ kind: z.literal('remove-node'), node: nodeId }),
  /** A ring member's weight through the log (w times the virtual nodes, so about w times the keys); keys move. */
  z.object({ kind: z.literal('reweight'), node: nodeId, weight: z.number().positive().max(100) }),
  // -- workload --
  z.object({ kind: z.literal('workload-start'), settings: workloadSettingsSchema }),
  /** Ends the run: the nemesis heals, the history is checked, the verdict arrives as a workload change. */
  z.object({ kind: z.literal('workload-stop') }),
]);
export type PanelCommand = z.infer<typeof panelCommandSchema>;
export type PanelCommandInput = z.input<typeof panelCommandSchema>;
export type PanelCommandKind = PanelCommand['kind'];

export const panelRequestSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('command'), id: z.string().min(1).max(64), command: panelCommandSchema }),
  /** Sent on a gap in seq: the answer is a fresh snapshot. */
  z.object({ type: z.literal('resync') }),
]);
export type PanelRequest = z.infer<typeof panelRequestSchema>;
/** What a panel may send (command defaults may be omitted). */
export type PanelClientMessage = z.input<typeof panelRequestSchema>;

// ---- shared pieces ---------------------------------------------------------------------

export type PanelRole = 'instructor' | 'viewer';

export interface Ballot {
  readonly round: number;
  readonly node: string;
}

export interface Link {
  readonly from: string;
  readonly to: string;
}

// ---- node status (what each node reports, typed) ------------------------------------------

export type PaxosRole = 'follower' | 'candidate' | 'leader';

export interface NodePaxosStatus {
  readonly id: string;
  readonly role: PaxosRole;
  readonly ballot: Ballot;
  /** The highest ballot this acceptor promised. */
  readonly promised: Ballot;
  /** Who this node believes leads (undefined when it does not know). */
  readonly leader?: string;
  readonly chosenUpTo: number;
  readonly appliedUpTo: number;
  readonly lastAcceptedSlot: number;
}

/** One slot of a node's log (the last ~20 chosen and everything accepted above). */
export interface LogSlot {
  readonly slot: number;
  /** accepted: this acceptor holds a value; chosen: known chosen; applied: applied to the service. */
  readonly state: 'accepted' | 'chosen' | 'applied';
  readonly ballot?: Ballot;
  /** What the value is, in a few words ("noop", "locks acquire lock0 by c1", "kv write k3"). */
  readonly summary: string;
}

/** A lock as one replica holds it: replicated state plus this replica's lease deadline. */
export interface NodeLockEntry {
  readonly lock: string;
  readonly holder: { readonly owner: string; readonly token: number; readonly ttlMs: number; readonly renewedAt: number } | null;
  readonly waiters: readonly { readonly owner: string; readonly ttlMs: number }[];
  /** This replica's own-clock deadline for the holder's lease; absent if not tracked. */
  readonly deadlineMs?: number;
}

/** `pre-committed` and the `pre-committing` phase: three-phase commit (txn mode 3pc) only. */
export type ParticipantState = 'working' | 'prepared' | 'pre-committed' | 'in-doubt' | 'committed' | 'aborted';
export type TxnVote = 'yes' | 'no' | 'read-only';
export type CoordinatorPhase = 'executing' | 'preparing' | 'deciding' | 'pre-committing' | 'committing' | 'aborting';

/** One node's 2PC view: what it coordinates and what it takes part in. */
export interface NodeTxnStatus {
  readonly id: string;
  readonly mode: TxnMode;
  readonly coordinating: readonly {
    readonly txn: string;
    readonly phase: CoordinatorPhase;
    readonly participants: readonly string[];
    readonly votes: Readonly<Record<string, TxnVote>>;
  }[];
  readonly participating: readonly {
    readonly txn: string;
    readonly coordinator: string;
    readonly state: ParticipantState;
    readonly locks: readonly string[];
    readonly blockedOn?: string;
    /** Queued for these keys by the lock policy (wait-die, wound-wait); no lock held yet. */
    readonly waitingFor?: readonly string[];
    /** Txn mode sharded: the participant is this shard's Paxos group, and this node leads it. */
    readonly shard?: string;
  }[];
  /** key -> txn holding its lock. */
  readonly locks: Readonly<Record<string, string>>;
}

/** Range placement as one node holds it: the table's version, splits so far and its ranges (at most 256 shown). */
export interface NodeRangesStatus {
  readonly version: number;
  readonly splits: number;
  /** Each range's first key (the first is ''), its owners (leaseholder first); a range ends where the next starts. */
  readonly ranges: readonly { readonly start: string; readonly owners: readonly string[] }[];
}

export interface NodeRingStatus {
  /** Range placement only (node --placement range). */
  readonly ranges?: NodeRangesStatus;
  readonly epoch: number;
  readonly members: readonly { readonly id: string; readonly weight: number }[];
  readonly replMembers: readonly string[];
  readonly pendingTransfers: number;
  readonly learner: boolean;
}

export interface PeerSuspicion {
  readonly phi: number;
  readonly suspected: boolean;
}

export interface NodeTransportStatus {
  readonly sent: number;
  readonly received: number;
  readonly unconnected: number;
  readonly faultDropped: number;
  readonly backpressureDropped: number;
  readonly oversized: number;
  readonly refused: number;
  readonly peers: readonly { readonly id: string; readonly connected: boolean }[];
}

/** What the node measures about the requests it answered over the last second. */
export interface NodeReportedMetrics {
  readonly requestsPerSec: number;
  readonly errorsPerSec: number;
  readonly latencyP50Ms: number;
  readonly latencyP99Ms: number;
}

/** A node's status report (every ~250 ms). */
export interface NodeStatus {
  readonly id: string;
  readonly mode: KvMode;
  /** The node's own (skewed) clock when it reported. */
  readonly clockMs: number;
  readonly skewMs: number;
  /** The multiplier of its Paxos timers and failure detector. */
  readonly timeScale: number;
  readonly paxos: NodePaxosStatus;
  readonly log: readonly LogSlot[];
  readonly locks: readonly NodeLockEntry[];
  readonly txns: NodeTxnStatus;
  readonly ring: NodeRingStatus;
  /** Per peer: phi accrual suspicion on this node's clock. */
  readonly suspicion: Readonly<Record<string, PeerSuspicion>>;
  readonly transport: NodeTransportStatus;
  readonly durable: {
    readonly records: number;
    readonly bytes: number;
    readonly compactions: number;
    readonly snapshotFloor: number;
  };
  readonly metrics?: NodeReportedMetrics;
}

// ---- the supervisor's view -------------------------------------------------------------

export interface NodeMetrics {
  readonly cpuPercent: number;
  readonly rssBytes: number;
  /** Bytes of the node's data folder (durable log, snapshots). */
  readonly diskBytes?: number;
  readonly requestsPerSec?: number;
  readonly errorsPerSec?: number;
  readonly latencyP50Ms?: number;
  readonly latencyP99Ms?: number;
}

export type NodeLifecycle = 'starting' | 'up' | 'paused' | 'killed' | 'exited' | 'stopped';

export interface PanelNode {
  readonly id: string;
  readonly lifecycle: NodeLifecycle;
  readonly pid: number | undefined;
  readonly port: number | undefined;
  /** Its control socket to the supervisor is open. */
  readonly connected: boolean;
  /** A founding member (Paxos acceptor, 2PC home); false for nodes added later (learners). */
  readonly founder: boolean;
  /** The latest status report; undefined before the first one or after it went down. */
  readonly status: NodeStatus | undefined;
  /** Supervisor time of that report. */
  readonly statusAtMs: number | undefined;
  readonly metrics: NodeMetrics | undefined;
  readonly skewMs: number;
  /** Some peer suspects it (phi over the threshold). */
  readonly suspected: boolean;
  /**
   * While paused: how. `signal` is SIGSTOP (Linux, macOS); `control` is the node freezing
   * itself on a control message (Windows has no SIGSTOP).
   */
  readonly pauseKind?: 'signal' | 'control';
}

/** Faults on one directed link (only links with a fault are listed). */
export interface LinkState {
  readonly from: string;
  readonly to: string;
  readonly cut: boolean;
  readonly drop?: number;
  readonly duplicate?: number;
  readonly reorder?: number;
  readonly delayMs?: number;
  readonly jitterMs?: number;
}

export interface LeaderSummary {
  /** The node that claims leadership under the highest ballot (among nodes up). */
  readonly node: string | null;
  readonly ballot: Ballot | null;
  /** Nodes up that name this leader. */
  readonly followers: readonly string[];
  readonly sinceMs: number | null;
  /** Leader changes since the cluster started. */
  readonly elections: number;
  readonly history: readonly { readonly atMs: number; readonly node: string | null; readonly ballot: Ballot | null }[];
}

export type ClusterState = 'stopped' | 'starting' | 'running' | 'stopping' | 'failed';

export type ProgressPhase = 'stopping' | 'spawning' | 'spawned' | 'ready' | 'leader' | 'failed' | 'stopped';

/**
 * A progress step is also a timeline line: the same code and params (a `progress.*` code),
 * so the panel says it in its own language; `message` is the English fallback.
 */
export type ProgressStep = {
  readonly atMs: number;
  readonly phase: ProgressPhase;
  readonly node?: string;
  readonly message: string;
} & LineOf<ProgressCode>;

export interface ClusterInfo {
  readonly state: ClusterState;
  /** Increments on every start; a panel can drop per-cluster state when it changes. */
  readonly generation: number;
  readonly nodes: number;
  readonly mode: KvMode;
  /** How the cluster's transactions decide. */
  readonly txnMode: ClusterTxnMode;
  readonly lockPolicy: LockPolicy;
  /** How the ring replicas place keys (absent from an older supervisor: hash). */
  readonly placement?: Placement;
  readonly timeScale: TimeScale;
  /** Data was kept by a stop and cluster-resume may use it. */
  readonly dataKept: boolean;
  /** This start's progress (spawning, each node spawned and ready, leader elected). */
  readonly progress: readonly ProgressStep[];
  readonly startedAtMs: number | null;
  readonly readyAtMs: number | null;
  readonly leaderAtMs: number | null;
  readonly error: string | null;
  /** The self-heal policy's delay (a crashed node is restarted after it); absent or null: off. */
  readonly selfHealMs?: number | null;
}

export interface RingDetail {
  readonly epoch: number;
  readonly members: readonly { readonly id: string; readonly weight: number }[];
  /** Every virtual node: its position on the 32-bit ring (0 .. 2^32-1) and owner. Sorted by position. */
  readonly vnodes: readonly { readonly position: number; readonly node: string }[];
  /** Fraction of the ring (0..1) each node owns as the first replica. */
  readonly ownership: Readonly<Record<string, number>>;
  /** Requests per second each node served (its latest report). */
  readonly load: Readonly<Record<string, number>>;
  /** Keys placed on the ring (those the workload touched, at most 256). */
  readonly keys: readonly { readonly key: string; readonly position: number; readonly owner: string }[];
  /** The last membership change: which keys moved from which owner to which. */
  readonly moved: { readonly atMs: number; readonly fromEpoch: number; readonly toEpoch: number; readonly keys: readonly { readonly key: string; readonly from: string; readonly to: string }[] } | null;
  /** Keys still streaming to their new owners (summed over nodes). */
  readonly pendingTransfers: number;
  /** Range placement only (`--placement range`): the ranges, their bounds and owners, and the splits seen. */
  readonly ranges?: RangeDetail;
}

/** Range placement as the panel draws it (core/supervisor/panel/ring-watch.ts). */
export interface RangeDetail {
  /** The range table's version (+1 per split or reassignment, agreed through the Paxos log). */
  readonly version: number;
  readonly splits: number;
  /** In key order: first key ('' = the start of the key space), end (null = the end), owners (leaseholder first), workload keys inside. */
  readonly ranges: readonly { readonly start: string; readonly end: string | null; readonly owners: readonly string[]; readonly keys: number }[];
  /** Splits seen since the panel's cluster started, oldest first (at most 50). */
  readonly splitLog: readonly { readonly atMs: number; readonly at: string; readonly range: string; readonly owners: readonly string[] }[];
}

export interface ResourceWrite {
  readonly atMs: number;
  /** The client (history process) that wrote. */
  readonly client: number;
  readonly token: number;
  readonly accepted: boolean;
}

/** One lock across the cluster (the leader's view), with what the supervisor saw over time. */
export interface LockView {
  readonly lock: string;
  readonly holder: { readonly owner: string; readonly token: number; readonly ttlMs: number; readonly expiresAtMs: number | null } | null;
  readonly waiters: readonly string[];
  /** Grants seen, oldest first (at most 50). */
  readonly grants: readonly { readonly atMs: number; readonly owner: string; readonly token: number }[];
  /** The protected resource behind it (lock workload): writes accepted and refused as stale. */
  readonly resource: { readonly accepted: number; readonly refused: number; readonly recent: readonly ResourceWrite[] } | null;
}

/** One 2PC transaction across the cluster, assembled from every node's report. */
export interface TxnView {
  readonly txn: string;
  readonly coordinator: string | null;
  readonly participants: readonly string[];
  readonly phase: CoordinatorPhase | null;
  readonly votes: Readonly<Record<string, TxnVote>>;
  readonly states: Readonly<Record<string, ParticipantState>>;
  /** `split`: one participant committed and another aborted (atomicity broken: 3PC under a partition). */
  readonly decision: 'commit' | 'abort' | 'split' | null;
  /** Some participant is in doubt or blocked on another. */
  readonly blocked: boolean;
  /** Keys each participant holds locked for it. */
  readonly heldKeys: Readonly<Record<string, readonly string[]>>;
  /** Keys a participant's lock queue makes it wait for (wait-die, wound-wait). */
  readonly waitingKeys?: Readonly<Record<string, readonly string[]>>;
  readonly timeline: readonly { readonly atMs: number; readonly node: string; readonly state: ParticipantState | CoordinatorPhase }[];
  /** Txn mode sharded: participants are shard groups (s0, s1, ...); the node last seen leading each. */
  readonly leaders?: Readonly<Record<string, string>>;
  /**
   * Who decides: the coordinator alone (classic 2PC, 3PC) or a Paxos log (txn modes paxos and
   * sharded: the first decision the log orders wins, so an in-doubt participant that proposes
   * abort is resolving, not blocked).
   */
  readonly decidedBy: 'coordinator' | 'log';
  readonly firstSeenAtMs: number;
  readonly lastChangeAtMs: number;
}

export type DropReason = 'cut' | 'drop' | 'node-down' | 'oversized';

/**
 * One message between nodes. It appears when sent (no recvAt, no drop) and again, with the
 * same id, when received or dropped: merge by id. `sendAt`/`recvAt` are on the panel's time
 * base and recvAt >= sendAt.
 */
export interface MessageEvent {
  readonly id: string;
  readonly from: string;
  readonly to: string;
  /** part.type, e.g. "paxos.accept", "twopc.prepare", "repl.write". */
  readonly type: string;
  readonly sendAt: number;
  readonly recvAt?: number;
  readonly dropped?: DropReason;
  /** The link had a delay fault when it was sent (its delay + jitter bound, ms): draw it as delayed. */
  readonly delayedMs?: number;
  readonly slot?: number;
  readonly ballot?: Ballot;
  readonly txn?: string;
}

export interface NodeSample {
  readonly atMs: number;
  readonly node: string;
  readonly cpuPercent?: number;
  readonly rssBytes?: number;
  /** Bytes of its data folder (log and snapshots). */
  readonly diskBytes?: number;
  readonly requestsPerSec?: number;
  readonly latencyP50Ms?: number;
  readonly latencyP99Ms?: number;
  /** phi of each peer as this node sees it. */
  readonly phi: Readonly<Record<string, number>>;
}

export interface WorkloadSample {
  readonly atMs: number;
  readonly okPerSec: number;
  readonly failPerSec: number;
  readonly infoPerSec: number;
  readonly latencyP50Ms: number | null;
  readonly latencyP99Ms: number | null;
  /**
   * Answered / completed in this second: ok, or refused by design (a conflict abort, a stale
   * token), which is the protocol answering, not an outage (1 when nothing completed and
   * nothing is pending).
   */
  readonly availability: number;
}

/** The last ~5 minutes for the charts, one sample per node per second. */
export interface Histories {
  readonly windowMs: number;
  readonly stepMs: number;
  /** The phi above which a peer is suspected. */
  readonly phiThreshold: number;
  readonly nodes: readonly NodeSample[];
  readonly workload: readonly WorkloadSample[];
}

export type WorkloadPhase = 'idle' | 'running' | 'stopping' | 'checking' | 'done' | 'failed';

export interface WorkloadLive {
  readonly elapsedMs: number;
  readonly invoked: number;
  readonly ok: number;
  readonly fail: number;
  readonly info: number;
  /** The nemesis fault in force, if any (English). */
  readonly fault: string | null;
  /** The same as a coded line (a nemesis.* code), which the panel says in its language. */
  readonly faultLine?: TimelineLine | null;
  /** Set once the live checker found a violation. */
  readonly liveViolation: string | null;
  /** The availability figures so far (failure rate, MTTD, MTTR, availability of requests and time). */
  readonly figures?: AvailabilityFigures;
}

/** One history operation (DESIGN.md format) with its panel time. */
export interface HistoryOpView {
  readonly index: number;
  readonly process: number;
  readonly type: 'invoke' | 'ok' | 'fail' | 'info';
  readonly f: string;
  readonly key?: string;
  readonly value: unknown;
  readonly atMs: number;
}

/**
 * One node's load as a run's clients saw it: requests sent, answered ok, failed (an error,
 * redirect, timeout or unreachable node), and the latency of every attempt that ended.
 */
export interface NodeLoadSummary {
  readonly sent: number;
  readonly ok: number;
  readonly failed: number;
  /** Latency percentiles of the attempts that ended, in ms (null: none ended). */
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
}

export interface VerdictView {
  readonly valid: true | false | 'unknown';
  readonly model: string;
  readonly summary: string;
  /** The checker's smallest machine-readable proof. */
  readonly evidence?: unknown;
  /** The history operations the evidence names (for the drawing), at most 200. */
  readonly evidenceOps: readonly HistoryOpView[];
  readonly stats?: Readonly<Record<string, number>>;
  /** Availability: fraction of ok ops overall and outside/inside faults. */
  readonly availability: { readonly overall: number | null; readonly baseline: number | null; readonly duringFaults: number | null };
  /** The run's availability figures (core/protocol/figures.ts). */
  readonly figures?: AvailabilityFigures;
  /** Load per node as the run's clients saw it, under its balancing policy (faultline run's table). */
  readonly load?: { readonly policy: BalancePolicy; readonly perNode: Readonly<Record<string, NodeLoadSummary>> };
  readonly notes: readonly string[];
  /** Set when the cluster could not run this workload (e.g. txn on a mode without 2PC). */
  readonly unsupported?: string;
}

export interface WorkloadState {
  readonly phase: WorkloadPhase;
  /** Increments per run. */
  readonly run: number;
  readonly settings: WorkloadSettings | null;
  readonly startedAtMs: number | null;
  readonly endedAtMs: number | null;
  readonly live: WorkloadLive | null;
  readonly verdict: VerdictView | null;
  readonly error: string | null;
  /** GET /history.jsonl serves this run's history (token in Authorization: Bearer or ?token=). */
  readonly historyOps: number;
}

/** One line of the timeline under everything. */
export type TimelineKind = 'lifecycle' | 'fault' | 'heal' | 'membership' | 'leader' | 'workload' | 'check' | 'verdict' | 'command-failed' | 'suspicion' | 'replication';

/**
 * Every line the supervisor says to the panel (timeline entries, progress steps), as a
 * stable code with its parameters, so the panel can say it in its own language. A param
 * named after a vocabulary (state, command, code, shape, mode, fault, faults, workload,
 * valid) carries that vocabulary's values; the panel translates those too. Text the
 * supervisor cannot code (an OS error, the checker's summary) travels as `detail`, shown as
 * a secondary line in the server's words. Adding a code here fails the renderer's
 * type-check until both languages translate it.
 */
export interface TimelineParams {
  // cluster lifecycle (commands and the Lab's progress)
  'cluster.start': Record<string, never>;
  'cluster.reset': Record<string, never>;
  'cluster.stop': Record<string, never>;
  'cluster.resume': Record<string, never>;
  'progress.spawning': { readonly n: number; readonly mode: KvMode; readonly scale: number };
  'progress.resuming': { readonly n: number; readonly mode: KvMode; readonly scale: number };
  'progress.spawned': { readonly node: string };
  'progress.ready': { readonly node: string };
  'progress.leader': { readonly node: string };
  /** detail: why. */
  'progress.failed': Record<string, never>;
  'progress.stopping': Record<string, never>;
  'progress.stopped': Record<string, never>;
  // what the supervisor watches
  'node.state': { readonly node: string; readonly state: NodeLifecycle };
  'leader.elected': { readonly node: string; readonly ballot: string };
  'leader.none': Record<string, never>;
  'suspicion.on': { readonly node: string; readonly by: string };
  'suspicion.off': { readonly node: string };
  // commands from the panel
  /** detail: the server's message. */
  'command.failed': { readonly command: PanelCommandKind; readonly code: PanelErrorCode };
  'fault.kill': { readonly node: string };
  'fault.kill-leader': { readonly node: string };
  'fault.pause': { readonly node: string };
  'heal.restart': { readonly node: string };
  'heal.resume': { readonly node: string };
  /** node: '' for a shape that needs none. */
  'fault.partition': { readonly shape: PartitionShapeName; readonly node: string; readonly cuts: number };
  'fault.isolate-leader': { readonly node: string; readonly cuts: number };
  'fault.cut': { readonly links: string };
  'fault.cut-none': Record<string, never>;
  /** detail: the link's settings (drop 0.2, delayMs 100, …). */
  'fault.link': { readonly from: string; readonly to: string };
  'fault.link-cleared': { readonly from: string; readonly to: string };
  /** skew: signed ms, e.g. "+200". */
  'fault.skew': { readonly node: string; readonly skew: string };
  'heal.all': Record<string, never>;
  /** The self-heal policy turned on (delayMs) or off. */
  'selfheal.on': { readonly delayMs: number };
  'selfheal.off': Record<string, never>;
  /** The policy restarts a crashed node (delayMs after its crash). */
  'selfheal.restart': { readonly node: string; readonly delayMs: number };
  /** detail: why. */
  'selfheal.failed': { readonly node: string };
  'membership.adding': Record<string, never>;
  'membership.joined': { readonly node: string };
  'membership.leaving': { readonly node: string };
  'membership.left-stopped': { readonly node: string };
  'membership.left-kept': { readonly node: string };
  'membership.reweighted': { readonly node: string; readonly weight: number };
  /** Range placement: the range starting at `range` ('' = the start) split at `at`; owners: the new range's, comma-separated. */
  'placement.split': { readonly at: string; readonly range: string; readonly owners: string };
  /** semi-sync: `node`, a primary, got no backup ack for `key` in time and acknowledges writes alone (async). */
  'replication.semi-sync-off': { readonly node: string; readonly key: string };
  /** semi-sync: `backup` caught up with everything `node` acknowledged alone; acks wait for a backup again. */
  'replication.semi-sync-on': { readonly node: string; readonly backup: string };
  // workloads and their nemesis
  /** faults: comma-separated NemesisFault values, '' for none. */
  'workload.start': { readonly workload: WorkloadKind; readonly clients: number; readonly rate: number; readonly seconds: number; readonly faults: string; readonly seed: number };
  /** detail: the checker's summary (its own words). */
  'workload.verdict': { readonly workload: WorkloadKind; readonly valid: 'true' | 'false' | 'unknown'; readonly model: string };
  /** detail: why. */
  'workload.failed': Record<string, never>;
  /** detail: the live checker's summary. */
  'check.live': Record<string, never>;
  /** nodes: comma-separated node ids. */
  'nemesis.fault': { readonly fault: NemesisFault; readonly nodes: string };
  'nemesis.skipped': { readonly fault: NemesisFault };
  /** detail: what the heal did. */
  'nemesis.heal': { readonly fault: NemesisFault; readonly nodes: string };
  /** The run's end: every fault healed, every node up. */
  'nemesis.heal-all': Record<string, never>;
  /** detail: what went wrong. */
  'nemesis.error': Record<string, never>;
}
export type TimelineCode = keyof TimelineParams;
const TIMELINE_CODE_SET = {
  'cluster.start': 1, 'cluster.reset': 1, 'cluster.stop': 1, 'cluster.resume': 1,
  'progress.spawning': 1, 'progress.resuming': 1, 'progress.spawned': 1, 'progress.ready': 1, 'progress.leader': 1, 'progress.failed': 1, 'progress.stopping': 1, 'progress.stopped': 1,
  'node.state': 1, 'leader.elected': 1, 'leader.none': 1, 'suspicion.on': 1, 'suspicion.off': 1,
  'command.failed': 1, 'fault.kill': 1, 'fault.kill-leader': 1, 'fault.pause': 1, 'heal.restart': 1, 'heal.resume': 1,
  'fault.partition': 1, 'fault.isolate-leader': 1, 'fault.cut': 1, 'fault.cut-none': 1, 'fault.link': 1, 'fault.link-cleared': 1, 'fault.skew': 1, 'heal.all': 1,
  'selfheal.on': 1, 'selfheal.off': 1, 'selfheal.restart': 1, 'selfheal.failed': 1,
  'membership.adding': 1, 'membership.joined': 1, 'membership.leaving': 1, 'membership.left-stopped': 1, 'membership.left-kept': 1, 'membership.reweighted': 1, 'placement.split': 1,
  'replication.semi-sync-off': 1, 'replication.semi-sync-on': 1,
  'workload.start': 1, 'workload.verdict': 1, 'workload.failed': 1, 'check.live': 1,
  'nemesis.fault': 1, 'nemesis.skipped': 1, 'nemesis.heal': 1, 'nemesis.heal-all': 1, 'nemesis.error': 1,
} satisfies Record<TimelineCode, 1>;
/** Every timeline code at runtime (the panel's tests check each is said in both languages). */
export const TIMELINE_CODES = Object.keys(TIMELINE_CODE_SET) as TimelineCode[];
export type ProgressCode = Extract<TimelineCode, `progress.${string}`>;
type PartitionShapeName = Extract<PanelCommand, { kind: 'partition' }>['shape'];

/** One coded line: `{ code, params }` with params of that code's shape; `detail` in the server's words. */
export type LineOf<C extends TimelineCode> = { [K in C]: { readonly code: K; readonly params: TimelineParams[K]; readonly detail?: string } }[C];
export type TimelineLine = LineOf<TimelineCode>;

/**
 * `text` is the same line in English: what an older panel shows, and the fallback for a code
 * this panel does not know (an older panel against a newer supervisor).
 */
export type TimelineEntry = {
  readonly atMs: number;
  readonly kind: TimelineKind;
  readonly text: string;
  readonly node?: string;
} & TimelineLine;

export interface PanelState {
  readonly protocol: typeof PANEL_PROTOCOL_VERSION;
  readonly cluster: ClusterInfo;
  readonly nodes: readonly PanelNode[];
  readonly links: readonly LinkState[];
  readonly leader: LeaderSummary;
  readonly ring: RingDetail | null;
  readonly locks: readonly LockView[];
  readonly txns: readonly TxnView[];
  readonly workload: WorkloadState;
  readonly histories: Histories;
  /** Messages of the last ~minute (at most a few thousand), oldest first. */
  readonly messages: readonly MessageEvent[];
  readonly timeline: readonly TimelineEntry[];
}

export type PanelChange =
  | { readonly kind: 'cluster'; readonly cluster: ClusterInfo }
  | { readonly kind: 'node'; readonly node: PanelNode }
  /** A node left the cluster for good (remove-node of a node added later, or a new cluster). */
  | { readonly kind: 'node-removed'; readonly node: string }
  | { readonly kind: 'links'; readonly links: readonly LinkState[] }
  | { readonly kind: 'leader'; readonly leader: LeaderSummary }
  | { readonly kind: 'ring'; readonly ring: RingDetail | null }
  | { readonly kind: 'locks'; readonly locks: readonly LockView[] }
  | { readonly kind: 'txns'; readonly txns: readonly TxnView[] }
  | { readonly kind: 'workload'; readonly workload: WorkloadState }
  /** New chart points (append; drop points older than histories.windowMs). */
  | { readonly kind: 'samples'; readonly nodes: readonly NodeSample[]; readonly workload: readonly WorkloadSample[] }
  | { readonly kind: 'timeline'; readonly entry: TimelineEntry }
  /** Message sends, receipts and drops (merge by id); `dropped` counts events not sent to keep the batch bounded. */
  | { readonly kind: 'messages'; readonly messages: readonly MessageEvent[]; readonly dropped: number };

export interface CommandResult {
  /** add-node: the new node; kill-leader / isolate-leader: the leader hit. */
  readonly node?: string;
  /** remove-node: the process was stopped (a node added later) or kept (a founder). */
  readonly stopped?: boolean;
  /** partition / isolate-leader: the links cut. */
  readonly cuts?: readonly Link[];
  readonly cluster?: ClusterInfo;
  readonly workload?: WorkloadState;
}

export type PanelErrorCode =
  | 'MALFORMED_JSON'
  | 'INVALID_MESSAGE'
  | 'READ_ONLY'
  | 'COMMAND_FAILED'
  | 'NO_CLUSTER'
  | 'NO_LEADER'
  | 'BUSY';

export type PanelServerMessage =
  | { readonly type: 'hello'; readonly role: PanelRole; readonly protocol: typeof PANEL_PROTOCOL_VERSION }
  | { readonly type: 'snapshot'; readonly seq: number; readonly nowMs: number; readonly state: PanelState }
  | { readonly type: 'changes'; readonly seq: number; readonly nowMs: number; readonly changes: readonly PanelChange[] }
  | { readonly type: 'reply'; readonly id: string; readonly ok: true; readonly result?: CommandResult }
  | { readonly type: 'reply'; readonly id: string | null; readonly ok: false; readonly code: PanelErrorCode; readonly message: string };
