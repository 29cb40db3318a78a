/**
 * Ring replication in the simulator, per mode, on a calm network (5 nodes, RF 3, 8
 * clients, 20 keys): how many client operations the simulator completes per wall-clock
 * second (the cost of the protocol's messages and steps, checks excluded), and how many
 * messages each operation costs. The ratio between modes is the point: quorum pays two
 * round trips to a majority on writes, async one reply from one replica.
 */
import { REPLICATION_MODES } from '../algorithms/replication';
import { runReplication } from '../sim/mechanisms/replication';
import { summarize, type BenchSuite, type Measurement } from './harness';

const suite: BenchSuite = {
  name: 'replication (simulated, per mode)',
  async run(ctx) {
    const results: Measurement[] = [];
    const runs = ctx.quick ? 3 : 7;
    const ops = ctx.quick ? 2_000 : 10_000;
    for (const mode of REPLICATION_MODES) {
      ctx.progress(`replication ${mode}: ${runs} runs of ${ops} ops`);
      runReplication({ seed: 0, faults: [], ops: 200, mode, clients: 8, keys: 20, skipChecks: true, keepHistory: false }); // warm-up
      const opsPerSecond: number[] = [];
      const messagesPerOp: number[] = [];
      for (let seed = 1; seed <= runs; seed++) {
        const r = runReplication({ seed, faults: [], ops, mode, clients: 8, keys: 20, skipChecks: true, keepHistory: false });
        if (r.opCounts.ok < ops * 0.99) throw new Error(`${mode}: only ${r.opCounts.ok} of ${ops} operations succeeded on a calm network`);
        opsPerSecond.push((r.ops / r.wallMs) * 1000);
        messagesPerOp.push(r.stats.delivered / r.ops);
      }
      results.push(summarize(`replication ${mode}, simulated`, 'ops/wall s', opsPerSecond, '5 nodes, RF 3, 8 clients, 20 keys, no faults'));
      results.push(summarize(`  ${mode}, messages delivered per op`, 'msgs', messagesPerOp, 'heartbeats included'));
    }
    return results;
  },
};

export default suite;
