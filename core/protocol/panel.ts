/**
 * The panel's one WebSocket to the supervisor (/panel). The supervisor sends a snapshot,
 * then batches of changes; the panel sends commands, which need the instructor token
 * (viewers are read-only). The renderer imports these types; the supervisor validates
 * every command with these schemas.
 */
import { z } from 'zod';
import { PARTITION_SHAPES } from '../algorithms/common/partitions';
import { linkFaultSchema } from './control';

const nodeId = z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'a node id: 1-32 letters, digits, _ or -');
const linkSchema = z.object({ from: nodeId, to: nodeId });

export const panelCommandSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('kill'), node: nodeId }),
  z.object({ kind: z.literal('restart'), node: nodeId }),
  z.object({ kind: z.literal('pause'), node: nodeId }),
  z.object({ kind: z.literal('resume'), node: nodeId }),
  z.object({ kind: z.literal('partition'), shape: z.enum(PARTITION_SHAPES), node: nodeId.optional() }),
  z.object({ kind: z.literal('cut'), links: z.array(linkSchema).max(1024) }),
  z.object({ kind: z.literal('link-fault'), from: nodeId, fault: linkFaultSchema }),
  z.object({ kind: z.literal('skew'), node: nodeId, skewMs: z.number().int().min(-3_600_000).max(3_600_000) }),
  z.object({ kind: z.literal('heal') }),
  /** Start a new node (a Paxos learner) and add it to the ring through the log; keys rebalance. */
  z.object({ kind: z.literal('add-node'), weight: z.number().positive().max(100).optional() }),
  /** Take a node out of the ring through the log; a node added later is then stopped. */
  z.object({ kind: z.literal('remove-node'), node: nodeId }),
]);
export type PanelCommand = z.infer<typeof panelCommandSchema>;

export const panelRequestSchema = z.object({
  type: z.literal('command'),
  id: z.string().min(1).max(64),
  command: panelCommandSchema,
});
export type PanelRequest = z.infer<typeof panelRequestSchema>;

export type PanelRole = 'instructor' | 'viewer';

export interface NodeMetrics {
  readonly cpuPercent: number;
  readonly rssBytes: number;
  /** Reported by the node itself over the last second. */
  readonly requestsPerSec?: number;
  readonly errorsPerSec?: number;
  readonly latencyP50Ms?: number;
  readonly latencyP99Ms?: number;
}

export interface PanelNode {
  readonly id: string;
  readonly lifecycle: 'starting' | 'up' | 'paused' | 'killed' | 'exited' | 'stopped';
  readonly pid: number | undefined;
  readonly port: number | undefined;
  readonly connected: boolean;
  /** The node's last status report (Paxos state, lock table, transactions, suspicion values). */
  readonly status: Record<string, unknown> | undefined;
  readonly metrics: NodeMetrics | undefined;
  readonly skewMs: number;
}

/** One line of the fault timeline. */
export interface TimelineEntry {
  readonly atMs: number;
  readonly kind: string;
  readonly text: string;
}

export interface PanelState {
  readonly nodes: PanelNode[];
  readonly cuts: { from: string; to: string }[];
  readonly timeline: TimelineEntry[];
}

export type PanelChange =
  | { readonly kind: 'node'; readonly node: PanelNode }
  /** A node left the cluster for good (remove-node of a node added later). */
  | { readonly kind: 'node-removed'; readonly node: string }
  | { readonly kind: 'cuts'; readonly cuts: { from: string; to: string }[] }
  | { readonly kind: 'timeline'; readonly entry: TimelineEntry }
  | { readonly kind: 'messages'; readonly node: string; readonly events: unknown[]; readonly dropped: number };

export type PanelServerMessage =
  | { readonly type: 'hello'; readonly role: PanelRole; readonly protocol: 1 }
  | { readonly type: 'snapshot'; readonly seq: number; readonly state: PanelState }
  | { readonly type: 'changes'; readonly seq: number; readonly changes: PanelChange[] }
  | { readonly type: 'reply'; readonly id: string; readonly ok: true }
  | { readonly type: 'reply'; readonly id: string | null; readonly ok: false; readonly code: string; readonly message: string };
