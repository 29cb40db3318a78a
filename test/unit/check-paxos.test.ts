import { describe, expect, it } from 'vitest';
import { checkPaxos, findPaxosViolations, type PaxosObservations, type PaxosViolation } from '../../core/check/paxos';

const cmd = (op: string) => ({ kind: 'cmd', command: { client: 'c1', seq: op.length, op } });
const noop = { kind: 'noop' };

function healthy(): PaxosObservations {
  return {
    learned: [
      { node: 'n1', slot: 1, value: cmd('a') },
      { node: 'n2', slot: 1, value: cmd('a') },
      { node: 'n1', slot: 2, value: noop },
      { node: 'n3', slot: 2, value: noop },
      { node: 'n2', slot: 3, value: cmd('bb') },
    ],
    proposed: ['a', 'bb'],
    applied: { n1: [cmd('a'), noop], n2: [cmd('a'), noop, cmd('bb')], n3: [] },
  };
}

describe('checkPaxos', () => {
  it('accepts consistent observations (no-ops need no proposal, shorter logs are prefixes)', () => {
    const v = checkPaxos(healthy());
    expect(v.valid).toBe(true);
    expect(v.stats?.slots).toBe(3);
  });

  it('reports a slot learned with two values, naming the slot, nodes and values', () => {
    const obs = healthy();
    obs.learned.push({ node: 'n3', slot: 1, value: cmd('bb') });
    const v = checkPaxos(obs);
    expect(v.valid).toBe(false);
    const [first] = (v.evidence as { violations: PaxosViolation[] }).violations;
    expect(first).toMatchObject({ code: 'AGREEMENT', slot: 1, nodes: ['n1', 'n3'], values: [cmd('a'), cmd('bb')] });
    expect(v.summary).toMatch(/Slot 1/);
  });

  it('catches disagreement of one node with itself across a restart', () => {
    const obs = healthy();
    obs.learned.push({ node: 'n1', slot: 2, value: cmd('a') });
    expect(findPaxosViolations(obs).map((x) => x.code)).toEqual(['AGREEMENT']);
  });

  it('compares values canonically (key order does not matter)', () => {
    const obs = healthy();
    obs.learned.push({ node: 'n3', slot: 1, value: { command: { op: 'a', seq: 1, client: 'c1' }, kind: 'cmd' } });
    expect(findPaxosViolations(obs)).toEqual([]);
  });

  it('reports a learned value nobody proposed', () => {
    const obs = healthy();
    obs.learned.push({ node: 'n2', slot: 4, value: cmd('zzz') });
    const v = findPaxosViolations(obs);
    expect(v).toHaveLength(1);
    expect(v[0]).toMatchObject({ code: 'VALIDITY', slot: 4, nodes: ['n2'] });
  });

  it('reports applied sequences that are not prefixes of one another', () => {
    const obs = healthy();
    obs.applied.n1 = [cmd('a'), cmd('bb')];
    const v = findPaxosViolations(obs);
    expect(v).toHaveLength(1);
    expect(v[0]).toMatchObject({ code: 'PREFIX', position: 1, nodes: ['n2', 'n1'], values: [noop, cmd('bb')] });
  });
});
