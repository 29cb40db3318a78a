/**
 * What every benchmark shares: repeated runs, medians and spread, a progress line.
 * Suites live in core/bench/*.bench.ts and are found by `faultline bench`.
 */
export interface Measurement {
  /** What was measured, e.g. "register check, 100k ops / 100 keys". */
  name: string;
  unit: string;
  median: number;
  min: number;
  max: number;
  runs: number;
  /** Optional context printed next to the numbers (sizes, ratios, goals). */
  note?: string;
}

export interface BenchContext {
  /** Prints a progress line to stderr (long benchmarks must show they are alive). */
  progress(message: string): void;
  /** True when `faultline bench --quick` asked for fewer repetitions. */
  quick: boolean;
}

export interface BenchSuite {
  name: string;
  run(ctx: BenchContext): Promise<Measurement[]>;
}

export function summarize(name: string, unit: string, samples: number[], note?: string): Measurement {
  if (samples.length === 0) throw new Error(`no samples for ${name}`);
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  const m: Measurement = { name, unit, median, min: sorted[0] as number, max: sorted[sorted.length - 1] as number, runs: samples.length };
  if (note !== undefined) m.note = note;
  return m;
}

/** Runs `fn` `runs` times and returns the wall time of each run in milliseconds. */
export async function timeRuns(runs: number, fn: () => unknown | Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    samples.push(performance.now() - start);
  }
  return samples;
}
