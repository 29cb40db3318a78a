/**
 * A node without sockets (for compaction tests and benches): the node's machine
 * (buildNodeMachine), its durable log on a real file and the NodeCompactor, driven exactly
 * as core/node/host.ts drives them (step, append the batch, note it, maybe compact; a reply
 * counts as acknowledged only once its batch is durable). One member, so it elects itself.
 */
import type { Input, Tagged } from '../algorithms/common';
import type { PaxosReply } from '../algorithms/paxos';
import { NodeCompactor } from './compaction';
import { DurableLog, newDurableLogStats, type DurableLogStats } from './durable-log';
import { buildNodeMachine, type NodeMachine } from './node-machine';

export interface DriverOptions {
  readonly compactAboveBytes?: number;
  readonly snapshotEverySlots?: number;
  /** Compaction off: the reference that replays everything. */
  readonly noCompaction?: boolean;
}

export class OfflineNode {
  private nowMs = 0;
  private nextId = 1;
  readonly stats: DurableLogStats;

  private constructor(
    readonly node: NodeMachine,
    readonly log: DurableLog<Tagged>,
    readonly compactor: NodeCompactor,
    readonly restoredRecords: number,
    private readonly noCompaction: boolean,
  ) {
    this.stats = log.stats;
  }

  static async open(path: string, options: DriverOptions = {}): Promise<OfflineNode> {
    const opened = await DurableLog.open<Tagged>(path, {
      stats: newDurableLogStats(),
      compactAboveBytes: options.compactAboveBytes ?? 8 * 1024 * 1024,
    });
    const node = buildNodeMachine(
      {
        id: 'n1',
        members: ['n1'],
        mode: 'paxos',
        seed: 1,
        ...(options.snapshotEverySlots !== undefined ? { snapshotEverySlots: options.snapshotEverySlots } : {}),
      },
      opened.records,
    );
    const driver = new OfflineNode(node, opened.log, new NodeCompactor(node.machine, opened.records), opened.records.length, options.noCompaction === true);
    await driver.step({ kind: 'tick', nowMs: driver.nowMs });
    return driver;
  }

  /** One input, its records made durable (and maybe a compaction started), as the host does. */
  async step(input: Input<Tagged, Tagged>): Promise<Tagged[]> {
    const replies: Tagged[] = [];
    const inputs: Input<Tagged, Tagged>[] = [input];
    // Messages a part addresses to this node itself (a one-node 2PC) are delivered in turn.
    for (let i = 0; i < inputs.length && i < 100; i++) {
      const ready = this.node.machine.step(inputs[i] as Input<Tagged, Tagged>);
      const durable = this.log.appendAll(ready.persist);
      this.compactor.note(ready.persist);
      if (!this.noCompaction) void this.compactor.maybeCompact(this.log)?.catch(() => undefined);
      await durable;
      replies.push(...ready.replies);
      for (const s of ready.send) if (s.to === 'n1') inputs.push({ kind: 'message', from: 'n1', msg: s.msg, nowMs: this.nowMs });
    }
    return replies;
  }

  /** Ticks past the election timeout until the single member leads. */
  async elect(): Promise<void> {
    for (let i = 0; i < 10 && this.node.paxos.status().role !== 'leader'; i++) {
      this.nowMs += 1000;
      await this.step({ kind: 'tick', nowMs: this.nowMs });
    }
    if (this.node.paxos.status().role !== 'leader') throw new Error('single-member node did not elect itself');
  }

  async tick(ms = 10): Promise<void> {
    this.nowMs += ms;
    await this.step({ kind: 'tick', nowMs: this.nowMs });
  }

  /** Proposes one service command through the Paxos part; returns the reply once durable. */
  async propose(client: string, seq: number, service: string, cmd: unknown): Promise<PaxosReply<unknown> | undefined> {
    const id = `r${this.nextId++}`;
    const replies = await this.step({
      kind: 'request',
      nowMs: this.nowMs,
      request: { part: 'paxos', body: { kind: 'propose', id, command: { client, seq, op: { service, cmd } } } },
    });
    return replies.map((r) => r.body as PaxosReply<unknown>).find((r) => r.id === id);
  }

  async request(part: string, body: unknown): Promise<Tagged[]> {
    return this.step({ kind: 'request', nowMs: this.nowMs, request: { part, body } });
  }

  /** Everything a restart must reproduce, as plain JSON. */
  state(): unknown {
    const { paxos, kv, locks, repl, twopc } = this.node;
    const s = paxos.status();
    return {
      appliedUpTo: s.appliedUpTo,
      chosenUpTo: s.chosenUpTo,
      promised: s.promised,
      kv: kv.snapshot(),
      locks: locks.replicatedState(),
      sessions: paxos.snapshotState()?.sessions,
      repl: repl.storedKeys().sort().map((k) => [k, repl.stored(k)]),
      replHints: repl.hints(),
      twopc: Array.from({ length: 10 }, (_, i) => twopc.data(`t${i}`)),
    };
  }

  /** A graceful close: one last tick writes what the machine deferred (chosen records). */
  async close(): Promise<void> {
    await this.step({ kind: 'tick', nowMs: this.nowMs });
    await this.log.close();
  }
}
