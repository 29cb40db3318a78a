import { describe, expect, it } from 'vitest';
import { DetectorError, PhiAccrualDetector, TimeoutDetector, phiOf, type FailureDetector } from '../../core/algorithms/detector';

/** Feeds `node` heartbeats at the given gaps, starting at 0; returns the time of the last one. */
function beat(d: FailureDetector, node: string, gapsMs: readonly number[]): number {
  let t = 0;
  d.heartbeat(node, t);
  for (const gap of gapsMs) {
    t += gap;
    d.heartbeat(node, t);
  }
  return t;
}

/** The first whole millisecond of silence after `lastMs` at which `node` is suspected. */
function crossingMs(d: FailureDetector, node: string, lastMs: number, limitMs = 60_000): number {
  for (let silence = 0; silence <= limitMs; silence++) if (d.isSuspected(node, lastMs + silence)) return silence;
  throw new Error(`never suspected within ${limitMs} ms`);
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof DetectorError ? e.code : `not a DetectorError: ${String(e)}`;
  }
  return undefined;
}

const regular = (n: number, gapMs = 1000): number[] => Array.from({ length: n }, () => gapMs);

// With threshold 8, phi crosses where y(1.5976 + 0.070566 y^2) = ln(10^8 - 1), y ≈ 5.226:
// silence = mean + 5.226 standard deviations.
const Y_AT_8 = 5.226;

describe('phi', () => {
  it('is log10(2) at the mean, rises with silence, and stays finite far out', () => {
    expect(phiOf(1000, 1000, 100)).toBeCloseTo(Math.log10(2), 10);
    const series = [0, 500, 1000, 1200, 1500, 2000, 5000, 100_000, 10_000_000].map((t) => phiOf(t, 1000, 100));
    for (let i = 1; i < series.length; i++) expect(series[i] as number).toBeGreaterThan(series[i - 1] as number);
    expect(Number.isFinite(series[series.length - 1])).toBe(true);
    expect(series[0]).toBeGreaterThanOrEqual(0);
    expect(series[0]).toBeLessThan(1e-6);
  });

  it('matches the Akka formula where that one is finite', () => {
    const akka = (t: number, mean: number, sd: number): number => {
      const y = (t - mean) / sd;
      const e = Math.exp(-y * (1.5976 + 0.070566 * y * y));
      return t > mean ? -Math.log10(e / (1 + e)) : -Math.log10(1 - 1 / (1 + e));
    };
    for (const t of [0, 700, 999, 1001, 1300, 1500, 1700]) expect(phiOf(t, 1000, 150)).toBeCloseTo(akka(t, 1000, 150), 8);
  });
});

