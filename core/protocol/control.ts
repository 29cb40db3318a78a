/**
 * The control channel between the supervisor and each node process (one WebSocket per
 * node, opened by the node to the supervisor's /node endpoint with its own node secret,
 * which registers only its own id).
 * The supervisor is the cluster's registry: nodes register there, learn their peers'
 * ports from it, report status and events, and receive the fault settings that their
 * transport and clock then enforce.
 */
import { z } from 'zod';

const nodeId = z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'a node id: 1-32 letters, digits, _ or -');
const probability = z.number().min(0).max(1);
const ms = z.number().int().min(0).max(600_000);

/** Faults on one outbound link of a node (the direction from this node to `to`). */
export const linkFaultSchema = z.object({
  to: nodeId,
  /** Cut: nothing this node sends to `to` arrives (a one-way partition when only one side has it). */
  cut: z.boolean().optional(),
  drop: probability.optional(),
  duplicate: probability.optional(),
  /** Probability that a message is held back and delivered after a later one. */
  reorder: probability.optional(),
  delayMs: ms.optional(),
  jitterMs: ms.optional(),
});
export type LinkFault = z.infer<typeof linkFaultSchema>;

export const nodeFaultsSchema = z.object({
  /** Added to the node's clock (what the algorithms get as nowMs). */
  skewMs: z.number().int().min(-3_600_000).max(3_600_000),
  links: z.array(linkFaultSchema).max(256),
});
export type NodeFaults = z.infer<typeof nodeFaultsSchema>;

export const NO_FAULTS: NodeFaults = { skewMs: 0, links: [] };

/** `key`: the key of the link between the receiving node and this peer (each node gets only its own links' keys). */
export const peerSchema = z.object({ id: nodeId, port: z.number().int().min(1).max(65535), key: z.string().regex(/^[0-9a-f]{64}$/, 'a link key: 64 hex digits') });
export type Peer = z.infer<typeof peerSchema>;

/** Supervisor -> node. */
export const toNodeSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('peers'), peers: z.array(peerSchema).max(256) }),
  z.object({ type: z.literal('faults'), faults: nodeFaultsSchema }),
  /**
   * Pause without SIGSTOP (Windows): the node stops reading every socket but this control
   * channel (and its stdin) and fires no timer until `thaw`; what it sends meanwhile waits.
   */
  z.object({ type: z.literal('freeze') }),
  z.object({ type: z.literal('thaw') }),
]);
export type ToNode = z.infer<typeof toNodeSchema>;

/** One thing that happened on a node, for the panel's timeline and message view. */
export const nodeEventSchema = z.object({
  /** The node's own (skewed) clock, ms. */
  t: z.number(),
  kind: z.string().max(64),
  /** For messages: the peer and the message type. */
  from: z.string().max(64).optional(),
  to: z.string().max(64).optional(),
  type: z.string().max(64).optional(),
  /** For msg.send / msg.recv / msg.drop: the sender's message id (pairs a send with its receipt). */
  id: z.string().max(64).optional(),
  detail: z.unknown().optional(),
});
export type NodeEvent = z.infer<typeof nodeEventSchema>;

/** The largest control frame either side accepts (a status with its log tail is ~10-50 KiB). */
export const CONTROL_MAX_FRAME_BYTES = 1 << 20;

/** Node -> supervisor. `status` is free-form per mechanism but bounded in size by the frame limit. */
export const fromNodeSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('register'), id: nodeId, pid: z.number().int().positive(), port: z.number().int().min(1).max(65535) }),
  z.object({ type: z.literal('status'), id: nodeId, status: z.record(z.string(), z.unknown()) }),
  z.object({ type: z.literal('events'), id: nodeId, events: z.array(nodeEventSchema).max(10_000), dropped: z.number().int().min(0) }),
]);
export type FromNode = z.infer<typeof fromNodeSchema>;
