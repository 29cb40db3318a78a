/**
 * The register linearizability checker on histories of a simulated linearizable register
 * store (seeded, so every run checks the same histories): the 100k-operation / 100-key /
 * 10-client goal (under 1 s), and one hot key with 10 clients, where P-compositionality
 * cannot help and the search and its cache do all the work.
 */
import { checkRegister } from '../check/register';
import { simulateRegisterHistory } from '../check/simulate-register';
import type { HistoryOp } from '../check/history';
import { summarize, timeRuns, type BenchSuite, type Measurement } from './harness';

function measureCheck(history: HistoryOp[], runs: number): Promise<number[]> {
  return timeRuns(runs, () => {
    const v = checkRegister(history);
    // A benchmark of a checker that got the answer wrong would measure the wrong thing.
    if (v.valid !== true) throw new Error(`expected a valid verdict, got ${JSON.stringify(v.valid)}: ${v.summary}`);
  });
}

const suite: BenchSuite = {
  name: 'check (register linearizability)',
  async run(ctx) {
    const results: Measurement[] = [];
    const runs = ctx.quick ? 3 : 7;

    ctx.progress('generating 100k operations over 100 keys, 10 clients');
    const wide = simulateRegisterHistory({ seed: 42, ops: 100_000, clients: 10, keys: 100, valueRange: 5 });
    await measureCheck(wide, 1); // warm-up: JIT and allocation paths
    ctx.progress('checking 100k operations / 100 keys');
    results.push(summarize('register check, 100k ops / 100 keys / 10 clients', 'ms', await measureCheck(wide, runs), 'goal < 1000 ms'));

    const hotOps = ctx.quick ? 5_000 : 20_000;
    ctx.progress(`generating ${hotOps} operations on one key, 10 clients`);
    const hot = simulateRegisterHistory({ seed: 7, ops: hotOps, clients: 10, keys: 1, valueRange: 5 });
    ctx.progress(`checking ${hotOps} operations / 1 key`);
    const hotMs = await measureCheck(hot, runs);
    results.push(summarize(`register check, ${hotOps} ops / 1 key / 10 clients`, 'ms', hotMs));
    results.push(summarize(`  same, throughput`, 'ops/s', hotMs.map((ms) => (hotOps / ms) * 1000)));
    return results;
  },
};

export default suite;
