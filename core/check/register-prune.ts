/**
 * Unknown-outcome operations (a crashed client's write: `info`, or no completion) are what
 * makes a register search explode: each may take effect at any later moment or never, so
 * the search carries all of them to the end of the history (2^k combinations). Most of
 * them cannot matter, and this pass removes or bounds those, before any search.
 *
 * Why it is sound (a history is linearizable iff the pruned one is). Take an unknown
 * operation U that sets the register to v (a write of v, or a cas [e, v]). In any legal
 * order, the operations between U and the next one that sets the register all see the
 * value v without changing it, and the one that ends the stretch is a write (legal in any
 * state) or a cas expecting v. So the only operations that can tell "U took effect here"
 * from "U never happened" are the OBSERVERS of v:
 *   - a read that returned v;
 *   - a cas expecting v (ok, or of unknown outcome: that one may come at any time, so it
 *     counts as observing forever);
 *   - a cas that reported a mismatch with an expected value other than v (it was legal
 *     because the value was v; without U the value might have been its expected one).
 * If U sits after every observer of v (their completions bound where they sit), the
 * stretch after U contains no observer, and deleting U from the order leaves every other
 * operation legal; U had an unknown outcome, so "never happened" is allowed. Hence:
 *   - if no observer of v can come after U's invoke, U is left out of the search;
 *   - otherwise U becomes OPTIONAL with a window ending just after the last observer's
 *     completion: if an order put U later, the observers would all precede it and U could
 *     be deleted, as above. (The search may skip an optional operation at its window end.)
 * Nothing here assumes values are unique: a second write of the same v is just one more
 * operation the observers may have seen. Uniqueness (as the project's register workload
 * gives) is what makes the pass strong: with unique values a crashed write is observed by
 * the few reads of that one value, or by none.
 *
 * Leaving out U also removes an unknown cas's observation of its expected value, which can
 * make another write unobserved; the pass repeats until nothing more is left out. Windows
 * are computed afterwards, counting every kept unknown cas as observing forever (a bound
 * that is larger than needed is still a correct bound).
 *
 * Appends build on the value, so the argument differs, but the result is the same (for
 * keys with only reads and appends; a key that mixes appends with writes or cas is left as
 * it is). After an append of suffix s, the value only grows by later appends, so EVERY
 * read placed after it returns a string containing s. So the observers of an unknown
 * append are the reads whose value contains s: if an order put the append after all of
 * them, no read at all would follow it, and deleting it would leave every read as it was
 * (and later appends legal). Hence the same rules: no such read after its invoke, left
 * out; otherwise optional, with a window ending after the last such read. Containment is
 * a substring test, which can only over-count observers (a safe error). Unique suffixes
 * (the workload's) make it exact.
 *
 * Unknown reads never reach the search at all (an operation with no outcome and no effect
 * constrains nothing; registerPartitions drops them).
 */
import { APPEND, CAS, CAS_MISMATCH, READ, WRITE, type RegisterPartition } from './register-model';

export interface PruneStats {
  /** Unknown-outcome operations left out of the search. */
  left: number;
  /** Unknown-outcome operations given a bounded window. */
  bounded: number;
}

