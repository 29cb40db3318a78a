/**
 * `faultline up`: the same as `faultline serve` (the Lab and its panel), kept for the
 * scripts and habits that use it; `faultline up --mode quorum` starts that mode.
 */
import { run as serve } from './serve';

export const summary = 'the same as serve: a local cluster and its control panel (kept for scripts)';

export function run(args: string[]): Promise<number> {
  return serve(args, 'up');
}
