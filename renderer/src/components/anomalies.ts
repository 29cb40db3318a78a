/**
 * The anomaly names a verdict's evidence carries (the transaction checker's `anomalyTypes`:
 * G0, G1c, G-single, ...). They are standard names (Adya, Elle), the same in every language,
 * so the headline shows them as they are; a hint explains them in the panel's language.
 */
import type { VerdictView } from '../../../core/protocol/panel';

export function anomalyNames(verdict: Pick<VerdictView, 'evidence'>): string[] {
  const e = verdict.evidence;
  if (typeof e !== 'object' || e === null) return [];
  const types = (e as { anomalyTypes?: unknown }).anomalyTypes;
  return Array.isArray(types) ? types.filter((x): x is string => typeof x === 'string') : [];
}
