/**
 * One slow node for a whole run, as text: `faultline run --slow-node n2=200` (real nodes:
 * core/supervisor/workload/slow-node.ts) and `faultline sim --mechanism replication
 * --slow-node n2=200` (core/sim/sim-balance.ts). Every message the node sends to a peer
 * leaves that many ms late, so every request it coordinates is slow.
 */

export interface SlowNode {
  readonly node: string;
  readonly delayMs: number;
}

/** `id=ms` with id among `ids` and ms in 1..60000; or the message saying what is wrong. */
export function parseSlowNode(text: string, ids: readonly string[]): SlowNode | string {
  const [node, ms, extra] = text.split('=').map((x) => x.trim());
  const delayMs = Number(ms);
  if (!node || ms === undefined || extra !== undefined) return `--slow-node takes id=ms (n2=200), got "${text}"`;
  if (!ids.includes(node)) return `--slow-node: no node "${node}" (nodes: ${ids.join(', ')})`;
  if (!Number.isInteger(delayMs) || delayMs < 1 || delayMs > 60_000) return `--slow-node: the delay must be a whole number of ms from 1 to 60000, got "${ms}"`;
  return { node, delayMs };
}
