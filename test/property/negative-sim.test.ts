/**
 * Negative controls: deliberate defects the checkers MUST catch in the simulator, each
 * asserting the evidence. A checker that cannot fail proves nothing; these prove the
 * paxos, lock and register checkers (and the schedules that feed them) have teeth.
 * Each searches a bounded range of seeds and stops at the first violation.
 *
 * The Paxos bugs run with the replicas' assertions off (controls.assertionsOff): with them
 * on, an assertion stops the run at the faulty step before the checker sees any damage, so
 * the checker's teeth would go untested. The last Paxos test shows the assertion side.
 */
import { describe, expect, it } from 'vitest';
import { MECHANISMS } from '../../core/sim/mechanisms/index';
import type { SimOptions, SimReport } from '../../core/sim/report';
import type { Verdict } from '../../core/check/verdict';
import { FAULT_KINDS } from '../../core/sim/timeline';

function firstViolation(mechanism: string, seeds: readonly number[], opts: Omit<SimOptions, 'seed'>): { report: SimReport; verdict: Verdict } | undefined {
  const m = MECHANISMS[mechanism];
  if (!m) throw new Error(`no mechanism ${mechanism}`);
  for (const seed of seeds) {
    const report = m.run({ ...opts, seed });
    const verdict = report.verdicts.find((v) => v.valid === false);
    if (verdict) return { report, verdict };
  }
  return undefined;
}

const range = (from: number, count: number): number[] => Array.from({ length: count }, (_, i) => from + i);

interface PaxosViolationEvidence {
  violations: Array<{ code: string; slot?: number; values: unknown[]; nodes: string[] }>;
}

