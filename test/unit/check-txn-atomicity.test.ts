import { describe, expect, it } from 'vitest';
import { checkAtomicity } from '../../core/check/txn-atomicity';

describe('checkAtomicity', () => {
  it('accepts agreeing participants, decisions and clients, and counts the in-doubt', () => {
    const v = checkAtomicity({
      outcomes: [
        { txn: 't1', node: 'n2', outcome: 'commit' },
        { txn: 't1', node: 'n3', outcome: 'commit' },
        { txn: 't2', node: 'n2', outcome: 'abort' },
      ],
      decisions: [{ txn: 't1', node: 'n1', outcome: 'commit' }],
      replies: [{ txn: 't1', outcome: 'commit' }, { txn: 't2', outcome: 'abort' }],
      inDoubtAtEnd: [{ txn: 't3', node: 'n4' }],
    });
    expect(v.valid).toBe(true);
    expect(v.stats).toMatchObject({ txns: 2, violations: 0, inDoubtAtEnd: 1 });
    expect(v.summary).toContain('n4 for t3');
  });

  it('names a partial commit: one participant committed, another aborted', () => {
    const v = checkAtomicity({
      outcomes: [
        { txn: 't1', node: 'n2', outcome: 'commit' },
        { txn: 't1', node: 'n3', outcome: 'abort' },
      ],
      decisions: [],
      replies: [],
    });
    expect(v.valid).toBe(false);
    expect(v.summary).toContain('committed according to participant n2, but aborted according to participant n3');
  });

  it('catches a client told "failed" for a transaction that committed', () => {
    const v = checkAtomicity({ outcomes: [{ txn: 't1', node: 'n2', outcome: 'commit' }], decisions: [], replies: [{ txn: 't1', outcome: 'abort' }] });
    expect(v.valid).toBe(false);
    expect(v.evidence).toEqual({ violations: [{ txn: 't1', committed: ['participant n2'], aborted: ['the client'] }] });
  });

  it('catches a node that changes its mind across a restart', () => {
    const v = checkAtomicity({
      outcomes: [
        { txn: 't1', node: 'n2', outcome: 'abort' },
        { txn: 't1', node: 'n2', outcome: 'commit' },
      ],
      decisions: [],
      replies: [],
    });
    expect(v.valid).toBe(false);
  });
});
