/**
 * Consistency models and the anomalies each one forbids, for the list-append checker.
 * The structure follows Elle's (after Adya's thesis, Cerone and Gotsman's analysis of
 * snapshot isolation, and Bailis et al.): a small graph of models where an edge a -> b
 * means "a history satisfying a satisfies b", a table of the anomalies each model
 * forbids beyond the weaker models it implies, and a graph of anomalies where x -> y
 * means "finding x is also finding y" (G0 is a G1c; a G-single is a G-nonadjacent; a
 * plain cycle is also its -process and -realtime form). From these come
 *   - which anomalies a model forbids (everything that implies one it forbids), and
 *   - which models a set of anomalies rules out, and the weakest of them (Elle's "not").
 *
 * Every anti-dependency this checker infers is between transactions on one key (an item,
 * not a predicate), so its G-single and G-nonadjacent are Elle's -item forms, which are
 * G2-item too: a G-single rules out repeatable read as well as consistent view.
 */

export const CONSISTENCY_MODELS = [
  'read-uncommitted',
  'read-committed',
  'read-atomic',
  'consistent-view',
  'repeatable-read',
  'snapshot-isolation',
  'serializable',
  'strong-session-read-uncommitted',
  'strong-session-read-committed',
  'strong-session-snapshot-isolation',
  'strong-session-serializable',
  'strong-read-uncommitted',
  'strong-read-committed',
  'strong-snapshot-isolation',
  'strict-serializable',
] as const;
export type ConsistencyModel = (typeof CONSISTENCY_MODELS)[number];

export const DEFAULT_CONSISTENCY: ConsistencyModel = 'serializable';

export function isConsistencyModel(s: string): s is ConsistencyModel {
  return (CONSISTENCY_MODELS as readonly string[]).includes(s);
}

/** a -> the models a directly implies (weaker ones). */
const IMPLIES: Record<ConsistencyModel, readonly ConsistencyModel[]> = {
  'read-uncommitted': [],
  'read-committed': ['read-uncommitted'],
  // Through monotonic atomic view (Bailis; Cerone et al.).
  'read-atomic': ['read-committed'],
  'consistent-view': ['read-committed'],
  'repeatable-read': ['read-committed'],
  'snapshot-isolation': ['consistent-view', 'read-atomic'],
  serializable: ['repeatable-read', 'snapshot-isolation'],
  'strong-session-read-uncommitted': ['read-uncommitted'],
  'strong-session-read-committed': ['read-committed', 'strong-session-read-uncommitted'],
  'strong-session-snapshot-isolation': ['snapshot-isolation', 'strong-session-read-committed'],
  'strong-session-serializable': ['serializable', 'strong-session-snapshot-isolation'],
  'strong-read-uncommitted': ['strong-session-read-uncommitted'],
  'strong-read-committed': ['strong-session-read-committed', 'strong-read-uncommitted'],
  'strong-snapshot-isolation': ['strong-session-snapshot-isolation', 'strong-read-committed'],
  'strict-serializable': ['serializable', 'strong-snapshot-isolation', 'strong-session-serializable'],
};

/** What each model forbids on top of the models it implies. */
const FORBIDS: Record<ConsistencyModel, readonly string[]> = {
  'read-uncommitted': ['G0', 'duplicate-elements', 'PL-1-cycle-exists'],
  'read-committed': ['G1', 'PL-2-cycle-exists'],
  'read-atomic': ['internal', 'G1a', 'future-read'],
  'consistent-view': ['G1', 'G-single'],
  'repeatable-read': ['G1', 'G2-item'],
  'snapshot-isolation': ['internal', 'G1', 'G-nonadjacent'],
  serializable: ['internal', 'G1', 'G2', 'PL-3-cycle-exists'],
  'strong-session-read-uncommitted': ['G0-process'],
  'strong-session-read-committed': ['G1c-process'],
  'strong-session-snapshot-isolation': ['internal', 'G1-process', 'G-nonadjacent-process'],
  'strong-session-serializable': ['G1-process', 'G2-process', 'strong-session-serializable-cycle-exists'],
  'strong-read-uncommitted': ['G0-realtime'],
  'strong-read-committed': ['G1c-realtime'],
  'strong-snapshot-isolation': ['internal', 'G1-realtime', 'G-nonadjacent-realtime'],
  'strict-serializable': ['G1', 'G1c-realtime', 'G2-realtime', 'PL-SS-cycle-exists'],
};