export function pruneUnobserved(part: RegisterPartition, stats?: PruneStats): RegisterPartition {
  const n = part.size;
  const unknown = (i: number): boolean => part.returnAt[i] === Infinity;
  let anyUnknown = false;
  let appends = false;
  let others = false;
  for (let i = 0; i < n; i++) {
    const k = part.kind[i];
    if (k === APPEND) appends = true;
    else if (k !== READ) others = true;
    if (unknown(i)) anyUnknown = true;
  }
  if (!anyUnknown) return part;
  if (appends) return others ? part : pruneAppends(part, stats);
  const produced = (i: number): number => (part.kind[i] === WRITE ? (part.arg[i] as number) : (part.arg2[i] as number));

  // Mismatching cas observe every value but their expected one: keep, per expected value,
  // the latest completion, and the two latest with different expected values.
  const mismatchLast = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    if (part.kind[i] !== CAS_MISMATCH) continue;
    const e = part.arg[i] as number;
    mismatchLast.set(e, Math.max(mismatchLast.get(e) ?? -Infinity, part.returnAt[i] as number));
  }
  let best = { e: -1, at: -Infinity };
  let second = { e: -1, at: -Infinity };
  for (const [e, at] of mismatchLast) {
    if (at > best.at) [best, second] = [{ e, at }, best];
    else if (at > second.at) second = { e, at };
  }
  const lastMismatchObserving = (v: number): number => (best.e !== v ? best.at : second.at);

  const kept = new Uint8Array(n).fill(1);
  /** The latest completion of a kept read or cas observing each value (Infinity: an unknown cas). */
  const lastObservers = (): Map<number, number> => {
    const last = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const k = part.kind[i];
      if (kept[i] === 0 || (k !== READ && k !== CAS)) continue;
      const v = part.arg[i] as number;
      last.set(v, Math.max(last.get(v) ?? -Infinity, part.returnAt[i] as number));
    }
    return last;
  };
  const lastObserverOf = (last: Map<number, number>, v: number): number => Math.max(last.get(v) ?? -Infinity, lastMismatchObserving(v));

  // Leave out unobserved unknown producers until nothing changes (only a cas left out can
  // change what is observed, so most histories take one round).
  let last = lastObservers();
  for (;;) {
    let casLeftOut = false;
    for (let i = 0; i < n; i++) {
      const k = part.kind[i];
      if (kept[i] === 0 || !unknown(i) || (k !== WRITE && k !== CAS)) continue;
      if (lastObserverOf(last, produced(i)) > (part.invokeAt[i] as number)) continue;
      kept[i] = 0;
      if (k === CAS) casLeftOut = true;
    }
    if (!casLeftOut) break;
    last = lastObservers();
  }

  const keep: number[] = [];
  const windowEnd = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    if (kept[i] === 0) continue;
    keep.push(i);
    if (!unknown(i)) continue;
    const end = lastObserverOf(last, produced(i));
    if (end !== Infinity) windowEnd.set(i, end + 0.5); // just after the last observer's completion
  }
  return applyPruning(part, keep, windowEnd, stats);
}

/** A key of reads and appends only: the observers of an append are the reads containing its suffix. */
function pruneAppends(part: RegisterPartition, stats: PruneStats | undefined): RegisterPartition {
  const n = part.size;
  const reads: { value: string; completes: number }[] = [];
  for (let i = 0; i < n; i++) {
    const value = part.values.values[part.arg[i] as number];
    if (part.kind[i] === READ && typeof value === 'string') reads.push({ value, completes: part.returnAt[i] as number });
  }
  // Latest completion first: the last read containing a suffix is the first one found, and
  // the scan stops at reads that completed before the append's invoke.
  reads.sort((a, b) => b.completes - a.completes);
  // Substring tests over long values cost their length; past this many characters in all,
  // the remaining unknown appends stay in the search unbounded (always sound, only slower).
  let budget = PRUNE_APPEND_SCAN_CHARS;
  const keep: number[] = [];
  const windowEnd = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    if (part.kind[i] !== APPEND || part.returnAt[i] !== Infinity || budget <= 0) {
      keep.push(i);
      continue;
    }
    const suffix = part.values.values[part.arg[i] as number] as string;
    const invoked = part.invokeAt[i] as number;
    let last = -Infinity;
    for (const r of reads) {
      if (r.completes <= invoked) break;
      budget -= r.value.length;
      if (r.value.includes(suffix)) {
        last = r.completes;
        break;
      }
      if (budget <= 0) break;
    }
    if (last === -Infinity && budget <= 0) {
      keep.push(i); // undecided within the budget: left to the search as it is
      continue;
    }
    if (last <= invoked) continue; // no read after its invoke contains it: leave it out
    keep.push(i);
    windowEnd.set(i, last + 0.5);
  }
  return applyPruning(part, keep, windowEnd, stats);
}

/** Characters of read values the append pruning may scan in all (about 0.1 s of substring tests). */
const PRUNE_APPEND_SCAN_CHARS = 200_000_000;

/** The partition restricted to `keep`, the operations in `windowEnd` optional with that window end. */
function applyPruning(part: RegisterPartition, keep: number[], windowEnd: Map<number, number>, stats: PruneStats | undefined): RegisterPartition {
  const n = part.size;
  if (stats) {
    stats.left += n - keep.length;
    stats.bounded += windowEnd.size;
  }
  if (keep.length === n && windowEnd.size === 0) return part;
  const optional = part.optional.slice();
  for (const i of windowEnd.keys()) optional[i] = 1;
  const pruned = part.subset(keep, optional);
  keep.forEach((original, j) => {
    const end = windowEnd.get(original);
    if (end !== undefined) pruned.returnAt[j] = end;
  });
  return pruned;
}
