/**
 * How long the list-append checker takes on serializable histories of 10k transactions
 * (the whole graph is built and searched), and on the same with a planted anomaly.
 */
import type { HistoryOp } from '../check/history';
import { checkTxn } from '../check/txn';
import { synthSerialHistory } from '../check/txn-synth';
import { summarize, timeRuns, type BenchSuite, type Measurement } from './harness';

const suite: BenchSuite = {
  name: 'txn checker',
  async run(ctx) {
    const runs = ctx.quick ? 3 : 7;
    const results: Measurement[] = [];
    for (const keys of [10, 100]) {
      ctx.progress(`txn checker: generating 10k transactions over ${keys} keys`);
      const ops = synthSerialHistory({ seed: 7, txns: 10_000, keys, maxOps: 4, window: 8, failRate: 0.05, infoRate: 0.05 });
      let verdictValid: unknown;
      const samples = await timeRuns(runs, () => {
        verdictValid = checkTxn(ops).valid;
      });
      if (verdictValid !== true) throw new Error(`txn bench: a serializable history was judged ${String(verdictValid)}`);
      results.push(summarize(`txn check, 10k txns / ${keys} keys (valid)`, 'ms', samples, `${ops.length} history ops`));
    }
    // The same history with a write-skew planted at the end: the cycle search runs too.
    const ops = synthSerialHistory({ seed: 7, txns: 10_000, keys: 100, maxOps: 4, window: 8, failRate: 0.05, infoRate: 0.05 });
    const planted: HistoryOp[] = [
      { process: 'p1', type: 'invoke', f: 'txn', value: [['r', 'skew-x', null], ['append', 'skew-y', 1]] },
      { process: 'p2', type: 'invoke', f: 'txn', value: [['r', 'skew-y', null], ['append', 'skew-x', 1]] },
      { process: 'p1', type: 'ok', f: 'txn', value: [['r', 'skew-x', []], ['append', 'skew-y', 1]] },
      { process: 'p2', type: 'ok', f: 'txn', value: [['r', 'skew-y', []], ['append', 'skew-x', 1]] },
      { process: 'p3', type: 'invoke', f: 'txn', value: [['r', 'skew-x', null], ['r', 'skew-y', null]] },
      { process: 'p3', type: 'ok', f: 'txn', value: [['r', 'skew-x', [1]], ['r', 'skew-y', [1]]] },
    ].map((op, i) => ({ ...op, index: ops.length + i }) as HistoryOp);
    const withSkew = [...ops, ...planted];
    let found: unknown;
    const samples = await timeRuns(runs, () => {
      found = (checkTxn(withSkew).evidence as { anomalyTypes?: string[] } | undefined)?.anomalyTypes;
    });
    if (JSON.stringify(found) !== '["G2-item"]') throw new Error(`txn bench: the planted write skew was reported as ${JSON.stringify(found)}`);
    results.push(summarize('txn check, 10k txns / 100 keys + planted G2-item', 'ms', samples, 'finds and explains the cycle'));

    // Elle's huge-scc shape: stale read-only transactions (a lagging replica) make nearly
    // the whole history one strongly connected component under real-time order.
    ctx.progress('txn checker: generating 10k transactions on 5 keys with stale reads (one huge SCC)');
    const huge = synthSerialHistory({ seed: 11, txns: 10_000, keys: 5, maxOps: 4, window: 3, staleReadRate: 0.2, staleLag: 100 });
    let hugeVerdict: ReturnType<typeof checkTxn> | undefined;
    const hugeSamples = await timeRuns(runs, () => {
      hugeVerdict = checkTxn(huge, { consistency: 'strict-serializable' });
    });
    const realtime = (hugeVerdict?.evidence as { anomalyTypes?: string[] } | undefined)?.anomalyTypes ?? [];
    if (hugeVerdict?.valid !== false || !realtime.every((t) => t.endsWith('-realtime'))) {
      throw new Error(`txn bench: the huge-SCC history was reported as ${String(hugeVerdict?.valid)} ${JSON.stringify(realtime)}`);
    }
    const scc = hugeVerdict.stats?.largestComponent ?? 0;
    results.push(summarize('txn check, 10k txns / 5 keys, one huge SCC, strict-serializable', 'ms', hugeSamples, `${realtime.join(', ')} in an SCC of ${scc} txns`));
    return results;
  },
};

export default suite;
