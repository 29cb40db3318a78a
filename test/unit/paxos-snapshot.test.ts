/**
 * Paxos log compaction: snapshots of the service and session table, restore from the latest
 * snapshot, node-level compaction of the durable records, and catch-up by snapshot for a
 * replica that fell behind the others' floor.
 */
import { describe, expect, it } from 'vitest';
import { PaxosReplica, SNAPSHOT_CHUNK_CHARS, compareBallots, type PaxosRecord } from '../../core/algorithms/paxos';
import { paxosMsgSchemas, paxosRecordSchemas } from '../../core/protocol/paxos';
import { serviceCommandSchema } from '../../core/protocol/peer';
import { PaxosCluster, RecordingService } from '../support/paxos-cluster';

function clusterWithLeader(options: ConstructorParameters<typeof PaxosCluster>[0] = {}): PaxosCluster {
  const c = new PaxosCluster(options);
  c.campaign('n1');
  c.stabilize();
  expect(c.leaders()).toEqual(['n1']);
  return c;
}

function proposeMany(c: PaxosCluster, count: number, prefix = 'op', size = 0): void {
  for (let i = 0; i < count; i++) {
    c.propose('n1', `${prefix}${i}${'x'.repeat(size)}`, { client: `c${i % 3}`, seq: i });
    c.stabilize();
  }
  c.run(120); // heartbeats carry the commit point to the followers
}

function restore(c: PaxosCluster, id: string, records: readonly PaxosRecord<string>[]): { replica: PaxosReplica<string, string>; service: RecordingService } {
  const service = new RecordingService();
  const replica = new PaxosReplica(c.node(id).config, service, records);
  replica.step({ kind: 'tick', nowMs: c.node(id).clockMs }); // the first step re-applies the restored prefix
  return { replica, service };
}

describe('automatic snapshots', () => {
  it('every snapshotEverySlots applied slots, a snapshot record is persisted and the log below it dropped', () => {
    const c = clusterWithLeader({ snapshotEverySlots: 5 });
    proposeMany(c, 12);
    for (const id of c.ids) {
      const snaps = c.node(id).durable.filter((r) => r.type === 'snapshot');
      expect(snaps.map((r) => (r.type === 'snapshot' ? r.upTo : 0))).toEqual([5, 10]);
      expect(c.node(id).replica.snapshotFloor).toBe(10);
      // Nothing below the floor is held any more; the panel view starts above it.
      expect(c.node(id).replica.logEntries(1, 20).map((e) => e.slot)).toEqual([11, 12]);
    }
    expect(c.violations).toEqual([]);
  });

  it('a restart from snapshot + later records has the same service state, sessions and applied index', () => {
    const c = clusterWithLeader({ snapshotEverySlots: 5 });
    proposeMany(c, 12);
    const before = c.node('n2').replica.snapshotState();
    const commands = c.service('n2').commands;
    c.crash('n2');
    c.restart('n2');
    expect(c.status('n2').appliedUpTo).toBe(12);
    expect(c.service('n2').commands).toEqual(commands);
    expect(c.node('n2').replica.snapshotState()).toEqual(before);
    expect(c.node('n2').replica.snapshotFloor).toBe(10);
  });

  it('the restored session table still answers a duplicate with its cached result', () => {
    const c = clusterWithLeader({ snapshotEverySlots: 4 });
    proposeMany(c, 9);
    c.crash('n1');
    c.restart('n1');
    c.campaign('n1');
    c.stabilize();
    expect(c.leaders()).toEqual(['n1']);
    const applied = c.service('n1').applied.length;
    // (c1, seq 4) was applied at slot 5, inside the snapshot: not applied again.
    const r = c.propose('n1', 'op4', { client: 'c1', seq: 4 });
    c.stabilize();
    expect(c.reply(r)).toEqual({ id: r, ok: true, result: 'op4@5', slot: 5 });
    expect(c.service('n1').applied.length).toBe(applied);
  });
});

