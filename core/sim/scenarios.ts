/**
 * Named fault schedules (FoundationDB's and TigerBeetle's habit of named scenarios on the
 * same harness): nemesis settings that stress one kind of trouble harder than the random
 * mix does. Negative controls use them to expose deliberate bugs within a bounded number
 * of seeds. A scenario may go beyond what the protocol tolerates for liveness (safety must
 * hold regardless); it says so.
 */
import type { NemesisOptions } from './nemesis';

export interface Scenario {
  readonly summary: string;
  readonly nemesis: Partial<NemesisOptions>;
}

export const SCENARIOS: Readonly<Record<string, Scenario>> = {
  chaos: {
    summary: 'short, dense fault periods, up to three faults at once (still a minority down)',
    nemesis: { faultPeriodMs: [50, 400], calmPeriodMs: [20, 150], faultsPerPeriod: [1, 3] },
  },
  'crash-storm': {
    summary: 'crashes (half of them torn) and partitions in quick succession, leaders change constantly',
    nemesis: {
      faults: new Set(['crash', 'partition']),
      faultPeriodMs: [30, 250],
      calmPeriodMs: [10, 80],
      faultsPerPeriod: [1, 3],
      tornCrashProbability: 0.5,
    },
  },
  'leader-churn': {
    summary: 'the leader is isolated or crashed over and over, with lost and duplicated messages',
    nemesis: {
      faults: new Set(['crash', 'partition', 'drop', 'dup']),
      partitionShapes: ['isolate-leader', 'majorities-ring', 'bridge', 'one-way'],
      faultPeriodMs: [60, 300],
      calmPeriodMs: [10, 100],
      faultsPerPeriod: [1, 2],
    },
  },
};

export function scenarioNames(): string[] {
  return Object.keys(SCENARIOS);
}

export function scenarioNemesis(name: string): Partial<NemesisOptions> {
  const s = SCENARIOS[name];
  if (s === undefined) throw new Error(`unknown scenario "${name}"; expected one of ${scenarioNames().join(', ')}`);
  return s.nemesis;
}
