/**
 * Adding and removing ring members from the supervisor: the change is a command on the
 * Paxos log (the `membership` service), proposed through a node's client API like any
 * client's; every node rebalances its ring replicas once it applies it. What the
 * supervisor waits for afterwards comes from the nodes' status reports (`ring` in
 * NodeHost.status): every live node placing keys on the new member list, no key still moving.
 */
import { ClusterClient, type Endpoint } from './cluster-client';
import type { ReplyFrame } from './node-client';
import type { NodeRingStatus } from '../protocol/panel';

export type MemberOp =
  | { readonly type: 'join'; readonly node: string; readonly weight?: number }
  | { readonly type: 'leave'; readonly node: string };

/** The `ring` part of a node's status report (NodeStatus.ring). */
export type RingStatus = NodeRingStatus;

export function ringStatusOf(status: Record<string, unknown> | undefined): RingStatus | undefined {
  const ring = status?.['ring'] as RingStatus | undefined;
  return ring !== undefined && typeof ring.epoch === 'number' && Array.isArray(ring.replMembers) ? ring : undefined;
}

/** Outcomes that may or may not have been applied: the (idempotent) change is proposed again. */
const RETRYABLE = new Set(['TIMEOUT', 'LEADERSHIP_LOST', 'UNAVAILABLE', 'NOT_LEADER']);

/**
 * Proposes `op` until the log answers. join and leave are idempotent (a repeated one is
 * `unchanged`), so retrying an unknown outcome is safe. Throws with the node's code on refusal.
 */
export async function proposeMembership(
  endpoints: () => readonly Endpoint[],
  token: string,
  op: MemberOp,
  timeoutMs = 20_000,
): Promise<{ epoch: number; members: string[] }> {
  const client = new ClusterClient({ endpoints, token, client: `supervisor-membership-${op.type}-${op.node}`, timeoutMs: 3_000 });
  const deadline = performance.now() + timeoutMs;
  let last: ReplyFrame | undefined;
  try {
    while (performance.now() < deadline) {
      const { reply } = await client.call({ type: 'member', op });
      last = reply;
      if (reply.ok) {
        const view = (reply.result as { view?: { epoch: number; members: { id: string }[] } }).view;
        if (view === undefined) throw new Error(`membership ${op.type} of ${op.node}: the reply has no view: ${JSON.stringify(reply.result)}`);
        return { epoch: view.epoch, members: view.members.map((m) => m.id) };
      }
      if (!RETRYABLE.has(reply.code)) throw new Error(`membership ${op.type} of ${op.node} refused: ${reply.code}: ${reply.message}`);
      await sleep(200);
    }
  } finally {
    client.close();
  }
  throw new Error(`membership ${op.type} of ${op.node} not decided within ${timeoutMs} ms (last answer: ${last ? JSON.stringify(last) : 'none'})`);
}

/**
 * Resolves once every node `statusOf` reports has applied `members` at `epoch` or later
 * and has no key left to move; throws after `timeoutMs`, naming the nodes still behind.
 */
export async function waitRingSettled(
  nodes: () => readonly string[],
  statusOf: (id: string) => Record<string, unknown> | undefined,
  members: readonly string[],
  epoch: number,
  timeoutMs = 30_000,
): Promise<void> {
  const want = [...members].sort().join(',');
  const deadline = performance.now() + timeoutMs;
  let behind: string[] = [];
  while (performance.now() < deadline) {
    behind = nodes().filter((id) => {
      const ring = ringStatusOf(statusOf(id));
      return ring === undefined || ring.epoch < epoch || [...ring.replMembers].sort().join(',') !== want || ring.pendingTransfers > 0;
    });
    if (behind.length === 0) return;
    await sleep(100);
  }
  const detail = behind.map((id) => `${id}: ${JSON.stringify(ringStatusOf(statusOf(id)) ?? 'no status')}`).join('; ');
  throw new Error(`the ring did not settle on [${want}] at epoch ${epoch} within ${timeoutMs} ms; behind: ${detail}`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
