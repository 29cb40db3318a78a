/**
 * The `sharded` transaction mode in the simulator (2PC over Paxos-replicated shards): how a
 * node is built, what the atomicity checker is shown, and the `node-down` scenario that
 * measures what one dead node of five costs. Kept apart from twopc.ts, which wires the
 * workload and checkers every mode shares.
 */
import type { Tagged } from '../../algorithms/common/compose';
import type { NodeId } from '../../algorithms/common/types';
import { ShardedTxnNode, type TwoPcConfig } from '../../algorithms/twopc';
import type { TxnOutcome } from '../../check/txn-atomicity';
import type { Verdict } from '../../check/verdict';
import type { SimHistoryOp } from '../history';
import type { streamPrng } from '../seeds';
import type { SimWorld } from '../world';

export function shardedNode(
  id: NodeId,
  nodes: readonly NodeId[],
  timing: Pick<TwoPcConfig, 'decideTimeoutMs' | 'retryMs' | 'inDoubtAfterMs' | 'workingTimeoutMs'>,
  paxosTiming: { heartbeatMs: number; electionTimeoutMinMs: number; electionTimeoutMaxMs: number },
  seed: number,
  durable: readonly Tagged[],
): ShardedTxnNode {
  return new ShardedTxnNode({ twopc: { id, ...timing }, members: nodes, seed, paxosTiming }, durable);
}

type Claim = { txn: string; node: string; outcome: TxnOutcome };

/**
 * What the shards' logs hold at the end, read from every live replica (each applied only
 * chosen entries, so any disagreement between replicas is itself shown to the checker):
 * each shard's outcomes, each deciding shard's decisions, and the prepared transactions
 * no replica of their shard has an outcome for.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function shardedObservations(world: SimWorld<any, any, any, any, any>, nodes: readonly NodeId[]): { outcomes: Claim[]; decisions: Claim[]; inDoubtAtEnd: { txn: string; node: string }[] } {
  const outcomes: Claim[] = [];
  const decisions: Claim[] = [];
  const prepared = new Map<string, Set<string>>();
  const finished = new Set<string>();
  for (const id of nodes) {
    const m = world.machine(id) as ShardedTxnNode | undefined;
    if (!m) continue;
    for (const [shard] of m.groups.entries()) {
      const s = m.shard(shard)!;
      for (const [txn, outcome] of s.outcomeEntries()) {
        outcomes.push({ txn, node: `${shard}@${id}`, outcome });
        finished.add(`${shard}|${txn}`);
      }
      for (const [txn, outcome] of s.decisionEntries()) decisions.push({ txn, node: `${shard} log@${id}`, outcome });
      for (const { rec } of s.waiting()) {
        const set = prepared.get(shard) ?? new Set<string>();
        set.add(rec.txn);
        prepared.set(shard, set);
      }
    }
  }
  const inDoubtAtEnd: { txn: string; node: string }[] = [];
  for (const [shard, txns] of prepared) for (const txn of txns) if (!finished.has(`${shard}|${txn}`)) inDoubtAtEnd.push({ txn, node: shard });
  return { outcomes, decisions, inDoubtAtEnd };
}

/**
 * The `node-down` scenario: no random faults; one node (drawn from the seed) crashes at
 * NODE_DOWN_AT_MS and stays down for NODE_DOWN_FOR_MS, then restarts. What it shows is
 * availability, read from the history with `commitsPerSecond`: classic 2PC stalls every
 * transaction that touches the dead node's keys; sharded mode loses one replica of a few
 * groups and goes on.
 */
export const NODE_DOWN_AT_MS = 2_000;
export const NODE_DOWN_FOR_MS = 4_000;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function scheduleNodeDown(world: SimWorld<any, any, any, any, any>, nodes: readonly NodeId[], prng: ReturnType<typeof streamPrng>): void {
  const victim = prng.pick([...nodes]);
  world.after(NODE_DOWN_AT_MS, () => {
    world.crash(victim);
    world.timeline.record(world.now, 'crash', `node-down: ${victim} crashed for ${NODE_DOWN_FOR_MS} ms`);
    world.after(NODE_DOWN_FOR_MS, () => {
      world.restart(victim);
      world.timeline.record(world.now, 'restart', `node-down: ${victim} restarted`);
    });
  });
}

/** Committed transactions per second of virtual time, in [fromMs, toMs), from a history. */
export function commitsPerSecond(history: readonly SimHistoryOp[], fromMs: number, toMs: number): number {
  const ok = history.filter((op) => op.type === 'ok' && op.time >= fromMs * 1e6 && op.time < toMs * 1e6).length;
  return ok / ((toMs - fromMs) / 1000);
}

/**
 * Not a safety check: what the node-down scenario is for. Committed transactions per
 * second before the crash and while the node is down, in virtual time (so a seed gives
 * the same figures on any machine).
 */
export function nodeDownVerdict(mode: string, history: readonly SimHistoryOp[]): Verdict {
  const before = commitsPerSecond(history, 0, NODE_DOWN_AT_MS);
  const during = commitsPerSecond(history, NODE_DOWN_AT_MS, NODE_DOWN_AT_MS + NODE_DOWN_FOR_MS);
  const share = before > 0 ? Math.round((100 * during) / before) : 0;
  return {
    valid: true,
    model: 'txn-node-down',
    summary: `${mode} mode with one node down for ${NODE_DOWN_FOR_MS / 1000} s: ${during.toFixed(1)} commits/s while it was down, ${before.toFixed(1)} before (${share}%).`,
    stats: { commitsPerSecBefore: before, commitsPerSecDown: during },
  };
}
