import { describe, expect, it } from 'vitest';
import { Prng } from '../../core/algorithms/common/prng';
import type { NodeId } from '../../core/algorithms/common/types';
import type { PaxosReply, PaxosRequest } from '../../core/algorithms/paxos/types';
import { EventQueue, type Scheduled } from '../../core/sim/event-queue';
import { type CallOutcome, PaxosClient, type PaxosClientWorld } from '../../core/sim/paxos-client';

type Answer = (node: NodeId, req: PaxosRequest<string>) => PaxosReply<string> | 'silence';

/** A scripted cluster: `answer` decides each node's reply; replies take 1 ms. */
class ScriptedCluster implements PaxosClientWorld<string, string> {
  now = 0;
  readonly nodeIds = ['n1', 'n2', 'n3'];
  readonly sent: Array<{ node: NodeId; seq: number | undefined; client: string | undefined }> = [];
  private readonly queue = new EventQueue<Scheduled & { fn: () => void }>();
  private readonly waiting = new Map<string, (r: PaxosReply<string>) => void>();
  constructor(private readonly answer: Answer) {}
  after(delayMs: number, fn: () => void): void {
    this.queue.push({ atMs: this.now + delayMs, seq: 0, fn });
  }
  request(to: NodeId, id: string, req: PaxosRequest<string>, onReply: (r: PaxosReply<string>) => void): void {
    this.sent.push({ node: to, seq: req.kind === 'propose' ? req.command.seq : undefined, client: req.kind === 'propose' ? req.command.client : undefined });
    this.waiting.set(id, onReply);
    const reply = this.answer(to, req);
    if (reply === 'silence') return;
    this.after(1, () => {
      const cb = this.waiting.get(id);
      this.waiting.delete(id);
      cb?.(reply);
    });
  }
  cancel(id: string): void {
    this.waiting.delete(id);
  }
  run(): void {
    for (let e = this.queue.pop(); e !== undefined; e = this.queue.pop()) {
      this.now = e.atMs;
      e.fn();
    }
  }
}

const opts = { requestTimeoutMs: 100, opTimeoutMs: 1000, retryBackoffMs: 10 };

function propose(cluster: ScriptedCluster, seed = 1): CallOutcome<string>[] {
  const client = new PaxosClient<string, string>(cluster, 'c1', new Prng(seed), opts);
  const outcomes: CallOutcome<string>[] = [];
  client.propose('op', (o) => outcomes.push(o));
  cluster.run();
  return outcomes;
}

describe('simulated Paxos client', () => {
  it('follows a NOT_LEADER hint to the leader and keeps the same (client, seq)', () => {
    const cluster = new ScriptedCluster((node, req) =>
      node === 'n2' ? { id: (req as { id: string }).id, ok: true, result: 'done', slot: 4 } : { id: (req as { id: string }).id, ok: false, error: 'NOT_LEADER', leader: 'n2' },
    );
    const outcomes = propose(cluster);
    expect(outcomes).toEqual([{ type: 'ok', result: 'done', slot: 4 }]);
    expect(cluster.sent.at(-1)?.node).toBe('n2');
    expect(new Set(cluster.sent.map((s) => `${s.client}/${s.seq}`))).toEqual(new Set(['c1/1']));
  });

  it('ends `fail` when every attempt was certainly refused', () => {
    const cluster = new ScriptedCluster((_n, req) => ({ id: (req as { id: string }).id, ok: false, error: 'NOT_LEADER' }));
    expect(propose(cluster)).toEqual([{ type: 'fail', reason: 'no leader accepted it in time' }]);
    expect(cluster.sent.length).toBeGreaterThan(5); // it kept trying other nodes
  });

  it('ends `info` once an attempt went unanswered (it may still be applied)', () => {
    let first = true;
    const cluster = new ScriptedCluster((_n, req) => {
      if (first) {
        first = false;
        return 'silence';
      }
      return { id: (req as { id: string }).id, ok: false, error: 'NOT_LEADER' };
    });
    const [outcome] = propose(cluster);
    expect(outcome?.type).toBe('info');
  });

  it('retries after LEADERSHIP_LOST with the same seq and reports the eventual result', () => {
    let lost = 0;
    const cluster = new ScriptedCluster((_n, req) => {
      const id = (req as { id: string }).id;
      return lost++ < 2 ? { id, ok: false, error: 'LEADERSHIP_LOST' } : { id, ok: true, result: 'late', slot: 9 };
    });
    expect(propose(cluster)).toEqual([{ type: 'ok', result: 'late', slot: 9 }]);
    expect(cluster.sent.every((s) => s.seq === 1)).toBe(true);
  });
});
