/**
 * `faultline run --scenario NAME`: a named demonstration on real processes
 * (core/supervisor/demos) becomes the run's own flags plus its nemesis plan's shape;
 * a demonstration of a protocol bug is simulator-only and exits 2 saying where it runs.
 */
import { findDemonstration } from '../sim/demonstrations/index';
import { REAL_DEMONSTRATIONS, expandRealDemonstration, findRealDemonstration, type RealDemonstration } from '../supervisor/demos/index';

export type RunScenario =
  /** No --scenario: the arguments as given. */
  | { readonly kind: 'none' }
  | { readonly kind: 'demo'; readonly demo: RealDemonstration; readonly args: string[] }
  /** Unusable: print `message`, exit 2. */
  | { readonly kind: 'error'; readonly message: string };

export function resolveRunScenario(args: readonly string[]): RunScenario {
  let name: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--scenario') name = args[i + 1] ?? '';
    else if (arg.startsWith('--scenario=')) name = arg.slice('--scenario='.length);
  }
  if (name === undefined) return { kind: 'none' };
  const demo = findRealDemonstration(name);
  if (demo === undefined) {
    if (findDemonstration(name) !== undefined) return { kind: 'error', message: `--scenario ${name} is simulator only: faultline sim --scenario ${name}` };
    return { kind: 'error', message: `unknown --scenario "${name}"; on real processes: ${REAL_DEMONSTRATIONS.map((d) => d.name).join(', ')}` };
  }
  const expanded = expandRealDemonstration(demo, args);
  if (typeof expanded === 'string') return { kind: 'error', message: expanded };
  return { kind: 'demo', demo, args: expanded };
}

/** The line a demonstration run ends with. */
export function demonstrationOutcome(demo: RealDemonstration, verdict: { valid: boolean | 'unknown'; model: string }): string {
  if (verdict.valid === false && verdict.model === demo.expectedModel) return `scenario ${demo.name}: caught by the ${demo.expectedModel} checker (exit 1)`;
  return `scenario ${demo.name}: NOT caught this time (the ${verdict.model} verdict is ${String(verdict.valid)})`;
}
