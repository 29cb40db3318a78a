/**
 * How long the list-append checker takes on serializable histories of 10k transactions
 * (the whole graph is built and searched), and on the same with a planted anomaly.
 */
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
    return results;
  },
};

export default suite;