/** x -> anomalies finding x also finds. */
const ANOMALY_IMPLIES: Record<string, readonly string[]> = {
  G0: ['G1c', 'G0-process'],
  'G0-process': ['G1c-process', 'G0-realtime'],
  'G0-realtime': ['G1c-realtime'],
  G1a: ['G1'],
  G1b: ['G1'],
  G1c: ['G1', 'G1c-process'],
  'G1c-process': ['G1c-realtime', 'G1-process'],
  'G1c-realtime': ['G1-realtime'],
  G1: ['G1-process'],
  'G1-process': ['G1-realtime'],
  'G-single': ['G-nonadjacent', 'G2-item', 'G-single-process'],
  'G-single-process': ['G-nonadjacent-process', 'G2-item-process', 'G-single-realtime'],
  'G-single-realtime': ['G-nonadjacent-realtime', 'G2-item-realtime'],
  'G-nonadjacent': ['G2-item', 'G2', 'G-nonadjacent-process'],
  'G-nonadjacent-process': ['G2-item-process', 'G2-process', 'G-nonadjacent-realtime'],
  'G-nonadjacent-realtime': ['G2-item-realtime', 'G2-realtime'],
  'G2-item': ['G2', 'G2-item-process'],
  'G2-item-process': ['G2-process', 'G2-item-realtime'],
  'G2-item-realtime': ['G2-realtime'],
  G2: ['G2-process'],
  'G2-process': ['G2-realtime'],
  // Two reads no single order of appends explains: one of them saw a state that never was.
  'incompatible-order': ['G1a'],
  // A read of a value nobody appended: it cannot have come from a committed write.
  'garbage-read': ['G1a'],
  // A committed write on top of an uncommitted one: Elle files it with the aborted reads.
  'dirty-update': ['G1a'],
  // Reading one's own later append: a cycle T -wr-> T in all but name (Elle: G1c).
  'future-read': ['G1c'],
  'PL-1-cycle-exists': ['PL-2-cycle-exists'],
  'PL-2-cycle-exists': ['PL-3-cycle-exists'],
  'PL-3-cycle-exists': ['strong-session-serializable-cycle-exists'],
  'strong-session-serializable-cycle-exists': ['PL-SS-cycle-exists'],
};

function closure<T extends string>(start: Iterable<T>, next: (x: T) => readonly T[]): Set<T> {
  const seen = new Set<T>(start);
  const work = [...seen];
  while (work.length > 0) {
    for (const n of next(work.pop()!)) {
      if (!seen.has(n)) {
        seen.add(n);
        work.push(n);
      }
    }
  }
  return seen;
}

/** Every anomaly the given one implies, itself included. */
export function impliedAnomalies(anomaly: string): Set<string> {
  return closure([anomaly], (a) => ANOMALY_IMPLIES[a] ?? []);
}

const prohibitedCache = new Map<ConsistencyModel, Set<string>>();

/** The anomalies whose presence means `model` does not hold. */
export function prohibitedBy(model: ConsistencyModel): ReadonlySet<string> {
  let set = prohibitedCache.get(model);
  if (!set) {
    const direct = new Set([...closure([model], (m) => IMPLIES[m])].flatMap((m) => FORBIDS[m]));
    // An anomaly is prohibited when it, or anything it implies, is forbidden directly.
    const all = new Set([...Object.keys(ANOMALY_IMPLIES), ...Object.values(ANOMALY_IMPLIES).flat(), 'internal', 'duplicate-elements']);
    set = new Set([...all].filter((a) => [...impliedAnomalies(a)].some((x) => direct.has(x))));
    prohibitedCache.set(model, set);
  }
  return set;
}

/** Models the given anomalies rule out: `not` the weakest of them, `alsoNot` the rest. */
export function boundary(anomalies: Iterable<string>): { not: ConsistencyModel[]; alsoNot: ConsistencyModel[] } {
  const list = [...anomalies];
  const impossible = CONSISTENCY_MODELS.filter((m) => list.some((a) => prohibitedBy(m).has(a)));
  const impossibleSet = new Set(impossible);
  // The weakest: impossible models that imply no other impossible model.
  const weakest = impossible.filter((m) => ![...closure([m], (x) => IMPLIES[x])].some((w) => w !== m && impossibleSet.has(w)));
  return { not: weakest, alsoNot: impossible.filter((m) => !weakest.includes(m)) };
}

/** Which extra orders a model needs besides the data dependencies. */
export function extraOrders(model: ConsistencyModel): { realtime: boolean; process: boolean } {
  const p = prohibitedBy(model);
  return { realtime: p.has('G0-realtime') || p.has('G2-realtime') || p.has('G1c-realtime'), process: p.has('G0-process') || p.has('G1c-process') || p.has('G2-process') };
}
