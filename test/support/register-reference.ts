import { canonicalJson } from '../../core/check/canonical';
import { pairOperations, type HistoryOp, type Operation } from '../../core/check/history';

/**
 * The definition, by brute force: some order of the operations (failed ones left out,
 * unknown-outcome ones optional) respects real time and the register rules, per key.
 * Exponential, so only for a handful of operations.
 */
export function linearizableByBruteForce(history: HistoryOp[]): boolean {
  const byKey = new Map<string | undefined, Operation[]>();
  for (const o of pairOperations(history)) {
    if (o.outcome === 'fail') continue;
    const list = byKey.get(o.key) ?? [];
    list.push(o);
    byKey.set(o.key, list);
  }
  const completion = (o: Operation): number => (o.outcome === 'ok' && o.complete ? o.complete.index : Infinity);
  const same = (a: unknown, b: unknown): boolean => canonicalJson(a) === canonicalJson(b);
  for (const list of byKey.values()) {
    const placed = list.map(() => false);
    const search = (state: unknown): boolean => {
      if (list.every((o, i) => placed[i] || o.outcome !== 'ok')) return true;
      return list.some((o, i) => {
        if (placed[i]) return false;
        // Real time: nothing still unplaced may have completed before o was invoked.
        if (list.some((p, j) => !placed[j] && j !== i && completion(p) < o.invoke.index)) return false;
        let next = state;
        if (o.f === 'read') {
          if (o.outcome !== 'ok' || !same(o.complete?.value, state)) return false;
        } else if (o.f === 'write') next = o.invoke.value;
        else if (o.f === 'append') next = `${(state as string | null) ?? ''}${String(o.invoke.value)}`;
        else {
          const [expected, replacement] = o.invoke.value as [unknown, unknown];
          const matched = o.outcome !== 'ok' || o.complete?.result !== false;
          if (matched !== same(state, expected)) return false;
          if (matched) next = replacement;
        }
        placed[i] = true;
        const found = search(next);
        placed[i] = false;
        return found;
      });
    };
    if (!search(null)) return false;
  }
  return true;
}
