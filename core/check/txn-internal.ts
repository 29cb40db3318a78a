/**
 * Reads one transaction's own micro-operations explain or contradict (Elle's internal
 * checks): a read of k returns what the transaction's last read of k returned plus its
 * appends since, or, before any read, ends with its appends so far (Cerone et al.'s INT);
 * and a read never holds a value the transaction appends only later (future-read).
 */
import { listText, sameList } from './txn-data';
import { valueId, type Txn } from './txn-history';

/** The internal and future-read anomalies of one committed transaction, in words. */
export function internalAnomalies(t: Txn, name: (t: Txn) => string): { type: 'internal' | 'future-read'; explanation: string }[] {
  const found: { type: 'internal' | 'future-read'; explanation: string }[] = [];
  const state = new Map<string, { prefix: readonly unknown[] | undefined; tail: unknown[] }>();
  const later = new Map<string, Set<string>>();
  for (const m of t.ops) {
    if (m.f !== 'append') continue;
    let s = later.get(m.key);
    if (!s) later.set(m.key, (s = new Set()));
    s.add(valueId(m.value));
  }
  for (const m of t.ops) {
    if (m.f === 'append') {
      const s = state.get(m.key) ?? { prefix: undefined, tail: [] };
      s.tail.push(m.value);
      state.set(m.key, s);
      later.get(m.key)!.delete(valueId(m.value));
      continue;
    }
    const list = m.value ?? [];
    const s = state.get(m.key);
    if (s) {
      const expected = s.prefix === undefined ? undefined : [...s.prefix, ...s.tail];
      const ok = expected ? sameList(expected, list) : list.length >= s.tail.length && sameList(list.slice(list.length - s.tail.length), s.tail);
      if (!ok) {
        const what = expected ? `expected ${listText(expected)} from its own earlier read and appends` : `expected it to end with its own appends ${listText(s.tail)}`;
        found.push({ type: 'internal', explanation: `${name(t)} read ${m.key} = ${listText(list)}, but ${what}.` });
      }
    }
    const future = list.find((v) => later.get(m.key)?.has(valueId(v)));
    if (future !== undefined) {
      found.push({ type: 'future-read', explanation: `${name(t)} read ${m.key} = ${listText(list)}, which holds ${valueId(future)}, an append ${name(t)} itself makes only later.` });
    }
    state.set(m.key, { prefix: list, tail: [] });
  }
  return found;
}
