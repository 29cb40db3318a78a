/**
 * A linear-time pre-pass that catches the most common register violation without any
 * search: an operation that observed a value (a read's result, a successful cas's
 * expected value) when no operation producing that value had even been invoked before the
 * observer completed. A value can only be seen after some write of it took effect, and a
 * write takes effect after its invoke. The initial null needs no writer.
 *
 * This matters beyond speed: on a huge single-key history the exhaustive search needed
 * to prove a violation may not finish, while this proof is immediate.
 */
import { APPEND, CAS, READ, WRITE, type RegisterPartition } from './register-model';

export interface ImpossibleObservation {
  /** The operation that saw a value nobody could have produced in time. */
  observer: number;
  /** The earliest-invoked producer of that value, if any (it started too late). */
  producer: number | undefined;
}

export function findImpossibleObservation(part: RegisterPartition): ImpossibleObservation | undefined {
  const n = part.size;
  for (let i = 0; i < n; i++) if (part.kind[i] === APPEND) return undefined; // values are built, not written
  const firstProducer = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const k = part.kind[i];
    const produced = k === WRITE ? part.arg[i] : k === CAS ? part.arg2[i] : undefined;
    if (produced === undefined) continue;
    const seen = firstProducer.get(produced);
    if (seen === undefined || (part.invokeAt[i] as number) < (part.invokeAt[seen] as number)) firstProducer.set(produced, i);
  }
  for (let i = 0; i < n; i++) {
    const k = part.kind[i];
    // Only operations that certainly took effect observe anything.
    if (part.returnAt[i] === Infinity || part.optional[i] === 1) continue;
    if (k !== READ && k !== CAS) continue;
    const observed = part.arg[i] as number;
    if (observed === part.initialState) continue;
    const producer = firstProducer.get(observed);
    if (producer === undefined || (part.invokeAt[producer] as number) > (part.returnAt[i] as number)) {
      return { observer: i, producer };
    }
  }
  return undefined;
}

export interface StaleRead {
  reader: number;
  /** The writer of the value read that completed last (undefined: the initial null). */
  source: number | undefined;
  /** A write of another value that certainly took effect after every such writer and before the read. */
  overwrite: number;
}

/**
 * The classic stale read, proved without search: a read returned v although some write
 * of another value (W2, certainly effective: ok) was invoked after every write of v that
 * could precede the read had completed, and completed before the read was invoked. Then
 * every order puts all those writers of v before W2 and W2 before the read, so the read
 * could not see v. Unknown-outcome writers of v may take effect late, so they defeat the
 * proof (the search decides those cases).
 */
export function findStaleRead(part: RegisterPartition): StaleRead | undefined {
  const n = part.size;
  for (let i = 0; i < n; i++) if (part.kind[i] === APPEND) return undefined;
  const certain = (i: number): boolean => part.returnAt[i] !== Infinity && part.optional[i] === 0;
  const produced = (i: number): number | undefined => {
    const k = part.kind[i];
    return k === WRITE ? part.arg[i] : k === CAS ? part.arg2[i] : undefined;
  };
  // Writers of each value, by invoke, with the running maximum of their completions.
  const writers = new Map<number, { invoke: number[]; maxComplete: number[]; argMax: number[] }>();
  for (let i = 0; i < n; i++) {
    const v = produced(i);
    if (v === undefined) continue;
    let w = writers.get(v);
    if (!w) writers.set(v, (w = { invoke: [], maxComplete: [], argMax: [] }));
    const complete = part.optional[i] === 1 ? Infinity : (part.returnAt[i] as number);
    const last = w.maxComplete.length - 1;
    const better = last < 0 || complete > (w.maxComplete[last] as number);
    w.invoke.push(part.invokeAt[i] as number); // ops are in invoke order
    w.maxComplete.push(better ? complete : (w.maxComplete[last] as number));
    w.argMax.push(better ? i : (w.argMax[last] as number));
  }
  // Certain writes by completion, swept against reads by invoke.
  const effective: number[] = [];
  for (let i = 0; i < n; i++) if (produced(i) !== undefined && certain(i)) effective.push(i);
  effective.sort((a, b) => (part.returnAt[a] as number) - (part.returnAt[b] as number));
  const reads: number[] = [];
  for (let i = 0; i < n; i++) if (part.kind[i] === READ && certain(i)) reads.push(i);
  reads.sort((a, b) => (part.invokeAt[a] as number) - (part.invokeAt[b] as number));
  // The latest-invoked completed write, and the latest-invoked one of a different value.
  let best1 = -1;
  let best2 = -1;
  let j = 0;
  for (const r of reads) {
    const rInvoke = part.invokeAt[r] as number;
    while (j < effective.length && (part.returnAt[effective[j] as number] as number) < rInvoke) {
      const w = effective[j++] as number;
      const inv = part.invokeAt[w] as number;
      if (best1 < 0 || inv > (part.invokeAt[best1] as number)) {
        if (best1 >= 0 && produced(best1) !== produced(w)) best2 = best1;
        best1 = w;
      } else if (produced(w) !== produced(best1) && (best2 < 0 || inv > (part.invokeAt[best2] as number))) {
        best2 = w;
      }
    }
    const v = part.arg[r] as number;
    const overwrite = best1 >= 0 && produced(best1) !== v ? best1 : best2;
    if (overwrite < 0) continue;
    const overwriteInvoke = part.invokeAt[overwrite] as number;
    // Writers of v that could precede the read: invoked before it completed.
    let source: number | undefined;
    const w = writers.get(v);
    if (w) {
      const rComplete = part.returnAt[r] as number;
      let lo = 0;
      let hi = w.invoke.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((w.invoke[mid] as number) < rComplete) lo = mid + 1;
        else hi = mid;
      }
      if (lo > 0) {
        if ((w.maxComplete[lo - 1] as number) >= overwriteInvoke) continue;
        source = w.argMax[lo - 1] as number;
      }
    }
    if (source === undefined && v !== part.initialState) continue; // the impossible-observation pass covers it
    return { reader: r, source, overwrite };
  }
  return undefined;
}