describe('node-level compaction (durableSnapshot)', () => {
  it('a replica restored from the minimal records equals one that replayed every record', () => {
    const c = clusterWithLeader({ snapshotEverySlots: 0 });
    proposeMany(c, 20);
    // Leave slots 21..22 accepted by n2 but not chosen anywhere it knows of.
    c.propose('n1', 'late1');
    c.propose('n1', 'late2');
    c.deliver({ type: 'accept', to: 'n2' });
    c.drop();
    const full = [...c.node('n2').durable];
    c.compactDurable('n2');
    const compacted = [...c.node('n2').durable];
    expect(compacted.length).toBeLessThan(full.length);
    expect(compacted.filter((r) => r.type === 'snapshot')).toHaveLength(1);

    const replayed = restore(c, 'n2', full);
    const fromSnapshot = restore(c, 'n2', compacted);
    expect(fromSnapshot.service.applied).toEqual(replayed.service.applied);
    expect(fromSnapshot.replica.snapshotState()).toEqual(replayed.replica.snapshotState());
    const a = fromSnapshot.replica.status();
    const b = replayed.replica.status();
    expect({ applied: a.appliedUpTo, chosen: a.chosenUpTo, promised: a.promised, last: a.lastAcceptedSlot }).toEqual({
      applied: b.appliedUpTo,
      chosen: b.chosenUpTo,
      promised: b.promised,
      last: b.lastAcceptedSlot,
    });
    // The accepted-but-undecided tail survived: a new leader must still hear of it.
    expect(fromSnapshot.replica.logEntries(21, 22).map((e) => [e.slot, e.state])).toEqual([
      [21, 'accepted'],
      [22, 'accepted'],
    ]);
  });

  it('the promise survives compaction: a restarted acceptor still nacks a lower ballot', () => {
    const c = clusterWithLeader({ snapshotEverySlots: 3 });
    proposeMany(c, 7);
    c.campaign('n3');
    c.deliver({ type: 'prepare', to: 'n2' });
    c.drop();
    const promised = c.status('n2').promised;
    expect(promised.node).toBe('n3');
    c.compactDurable('n2');
    c.crash('n2');
    c.restart('n2');
    expect(c.status('n2').promised).toEqual(promised);
    c.drop();
    // n1's old ballot is below the promise: its accept is refused.
    const oldBallot = c.status('n1').ballot;
    expect(compareBallots(oldBallot, promised)).toBeLessThan(0);
    const ready = c.node('n2').replica.step({
      kind: 'message',
      from: 'n1',
      msg: { type: 'accept', ballot: oldBallot, slot: 8, value: { kind: 'noop' }, chosenUpTo: 7 },
      nowMs: c.node('n2').clockMs,
    });
    expect(ready.send.map((s) => s.msg.type)).toEqual(['nack']);
    expect(ready.persist).toEqual([]);
  });

  it('an accepted value above the floor is re-proposed by the next leader after the compacted acceptor restarts', () => {
    const c = clusterWithLeader({ snapshotEverySlots: 0 });
    proposeMany(c, 6);
    const r = c.propose('n1', 'only-n2-has-it');
    c.deliver({ type: 'accept', to: 'n2' });
    c.drop();
    c.crash('n1');
    c.compactDurable('n2');
    c.crash('n2');
    c.restart('n2');
    c.campaign('n3');
    c.stabilize();
    c.run(200);
    const leader = c.leaders()[0] as string;
    expect(c.service(leader).commands).toContain('only-n2-has-it');
    expect(c.service('n2').commands).toEqual(c.service('n3').commands);
    expect(r).toBeDefined();
    expect(c.violations).toEqual([]);
  });
});

