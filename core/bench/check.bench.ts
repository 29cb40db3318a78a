/**
 * The register linearizability checker on the three sets Porcupine publishes figures for,
 * generated from fixed seeds (core/bench/register-sets.ts), each measured as `faultline
 * check` does it: parse the JSONL text, then check. Medians are reported beside Porcupine's
 * time on the same 2-core machines, as a ratio (below 1: faster than Porcupine). Plus one
 * hot key with 10 clients, where P-compositionality cannot help and the search and its
 * cache do all the work.
 */
import { parseHistory, type HistoryOp } from '../check/history';
import { checkRegister } from '../check/register';
import { simulateRegisterHistory } from '../check/simulate-register';
import { summarize, timeRuns, type BenchSuite, type Measurement } from './harness';
import { c50BadHistory, etcdSet, PORCUPINE_MS, toJsonl, wideHistory, type NamedHistory } from './register-sets';

/** Parses and checks each text; throws if a verdict is not the one the history has by construction. */
function checkTexts(texts: readonly { name: string; text: string; valid: boolean }[]): void {
  for (const t of texts) {
    const v = checkRegister(parseHistory(t.text));
    // A benchmark of a checker that got the answer wrong would measure the wrong thing.
    if (v.valid !== t.valid) throw new Error(`${t.name}: expected valid=${t.valid}, got ${JSON.stringify(v.valid)}: ${v.summary}`);
  }
}

function asTexts(set: readonly NamedHistory[]): { name: string; text: string; valid: boolean }[] {
  return set.map((h) => ({ name: h.name, text: toJsonl(h.history), valid: h.valid }));
}

function versus(porcupineMs: number, samples: number[]): string {
  const median = summarize('', 'ms', samples).median;
  return `Porcupine ${porcupineMs} ms; ratio ${(median / porcupineMs).toFixed(2)}`;
}

const suite: BenchSuite = {
  name: 'check (register linearizability)',
  async run(ctx) {
    const results: Measurement[] = [];
    const runs = ctx.quick ? 3 : 7;
    const measure = async (name: string, texts: ReturnType<typeof asTexts>, porcupineMs?: number): Promise<void> => {
      checkTexts(texts); // warm-up (JIT, allocation paths), and the verdicts are checked once more each run
      const samples = await timeRuns(runs, () => checkTexts(texts));
      results.push(summarize(name, 'ms', samples, porcupineMs === undefined ? undefined : versus(porcupineMs, samples)));
    };

    ctx.progress('generating the etcd-like set: 100 single-key histories with crashes, 5-10 clients');
    const etcd = asTexts(etcdSet());
    const etcdOps = etcd.reduce((sum, t) => sum + t.text.split('\n').length - 1, 0);
    ctx.progress('checking the etcd-like set');
    await measure(`register, 100 etcd-like histories (${etcdOps} events), parse + check`, etcd, PORCUPINE_MS.etcd);

    ctx.progress('checking the 50-client kv history with a stale read');
    await measure('register, 50-client kv history, not linearizable, parse + check', asTexts([c50BadHistory()]), PORCUPINE_MS.c50Bad);

    ctx.progress('checking 100k operations over 100 keys, 10 clients');
    await measure('register, 100k ops / 100 keys / 10 clients, parse + check', asTexts([wideHistory()]), PORCUPINE_MS.wide);

    const hotOps = ctx.quick ? 5_000 : 20_000;
    ctx.progress(`generating ${hotOps} operations on one key, 10 clients`);
    const hot: HistoryOp[] = simulateRegisterHistory({ seed: 7, ops: hotOps, clients: 10, keys: 1, valueRange: 5 });
    ctx.progress(`checking ${hotOps} operations / 1 key`);
    const hotMs = await timeRuns(runs, () => {
      const v = checkRegister(hot);
      if (v.valid !== true) throw new Error(`expected a valid verdict, got ${JSON.stringify(v.valid)}: ${v.summary}`);
    });
    results.push(summarize(`register check, ${hotOps} ops / 1 key / 10 clients`, 'ms', hotMs));
    results.push(summarize(`  same, throughput`, 'ops/s', hotMs.map((ms) => (hotOps / ms) * 1000)));
    return results;
  },
};

export default suite;
