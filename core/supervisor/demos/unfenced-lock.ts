/**
 * unfenced-lock on real processes: client 0 runs as its own process and is frozen by a real
 * SIGSTOP for 3 s after every grant (twice its 1.5 s lease), between checking its lease and
 * writing to the protected resource. Another client is granted the lock with a higher token
 * and writes; then client 0 resumes and writes with its old token, and the resource, without
 * fencing, accepts it: the lock checker reports STALE_WRITE_ACCEPTED.
 */
import type { RealDemonstration } from './types';

export const unfencedLockReal: RealDemonstration = {
  name: 'unfenced-lock',
  summary: 'locks without fencing: client 0 is SIGSTOPped for 3 s (its lease is 1.5 s) after every grant, another client takes the lock and writes, then the stale write lands',
  args: ['--workload', 'lock', '--gc-pause', '3000', '--gc-sigstop', '--no-fencing', '--ttl', '1500', '--time', '12'],
  expectedModel: 'lock',
};
