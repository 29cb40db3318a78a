import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import type { BenchSuite, Measurement } from '../../bench/harness';

export const summary = 'run the benchmarks (medians over repeated runs) and print a report';

function format(m: Measurement): string {
  const n = (x: number): string => (Math.abs(x) >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
  const spread = m.runs > 1 ? ` (min ${n(m.min)}, max ${n(m.max)}, ${m.runs} runs)` : '';
  return `  ${m.name.padEnd(52)} ${n(m.median).padStart(10)} ${m.unit}${spread}${m.note ? `  ${m.note}` : ''}`;
}

export async function run(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: { quick: { type: 'boolean', default: false }, only: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (e) {
    console.error(`faultline bench: ${(e as Error).message}`);
    return 2;
  }
  if (parsed.values.help) {
    console.log('usage: faultline bench [--quick] [--only NAME]\n  runs every suite in core/bench/*.bench.ts');
    return 0;
  }
  const dir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench');
  const files = (await readdir(dir)).filter((f) => f.endsWith('.bench.ts')).sort();
  const only = parsed.values.only;
  console.log(`Faultline benchmarks — ${new Date().toISOString()} — node ${process.version}, ${process.platform}/${process.arch}`);
  for (const file of files) {
    const mod = (await import(join(dir, file))) as { default: BenchSuite };
    const suite = mod.default;
    if (only && !suite.name.includes(only)) continue;
    console.log(`\n${suite.name}`);
    const results = await suite.run({
      quick: parsed.values.quick ?? false,
      progress: (msg) => process.stderr.write(`  … ${msg}\n`),
    });
    for (const m of results) console.log(format(m));
  }
  return 0;
}
