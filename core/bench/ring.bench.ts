/**
 * The consistent-hash ring: how fast a lookup is, how evenly virtual nodes spread the
 * load, and how much data a join moves compared with the ideal 1/(N+1).
 */
import { HashRing, movedKeys, ringLoad } from '../algorithms/ring';
import { summarize, timeRuns, type BenchSuite, type Measurement } from './harness';

function ringOf(nodeCount: number, vnodesPerWeight: number): HashRing {
  const ring = new HashRing({ vnodesPerWeight });
  for (let i = 1; i <= nodeCount; i++) ring.add(`n${i}`);
  return ring;
}

const keysOf = (count: number): string[] => Array.from({ length: count }, (_, i) => `user:${i}`);

const suite: BenchSuite = {
  name: 'ring (consistent hashing)',
  async run(ctx) {
    const results: Measurement[] = [];
    const runs = ctx.quick ? 3 : 9;
    const keys = keysOf(ctx.quick ? 20_000 : 100_000);

    ctx.progress('lookups on 5 nodes x 128 vnodes');
    const ring = ringOf(5, 128);
    ring.owner('warm-up'); // builds the token table outside the timed runs
    let sink = 0;
    const lookupMs = await timeRuns(runs, () => {
      for (const key of keys) sink += ring.owner(key).length;
    });
    results.push(summarize('owner() lookups, 5 nodes x 128 vnodes', 'lookups/s', lookupMs.map((ms) => (keys.length / ms) * 1000), `${keys.length} keys per run`));
    const prefMs = await timeRuns(runs, () => {
      for (const key of keys) sink += ring.preferenceList(key, 3).length;
    });
    results.push(summarize('preferenceList(key, 3), 5 nodes x 128 vnodes', 'lookups/s', prefMs.map((ms) => (keys.length / ms) * 1000)));

    ctx.progress('building rings');
    const buildMs = await timeRuns(runs, () => ringOf(50, 256).owner('x'));
    results.push(summarize('build 50 nodes x 256 vnodes', 'ms', buildMs));

    ctx.progress('load spread');
    for (const vnodes of [16, 64, 256]) {
      const load = ringLoad(ringOf(5, vnodes), keys);
      results.push(summarize(`load max/mean, 5 nodes x ${vnodes} vnodes`, 'x mean', [load.maxOverMean], `${keys.length} keys; 1.00 is perfectly even`));
    }

    ctx.progress('movement on join');
    for (const vnodes of [16, 128]) {
      const before = ringOf(5, vnodes);
      const after = before.clone();
      after.add('n6');
      const { fraction } = movedKeys(before, after, keys);
      results.push(summarize(`keys moved when n6 joins 5 nodes x ${vnodes} vnodes`, 'fraction', [fraction], `ideal 1/6 = ${(1 / 6).toFixed(3)}`));
    }
    if (sink < 0) ctx.progress('unreachable'); // keeps the lookups from being optimized away
    return results;
  },
};

export default suite;