describe('PhiAccrualDetector', () => {
  it('steady heartbeats keep phi low', () => {
    const d = new PhiAccrualDetector({ maxSampleSize: 20 });
    const last = beat(d, 'n1', regular(50));
    expect(d.suspicion('n1', last + 500)).toBeLessThan(0.01);
    expect(d.suspicion('n1', last + 1000)).toBeCloseTo(Math.log10(2), 5); // exactly on time
    expect(d.isSuspected('n1', last + 1000)).toBe(false);
  });

  it('silence makes phi grow monotonically and cross the threshold at mean + 5.2 sd', () => {
    const d = new PhiAccrualDetector({ maxSampleSize: 20, minStdDeviationMs: 100 });
    const last = beat(d, 'n1', regular(50));
    let previous = -1;
    for (let silence = 0; silence <= 3000; silence += 50) {
      const phi = d.suspicion('n1', last + silence);
      expect(phi).toBeGreaterThan(previous);
      previous = phi;
    }
    // Regular beats: sd is 0, so the 100 ms floor applies: 1000 + 5.226 * 100 = 1523.
    expect(crossingMs(d, 'n1', last)).toBe(Math.ceil(1000 + Y_AT_8 * 100));
  });

  it('jittery heartbeats raise the tolerance', () => {
    const steady = new PhiAccrualDetector({ maxSampleSize: 40 });
    const jittery = new PhiAccrualDetector({ maxSampleSize: 40 });
    const lastSteady = beat(steady, 'n1', regular(60));
    // Same mean (1000 ms), standard deviation 400 ms.
    const lastJittery = beat(jittery, 'n1', Array.from({ length: 60 }, (_, i) => (i % 2 === 0 ? 600 : 1400)));
    expect(steady.isSuspected('n1', lastSteady + 1600)).toBe(true);
    expect(jittery.isSuspected('n1', lastJittery + 1600)).toBe(false);
    expect(jittery.suspicion('n1', lastJittery + 1600)).toBeLessThan(steady.suspicion('n1', lastSteady + 1600));
    const crossing = crossingMs(jittery, 'n1', lastJittery);
    expect(Math.abs(crossing - (1000 + Y_AT_8 * 400))).toBeLessThanOrEqual(2);
  });

  it('the minimum standard deviation keeps perfectly regular heartbeats from making lateness fatal', () => {
    const floored = new PhiAccrualDetector({ maxSampleSize: 20, minStdDeviationMs: 100 });
    const bare = new PhiAccrualDetector({ maxSampleSize: 20, minStdDeviationMs: 1 });
    const last = beat(floored, 'n1', regular(50));
    beat(bare, 'n1', regular(50));
    // The next heartbeat is 60 ms late: harmless with the floor, a false suspicion without.
    expect(floored.isSuspected('n1', last + 1060)).toBe(false);
    expect(floored.suspicion('n1', last + 1060)).toBeLessThan(1);
    expect(bare.isSuspected('n1', last + 1060)).toBe(true);
  });

  it('does not suspect a node it has never heard from, until its first heartbeat', () => {
    const d = new PhiAccrualDetector();
    for (const t of [0, 1000, 1_000_000]) {
      expect(d.suspicion('ghost', t)).toBe(0);
      expect(d.isSuspected('ghost', t)).toBe(false);
    }
    expect(d.stats('ghost')).toBeUndefined();
    // The host starts the clock when it begins expecting the node.
    d.heartbeat('ghost', 1_000_000);
    expect(d.isSuspected('ghost', 1_010_000)).toBe(true);
  });

  it('seeds the estimate at the first heartbeat (mean = estimate, sd = estimate / 4)', () => {
    const d = new PhiAccrualDetector({ firstHeartbeatEstimateMs: 1000 });
    d.heartbeat('n1', 5000);
    expect(d.stats('n1')).toEqual({ lastHeartbeatMs: 5000, samples: 2, meanMs: 1000, stdDevMs: 250 });
    expect(crossingMs(d, 'n1', 5000)).toBe(Math.ceil(1000 + Y_AT_8 * 250));
  });

  it('a late heartbeat clears suspicion', () => {
    const d = new PhiAccrualDetector({ maxSampleSize: 20 });
    const last = beat(d, 'n1', regular(30));
    expect(d.isSuspected('n1', last + 5000)).toBe(true);
    d.heartbeat('n1', last + 5000);
    expect(d.isSuspected('n1', last + 5000)).toBe(false);
    expect(d.isSuspected('n1', last + 5500)).toBe(false);
  });

  it('the acceptable pause delays suspicion by exactly the pause', () => {
    const plain = new PhiAccrualDetector({ maxSampleSize: 20 });
    const patient = new PhiAccrualDetector({ maxSampleSize: 20, acceptableHeartbeatPauseMs: 3000 });
    const last = beat(plain, 'n1', regular(30));
    beat(patient, 'n1', regular(30));
    expect(crossingMs(patient, 'n1', last) - crossingMs(plain, 'n1', last)).toBe(3000);
  });

  it('forgets old intervals: tolerance shrinks again once the network calms down', () => {
    const d = new PhiAccrualDetector({ maxSampleSize: 10 });
    let t = beat(d, 'n1', [600, 1400, 600, 1400, 600, 1400, 600, 1400, 600, 1400]);
    expect(d.isSuspected('n1', t + 2000)).toBe(false);
    for (let i = 0; i < 10; i++) d.heartbeat('n1', (t += 1000));
    expect(d.isSuspected('n1', t + 2000)).toBe(true);
  });

  it('survives a clock stepping backwards without recording a negative interval', () => {
    const d = new PhiAccrualDetector({ maxSampleSize: 20 });
    beat(d, 'n1', regular(30));
    const before = d.stats('n1');
    d.heartbeat('n1', 10_000); // earlier than the last heartbeat at 30_000
    expect(d.stats('n1')?.samples).toBe(before?.samples);
    expect(d.stats('n1')?.meanMs).toBe(before?.meanMs);
    expect(d.isSuspected('n1', 10_500)).toBe(false);
    expect(d.suspicion('n1', 9_000)).toBeLessThan(0.01); // now before the last heartbeat: no silence
  });

  it('forget makes a node unknown again', () => {
    const d = new PhiAccrualDetector();
    d.heartbeat('n1', 0);
    d.forget('n1');
    expect(d.isSuspected('n1', 100_000)).toBe(false);
  });

  it('refuses bad options with BAD_OPTION', () => {
    expect(codeOf(() => new PhiAccrualDetector({ threshold: 0 }))).toBe('BAD_OPTION');
    expect(codeOf(() => new PhiAccrualDetector({ minStdDeviationMs: Number.NaN }))).toBe('BAD_OPTION');
    expect(codeOf(() => new PhiAccrualDetector({ acceptableHeartbeatPauseMs: -1 }))).toBe('BAD_OPTION');
    expect(codeOf(() => new PhiAccrualDetector({ maxSampleSize: 1 }))).toBe('BAD_OPTION');
    expect(codeOf(() => new PhiAccrualDetector({ acceptableHeartbeatPauseMs: 0 }))).toBeUndefined();
    expect(() => new PhiAccrualDetector({ firstHeartbeatEstimateMs: 0 })).toThrow(/firstHeartbeatEstimateMs must be a finite number > 0, got 0/);
  });
});

describe('TimeoutDetector', () => {
  it('suspects a node silent for longer than the timeout, and a heartbeat clears it', () => {
    const d = new TimeoutDetector({ timeoutMs: 2000 });
    d.heartbeat('n1', 1000);
    expect(d.suspicion('n1', 2000)).toBe(0.5);
    expect(d.isSuspected('n1', 3000)).toBe(false); // exactly at the timeout
    expect(d.isSuspected('n1', 3001)).toBe(true);
    d.heartbeat('n1', 3500);
    expect(d.isSuspected('n1', 3600)).toBe(false);
    expect(d.lastHeartbeatMs('n1')).toBe(3500);
  });

  it('does not suspect a node it has never heard from, nor a forgotten one', () => {
    const d = new TimeoutDetector({ timeoutMs: 2000 });
    expect(d.suspicion('ghost', 1_000_000)).toBe(0);
    d.heartbeat('n1', 0);
    d.forget('n1');
    expect(d.isSuspected('n1', 1_000_000)).toBe(false);
  });

  it('refuses a non-positive timeout', () => {
    expect(codeOf(() => new TimeoutDetector({ timeoutMs: 0 }))).toBe('BAD_OPTION');
  });
});
