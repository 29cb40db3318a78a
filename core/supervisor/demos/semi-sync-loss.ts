/**
 * semi-sync-loss on real nodes: n1 is cut off from every peer (clients still reach it).
 * For the keys it is a home replica of, it is its own primary: no backup acks its copies,
 * so after the semi-sync timeout it falls back and acknowledges the writes it receives
 * alone. The moment it reports that (repl.semi-sync-off), the script lets it acknowledge
 * alone for 2.5 s, then kills it (SIGKILL: the copies it had not got through die with it)
 * and heals the cut; n1 comes back 1.5 s later. The other nodes serve those keys from
 * the two other home replicas, which never had the writes n1 acknowledged alone: their
 * reads miss them, and the register checker finds the stale read. Twice per run.
 */
import { cutsBetweenGroups } from '../../algorithms/common/partitions';
import type { DemoScriptTarget, RealDemonstration } from './types';

const PRIMARY = 'n1';
/** The run's other nodes (5 by default, which the demonstration keeps). */
const PEERS = ['n2', 'n3', 'n4', 'n5'];
/** Quiet start, as the timed plans have. */
const BASELINE_MS = 1_500;
/** How long n1 acknowledges alone before it dies. */
const ALONE_MS = 2_500;
const DOWN_MS = 1_500;
const CALM_MS = 1_000;
/** If n1 never reports the fallback (no write reached it), it dies after this all the same. */
const MAX_CUT_MS = 4_000;
const ROUNDS = 2;

function cutOffThenKill(target: DemoScriptTarget): () => void {
  let stopped = false;
  let waiting: (() => void) | undefined;
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, fn: () => void): void => {
    const t = setTimeout(() => {
      timers.delete(t);
      if (!stopped) fn();
    }, ms);
    timers.add(t);
  };
  const round = (n: number): void => {
    target.cutLinks(cutsBetweenGroups([[PRIMARY], PEERS]));
    target.say(`semi-sync-loss: ${PRIMARY} cut off from its peers (round ${n} of ${ROUNDS})`);
    let struck = false;
    const strike = (why: string): void => {
      if (struck || stopped) return;
      struck = true;
      waiting = undefined;
      target.say(`semi-sync-loss: ${PRIMARY} ${why}; it dies now`);
      void target.kill(PRIMARY).then(() => {
        target.cutLinks([]);
        later(DOWN_MS, () => {
          void target.restart(PRIMARY).then(() => {
            if (n < ROUNDS) later(CALM_MS, () => round(n + 1));
          });
        });
      });
    };
    waiting = () => later(ALONE_MS, () => strike(`fell back and acknowledged writes alone for ${ALONE_MS} ms`));
    later(MAX_CUT_MS, () => strike('never reported a fallback'));
  };
  target.onEvents((node, events) => {
    if (node === PRIMARY && waiting && events.some((e) => e.kind === 'repl.semi-sync-off')) {
      const go = waiting;
      waiting = undefined;
      go();
    }
  });
  later(BASELINE_MS, () => round(1));
  return () => {
    stopped = true;
    for (const t of timers) clearTimeout(t);
    timers.clear();
    target.cutLinks([]);
  };
}

export const semiSyncLossReal: RealDemonstration = {
  name: 'semi-sync-loss',
  summary: 'semi-sync mode: n1, cut off from its peers, falls back and acknowledges writes alone, then is killed; the other nodes serve those keys without them',
  args: ['--workload', 'register', '--mode', 'semi-sync', '--time', '16'],
  script: cutOffThenKill,
  expectedModel: 'register',
};