describe('negative controls (the checkers must catch deliberate bugs)', () => {
  it('Paxos acceptors that forget their promise on restart break agreement: one slot, two values', () => {
    const found = firstViolation('paxos', range(1, 50), {
      nodes: 3,
      faults: [...FAULT_KINDS],
      ops: 100,
      scenario: 'bridge-amnesia',
      controls: { paxosBugs: { forgetPromiseOnRestart: true }, assertionsOff: true },
    });
    expect(found, 'no seed in 1..50 exposed forgetPromiseOnRestart').toBeDefined();
    const { report, verdict } = found!;
    expect(report.ok).toBe(false);
    expect(verdict.model).toBe('paxos');
    const evidence = verdict.evidence as PaxosViolationEvidence;
    const agreement = evidence.violations.find((v) => v.code === 'AGREEMENT');
    expect(agreement).toBeDefined();
    expect(agreement!.slot).toBeGreaterThanOrEqual(1);
    expect(agreement!.values).toHaveLength(2);
    expect(JSON.stringify(agreement!.values[0])).not.toBe(JSON.stringify(agreement!.values[1]));
    expect(report.replay).toMatch(/--bug forget-promise/);
    // The same seed replays the same violation.
    const again = MECHANISMS.paxos!.run({ seed: report.seed, nodes: 3, faults: [...FAULT_KINDS], ops: 100, scenario: 'bridge-amnesia', controls: { paxosBugs: { forgetPromiseOnRestart: true }, assertionsOff: true } });
    expect(again.verdicts).toEqual(report.verdicts);
  });

  it('with assertions on, a forgetful acceptor is stopped at the restart that forgot, with the seed and step', () => {
    const opts = { nodes: 3, faults: [...FAULT_KINDS], ops: 100, scenario: 'bridge-amnesia', controls: { paxosBugs: { forgetPromiseOnRestart: true } } };
    const found = firstViolation('paxos', range(1, 10), opts);
    expect(found, 'no seed in 1..10 stopped forgetPromiseOnRestart').toBeDefined();
    const { report, verdict } = found!;
    expect(verdict.model).toBe('invariant');
    const evidence = verdict.evidence as { seed: number; step: number; atMs: number; node: string; expected: string };
    expect(evidence.seed).toBe(report.seed);
    expect(evidence.expected).toMatch(new RegExp(`^${evidence.node} to restart promised at least`));
    // It stopped at the restart: the world ran no further than that step, and the node's
    // restart is the last thing on the timeline.
    expect(report.stats.steps).toBe(evidence.step - 1);
    expect(report.simulatedMs).toBe(evidence.atMs);
    expect(report.faults.at(-1)).toMatchObject({ kind: 'restart', atMs: evidence.atMs });
    expect(report.faults.at(-1)!.detail).toMatch(new RegExp(`^${evidence.node} `));
    // The seed replays it to the same step.
    const again = MECHANISMS.paxos!.run({ ...opts, seed: report.seed });
    expect(again.verdicts[0]).toEqual(verdict);
  });

  it('a Paxos leader that re-proposes any accepted value (not the highest-ballot one) breaks agreement', () => {
    const opts = { nodes: 3, faults: [...FAULT_KINDS], ops: 100, scenario: 'stale-accept', controls: { paxosBugs: { pickAnyAcceptedValue: true }, assertionsOff: true } };
    const found = firstViolation('paxos', range(1, 20), opts);
    expect(found, 'no seed in 1..20 exposed pickAnyAcceptedValue').toBeDefined();
    const { report, verdict } = found!;
    expect(verdict.model).toBe('paxos');
    const agreement = (verdict.evidence as PaxosViolationEvidence).violations.find((v) => v.code === 'AGREEMENT');
    expect(agreement).toBeDefined();
    expect(agreement!.nodes).toHaveLength(2);
    expect(JSON.stringify(agreement!.values[0])).not.toBe(JSON.stringify(agreement!.values[1]));
    expect(report.replay).toMatch(/--bug pick-any-value/);
  });

  it('correct Paxos survives the very schedules that expose those bugs', () => {
    for (const [scenario, seed] of [['bridge-amnesia', 3], ['bridge-amnesia', 44], ['stale-accept', 1], ['stale-accept', 7], ['leader-strikes', 149]] as const) {
      const r = MECHANISMS.paxos!.run({ seed, nodes: 3, faults: [...FAULT_KINDS], ops: 100, scenario, keepHistory: false });
      expect(r.verdicts.filter((v) => v.valid === false), `${scenario} seed ${seed}`).toEqual([]);
    }
  });

  it('a lock service without fencing lets a client paused past its lease write with a stale token', () => {
    const found = firstViolation('locks', range(1, 30), { nodes: 3, faults: [...FAULT_KINDS], ops: 60, controls: { unfenced: true } });
    expect(found, 'no seed in 1..30 exposed the unfenced resource').toBeDefined();
    const { report, verdict } = found!;
    expect(verdict.model).toBe('lock');
    const evidence = verdict.evidence as { violations: Array<{ code: string; key: string; operations: unknown[] }> };
    const stale = evidence.violations.find((v) => v.code === 'STALE_WRITE_ACCEPTED');
    expect(stale).toBeDefined();
    expect(stale!.key).toMatch(/^resource-L/);
    expect(stale!.operations).toHaveLength(2);
    // It took a client pause (the GC pause) to get there.
    expect(report.faults.some((f) => f.kind === 'client-pause')).toBe(true);
  });

  it('the same lock workload WITH fencing rejects those writes and passes', () => {
    const found = firstViolation('locks', range(1, 30), { nodes: 3, faults: [...FAULT_KINDS], ops: 60 });
    expect(found).toBeUndefined();
  });

  it('reads served from any replica\'s local state (query-local) are not linearizable', () => {
    const found = firstViolation('paxos', range(1, 30), { nodes: 5, faults: [], ops: 60, controls: { staleReads: true } });
    expect(found, 'no seed in 1..30 exposed stale local reads').toBeDefined();
    const { verdict } = found!;
    expect(verdict.model).toBe('register');
    expect(verdict.summary).toMatch(/Not linearizable/);
    const evidence = verdict.evidence as { stuckAt: { f: string } };
    expect(evidence.stuckAt.f).toBe('read');
  });
});
