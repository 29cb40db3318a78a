import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MembershipService, ringFromMembership, type MembershipCommand } from '../../core/algorithms/membership';

function logOf(svc: MembershipService) {
  let index = 0;
  return (cmd: MembershipCommand) => svc.apply(cmd, ++index);
}

describe('membership', () => {
  it('starts from the initial configuration at epoch 0, sorted by id', () => {
    const svc = new MembershipService({ initial: [{ id: 'n3' }, { id: 'n1', weight: 2 }] });
    expect(svc.view()).toEqual({
      epoch: 0,
      changedAt: 0,
      members: [
        { id: 'n1', weight: 2, joinedAt: 0 },
        { id: 'n3', weight: 1, joinedAt: 0 },
      ],
    });
    expect(() => new MembershipService({ initial: [{ id: 'n1' }, { id: 'n1' }] })).toThrow(/twice/);
  });

  it('join, reweight and leave bump the epoch; repeats change nothing', () => {
    const svc = new MembershipService({ initial: [{ id: 'n1' }] });
    const log = logOf(svc);
    expect(log({ type: 'join', node: 'n2' })).toMatchObject({ ok: true, kind: 'joined', view: { epoch: 1, changedAt: 1 } });
    expect(log({ type: 'join', node: 'n2' })).toMatchObject({ ok: true, kind: 'unchanged', view: { epoch: 1 } });
    expect(log({ type: 'join', node: 'n2', weight: 3 })).toMatchObject({ kind: 'reweighted', view: { epoch: 2, changedAt: 3 } });
    expect(svc.view().members).toEqual([
      { id: 'n1', weight: 1, joinedAt: 0 },
      { id: 'n2', weight: 3, joinedAt: 1 },
    ]);
    expect(log({ type: 'leave', node: 'n1' })).toMatchObject({ kind: 'left', view: { epoch: 3 } });
    expect(log({ type: 'leave', node: 'n1' })).toMatchObject({ kind: 'unchanged', view: { epoch: 3 } });
    expect(svc.view().members.map((m) => m.id)).toEqual(['n2']);
  });

  it('refuses a change made against an outdated epoch', () => {
    const svc = new MembershipService({ initial: [{ id: 'n1' }] });
    const log = logOf(svc);
    log({ type: 'join', node: 'n2', expectedEpoch: 0 });
    const stale = log({ type: 'join', node: 'n3', expectedEpoch: 0 });
    expect(stale).toMatchObject({ ok: false, code: 'EPOCH_MISMATCH', message: expect.stringMatching(/expected epoch 0.*epoch 1/) });
    expect(svc.has('n3')).toBe(false);
  });

  it('refuses bad ids and weights, too many members, and removing the last member', () => {
    const svc = new MembershipService({ initial: [{ id: 'n1' }], maxMembers: 2, maxWeight: 10 });
    const log = logOf(svc);
    expect(log({ type: 'join', node: '' })).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
    expect(log({ type: 'join', node: 'n2', weight: 0 })).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
    expect(log({ type: 'join', node: 'n2', weight: 11 })).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT', message: expect.stringMatching(/11/) });
    expect(log({ type: 'join', node: 'n2' })).toMatchObject({ ok: true });
    expect(log({ type: 'join', node: 'n3' })).toMatchObject({ ok: false, code: 'TOO_MANY_MEMBERS' });
    log({ type: 'leave', node: 'n2' });
    expect(log({ type: 'leave', node: 'n1' })).toMatchObject({ ok: false, code: 'LAST_MEMBER' });
    expect(log({ type: 'shrug' } as unknown as MembershipCommand)).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
    expect(svc.view()).toMatchObject({ epoch: 2, members: [{ id: 'n1' }] });
  });

  it('answers view locally and through the log, and refuses local changes', () => {
    const svc = new MembershipService({ initial: [{ id: 'n1' }] });
    expect(svc.queryLocal({ type: 'view' })).toMatchObject({ ok: true, kind: 'view', view: { epoch: 0 } });
    expect(svc.queryLocal({ type: 'join', node: 'n2' })).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
    expect(svc.apply({ type: 'view' }, 1)).toMatchObject({ ok: true, kind: 'view' });
    expect(svc.has('n2')).toBe(false);
  });

  it('rebuilds the same ring on every replica from the same log', () => {
    const a = new MembershipService({ initial: [{ id: 'n1' }] });
    const b = new MembershipService({ initial: [{ id: 'n1' }] });
    const cmds: MembershipCommand[] = [
      { type: 'join', node: 'n3' },
      { type: 'join', node: 'n2', weight: 2 },
      { type: 'leave', node: 'n1' },
    ];
    cmds.forEach((c, i) => {
      a.apply(c, i + 1);
      b.apply(c, i + 1);
    });
    const ra = ringFromMembership(a.view());
    const rb = ringFromMembership(b.view());
    expect(ra.nodes()).toEqual([
      { id: 'n2', weight: 2 },
      { id: 'n3', weight: 1 },
    ]);
    for (const key of ['k1', 'k2', 'user:7', 'orders']) expect(rb.owner(key)).toBe(ra.owner(key));
  });
});

const nodeArb = fc.constantFrom('n1', 'n2', 'n3', 'n4');
const cmdArb: fc.Arbitrary<MembershipCommand> = fc.oneof(
  fc.record({ type: fc.constant('join' as const), node: nodeArb, weight: fc.constantFrom(1, 2) }),
  fc.record({ type: fc.constant('leave' as const), node: nodeArb }),
  fc.record({ type: fc.constant('join' as const), node: nodeArb, expectedEpoch: fc.integer({ min: 0, max: 5 }) }),
);

describe('membership properties', () => {
  it('is deterministic, never empty, sorted, and the epoch counts exactly the changes', () => {
    fc.assert(
      fc.property(fc.array(cmdArb, { maxLength: 40, size: 'max' }), (cmds) => {
        const a = new MembershipService({ initial: [{ id: 'n1' }] });
        const b = new MembershipService({ initial: [{ id: 'n1' }] });
        let changes = 0;
        cmds.forEach((cmd, i) => {
          const r = a.apply(cmd, i + 1);
          expect(b.apply(cmd, i + 1)).toEqual(r);
          if (r.ok && (r.kind === 'joined' || r.kind === 'left' || r.kind === 'reweighted')) changes++;
          const v = a.view();
          expect(v.epoch).toBe(changes);
          expect(v.members.length).toBeGreaterThan(0);
          const ids = v.members.map((m) => m.id);
          expect(ids).toEqual([...ids].sort());
        });
        expect(b.view()).toEqual(a.view());
      }),
      { numRuns: 300 },
    );
  });
});
