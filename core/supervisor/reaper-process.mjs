// The reaper: a tiny watchdog process that guarantees no orphan node processes, ever.
// The supervisor tells it every pid it starts ("+123") and ends ("-123") on stdin. When that
// pipe closes — the supervisor exited, crashed or was SIGKILLed — it SIGKILLs every pid
// still listed and exits. SIGKILL also ends a node stopped with SIGSTOP, which no
// in-process handler could. Plain JavaScript so it starts in milliseconds.
import { createInterface } from 'node:readline';

const pids = new Set();
const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const pid = Number(line.slice(1));
  if (!Number.isInteger(pid) || pid <= 0) return;
  if (line[0] === '+') pids.add(pid);
  else if (line[0] === '-') pids.delete(pid);
});
lines.on('close', () => {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  process.exit(0);
});
// The reaper must outlive a Ctrl-C aimed at the whole process group long enough to do its job.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => {});
