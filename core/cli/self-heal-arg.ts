/**
 * `--self-heal [DELAY_MS]` for `run`, `serve` and `up`: turns on the self-heal policy
 * (core/supervisor/self-heal.ts: a crashed node is restarted after DELAY_MS). Alone it
 * takes the default delay; `--self-heal 500` or `--self-heal=500` names one. parseArgs has
 * no option with an optional value, so this takes it out of the arguments first.
 */
import { DEFAULT_SELF_HEAL_DELAY_MS, MAX_SELF_HEAL_DELAY_MS } from '../supervisor/self-heal';

export const SELF_HEAL_HELP = `  --self-heal [MS] restart a crashed (killed) node by itself after MS milliseconds
                   (default ${DEFAULT_SELF_HEAL_DELAY_MS}); off unless given: a kill then stays until healed`;

/** The arguments without the option, and the delay (null: off); a string is the message for a bad value. */
export function takeSelfHeal(args: readonly string[]): { args: string[]; delayMs: number | null } | string {
  const rest: string[] = [];
  let delayMs: number | null = null;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--') {
      rest.push(...args.slice(i));
      break;
    }
    let text: string | undefined;
    if (a === '--self-heal') {
      const next = args[i + 1];
      if (next !== undefined && /^\d+$/.test(next)) {
        text = next;
        i++;
      }
    } else if (a.startsWith('--self-heal=')) {
      text = a.slice('--self-heal='.length);
    } else {
      rest.push(a);
      continue;
    }
    if (text === undefined) {
      delayMs = DEFAULT_SELF_HEAL_DELAY_MS;
      continue;
    }
    const n = Number(text);
    if (!/^\d+$/.test(text) || n > MAX_SELF_HEAL_DELAY_MS) return `--self-heal takes a delay in ms from 0 to ${MAX_SELF_HEAL_DELAY_MS}, got "${text}"`;
    delayMs = n;
  }
  return { args: rest, delayMs };
}