export interface StaleAppendRead {
  reader: number;
  /** An append that certainly took effect before the read began and whose suffix the read lacks. */
  append: number;
}

/** Appends whose suffix each read is checked against (the latest completed before it began). */
const STALE_APPEND_CANDIDATES = 8;
/** Characters of read values the stale-append proof may scan in all (about 0.1 s). */
const STALE_APPEND_SCAN_CHARS = 200_000_000;

/**
 * The stale read of an append key, proved without search: an append A of suffix s certainly
 * took effect (ok) and completed before a read R began, so every order puts A before R.
 * After A the value contains s, and only a write or a successful cas can make it a value
 * without s (appends keep it as a prefix; reads and mismatching cas change nothing). If
 * no write or cas of the key, whatever its outcome, can sit between A and R (each completed
 * before A began or began after R completed), R must return a string containing s; a read
 * that returned something else is not linearizable. Only the appends completed last before
 * each read are tried (a bound, so a long append-only key stays linear; a stale read almost
 * always misses the newest appends); anything this misses is left to the search.
 */
export function findStaleAppendRead(part: RegisterPartition): StaleAppendRead | undefined {
  const n = part.size;
  const certain = (i: number): boolean => part.returnAt[i] !== Infinity && part.optional[i] === 0;
  const appends: number[] = [];
  const setters: number[] = [];
  const reads: number[] = [];
  for (let i = 0; i < n; i++) {
    const k = part.kind[i];
    if (k === APPEND && certain(i)) appends.push(i);
    else if (k === WRITE || k === CAS) setters.push(i);
    else if (k === READ && certain(i)) reads.push(i);
  }
  if (appends.length === 0 || reads.length === 0) return undefined;
  appends.sort((a, b) => (part.returnAt[a] as number) - (part.returnAt[b] as number));
  reads.sort((a, b) => (part.invokeAt[a] as number) - (part.invokeAt[b] as number));
  // Setters by invoke with the running maximum of their completions: the latest moment any
  // setter that could precede a read may still take effect.
  setters.sort((a, b) => (part.invokeAt[a] as number) - (part.invokeAt[b] as number));
  const setterInvoke = setters.map((i) => part.invokeAt[i] as number);
  const setterMaxReturn: number[] = [];
  let running = -Infinity;
  for (const i of setters) setterMaxReturn.push((running = Math.max(running, part.returnAt[i] as number)));
  let done = 0; // appends completed before the current read began: appends[0..done)
  // Substring tests over long values (a long append key) cost their length: past this
  // many characters in all, the proof gives up and leaves the key to the search.
  let budget = STALE_APPEND_SCAN_CHARS;
  for (const r of reads) {
    if (budget <= 0) return undefined;
    const rInvoke = part.invokeAt[r] as number;
    while (done < appends.length && (part.returnAt[appends[done] as number] as number) < rInvoke) done++;
    if (done === 0) continue;
    // Setters that could precede R: invoked before R completed.
    const rReturn = part.returnAt[r] as number;
    let lo = 0;
    let hi = setterInvoke.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((setterInvoke[mid] as number) < rReturn) lo = mid + 1;
      else hi = mid;
    }
    const lastSetter = lo === 0 ? -Infinity : (setterMaxReturn[lo - 1] as number);
    const value = part.values.values[part.arg[r] as number];
    for (let j = done - 1; j >= 0 && j >= done - STALE_APPEND_CANDIDATES; j--) {
      const a = appends[j] as number;
      // A setter that completed after A began may have taken effect after A.
      if ((part.invokeAt[a] as number) <= lastSetter) continue;
      const suffix = part.values.values[part.arg[a] as number] as string;
      if (suffix === '') continue;
      if (typeof value !== 'string') return { reader: r, append: a };
      budget -= value.length;
      if (!value.includes(suffix)) return { reader: r, append: a };
    }
  }
  return undefined;
}
