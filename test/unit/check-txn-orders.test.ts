/**
 * The real-time edges (txn-orders.ts) are a reduced set: following them must reach exactly
 * the pairs where one transaction completed before the other was invoked. Process edges
 * chain each process's transactions.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { HistoryOp } from '../../core/check/history';
import { DepGraph, type DepType } from '../../core/check/txn-graph';
import { collectTxns, type Txn } from '../../core/check/txn-history';
import { addOrderEdges } from '../../core/check/txn-orders';

/** Random intervals over processes, as a history of one-append transactions. */
const histories = fc
  .array(fc.record({ process: fc.integer({ min: 0, max: 5 }), status: fc.constantFrom('ok', 'ok', 'ok', 'fail', 'info') }), { minLength: 1, maxLength: 40 })
  .chain((specs) => fc.tuple(fc.constant(specs), fc.array(fc.boolean(), { minLength: specs.length * 2, maxLength: specs.length * 2 })))
  .map(([specs, coin]) => {
    // Interleave: each process runs its ops in order; a coin decides whether the next event
    // is a new invoke or a pending completion.
    const ops: Omit<HistoryOp, 'index'>[] = [];
    const pending = new Map<number, { status: string; v: number }>();
    const queue = specs.map((s, i) => ({ ...s, v: i }));
    let c = 0;
    while (queue.length > 0 || pending.size > 0) {
      const next = queue[0];
      const canInvoke = next !== undefined && !pending.has(next.process);
      if (canInvoke && (pending.size === 0 || coin[c++ % coin.length])) {
        queue.shift();
        pending.set(next.process, next);
        ops.push({ process: next.process, type: 'invoke', f: 'txn', value: [['append', 'k', next.v]] });
      } else {
        const [p, op] = [...pending][0]!;
        pending.delete(p);
        ops.push({ process: p, type: op.status as 'ok', f: 'txn', value: [['append', 'k', op.v]] });
      }
    }
    return ops.map((o, index) => ({ ...o, index }) as HistoryOp);
  });

function reach(graph: DepGraph, from: number, type: DepType): Set<number> {
  const seen = new Set<number>();
  const work = [from];
  while (work.length > 0) {
    for (const n of graph.successors(work.pop()!, new Set([type]))) {
      if (!seen.has(n)) {
        seen.add(n);
        work.push(n);
      }
    }
  }
  return seen;
}

describe('real-time edges', () => {
  it('reach exactly the pairs where the first completed before the second was invoked', () => {
    fc.assert(
      fc.property(histories, (ops) => {
        const txns = collectTxns(ops);
        const committed = (t: Txn): boolean => t.status !== 'fail';
        const graph = new DepGraph();
        addOrderEdges(graph, txns, committed, 'realtime');
        for (const a of txns) {
          if (!committed(a)) continue;
          const reached = reach(graph, a.id, 'realtime');
          for (const b of txns) {
            if (!committed(b) || a === b) continue;
            const before = a.status === 'ok' && a.completionIndex !== undefined && a.completionIndex < b.index;
            expect(reached.has(b.id), `T${a.index} -> T${b.index}`).toBe(before);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('process edges chain each process\'s committed transactions in order', () => {
    fc.assert(
      fc.property(histories, (ops) => {
        const txns = collectTxns(ops);
        const committed = (t: Txn): boolean => t.status === 'ok';
        const graph = new DepGraph();
        addOrderEdges(graph, txns, committed, 'process');
        for (const a of txns.filter(committed)) {
          const later = txns.filter((b) => committed(b) && b.process === a.process && b.id > a.id).map((b) => b.id);
          const reached = [...reach(graph, a.id, 'process')].sort((x, y) => x - y);
          expect(reached).toEqual(later);
        }
      }),
      { numRuns: 200 },
    );
  });
});