describe('catch-up by snapshot', () => {
  it('a replica behind the floor installs the snapshot and then the tail', () => {
    const c = clusterWithLeader({ snapshotEverySlots: 10 });
    c.isolate('n3');
    proposeMany(c, 27);
    expect(c.node('n1').replica.snapshotFloor).toBe(20);
    expect(c.status('n3').appliedUpTo).toBe(0);
    c.heal();
    c.run(300);
    expect(c.status('n3').appliedUpTo).toBe(27);
    const shipped = c.node('n1').readies.flatMap((r) => r.send).filter((s) => s.to === 'n3' && s.msg.type === 'snapshot');
    expect(shipped.length).toBeGreaterThan(0);
    expect(c.service('n3').commands).toEqual(c.service('n1').commands);
    expect(c.node('n3').replica.snapshotState()).toEqual(c.node('n1').replica.snapshotState());
    // It persisted what it installed, so a restart lands in the same place.
    expect(c.node('n3').durable.some((r) => r.type === 'snapshot' && r.upTo >= 20)).toBe(true);
    c.crash('n3');
    c.restart('n3');
    expect(c.service('n3').commands).toEqual(c.service('n1').commands);
    expect(c.violations).toEqual([]);
  });

  it('a snapshot larger than one message arrives in bounded chunks', () => {
    const c = clusterWithLeader({ snapshotEverySlots: 8 });
    c.isolate('n3');
    proposeMany(c, 9, 'big', 40_000);
    c.heal();
    c.run(300);
    expect(c.status('n3').appliedUpTo).toBe(9);
    expect(c.service('n3').commands).toEqual(c.service('n1').commands);
    const chunks = c.ids
      .flatMap((id) => c.node(id).readies.flatMap((r) => r.send))
      .filter((s) => s.to === 'n3' && s.msg.type === 'snapshot')
      .map((s) => (s.msg.type === 'snapshot' ? s.msg.data.length : 0));
    expect(chunks.length).toBeGreaterThan(2);
    for (const n of chunks) expect(n).toBeLessThanOrEqual(SNAPSHOT_CHUNK_CHARS);
  });

  it('a candidate that must learn a prefix below a peer floor wins after installing the snapshot', () => {
    const c = clusterWithLeader({ snapshotEverySlots: 5 });
    c.isolate('n3');
    proposeMany(c, 12);
    c.heal();
    c.crash('n1');
    // n3 campaigns knowing nothing; n2's promise says 12 are chosen, below n2's floor 10.
    c.campaign('n3');
    c.stabilize();
    c.run(300);
    expect(c.leaders()).toHaveLength(1);
    expect(c.status('n3').appliedUpTo).toBeGreaterThanOrEqual(12);
    expect(c.service('n3').commands.slice(0, 12)).toEqual(c.service('n2').commands.slice(0, 12));
    expect(c.violations).toEqual([]);
  });
});

describe('wire and record schemas', () => {
  const msgs = paxosMsgSchemas(serviceCommandSchema);
  const records = paxosRecordSchemas(serviceCommandSchema);

  it('accept a snapshot chunk, a fetch and a snapshot record a node really produces', () => {
    const c = clusterWithLeader({ snapshotEverySlots: 3 });
    proposeMany(c, 4);
    const rec = c.node('n1').durable.find((r) => r.type === 'snapshot');
    expect(records.snapshot.safeParse(rec).success).toBe(true);
    const chunk = { type: 'snapshot', upTo: 3, chosenUpTo: 4, offset: 0, totalChars: 10, data: '{"a":1}' };
    expect(msgs.snapshot.safeParse(chunk).success).toBe(true);
    expect(msgs['snapshot-fetch'].safeParse({ type: 'snapshot-fetch', upTo: 3, offset: 7 }).success).toBe(true);
  });

  it('refuse a chunk longer than SNAPSHOT_CHUNK_CHARS (frames stay bounded)', () => {
    const chunk = { type: 'snapshot', upTo: 3, chosenUpTo: 4, offset: 0, totalChars: 1e6, data: 'x'.repeat(SNAPSHOT_CHUNK_CHARS + 1) };
    expect(msgs.snapshot.safeParse(chunk).success).toBe(false);
  });
});
