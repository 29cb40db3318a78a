/**
 * Lock safety (DESIGN.md lock model). Per lock (`key`): `acquire` completes ok with a
 * fencing token in `value`; `release` carries the token it gives back; leases may expire
 * at any moment, so holding is never assumed to last. Per fenced resource: `write` with
 * `value: {token, data}` completes ok when the resource accepted it.
 *
 * Violations, each with the two operations involved:
 *   DUPLICATE_TOKEN     two grants of one lock carry the same token;
 *   TOKEN_NOT_INCREASING a grant's token is not larger than that of a grant completed before
 *                       it was invoked (real-time order: the earlier grant certainly came first);
 *   RELEASE_BY_NON_HOLDER a release was accepted although a newer grant had completed before
 *                       it was invoked, or its token was already released, or never granted;
 *   STALE_WRITE_ACCEPTED a resource accepted a write whose token is lower than one it had
 *                       accepted in a write completed before this one was invoked.
 */
import { describeOperation, operationEvidence, showValue, type OperationEvidence } from './explain';
import { HistoryError, lineOf, pairOperations, type HistoryOp, type Operation } from './history';
import { invalidVerdict, validVerdict, type Verdict } from './verdict';

export type LockViolationCode = 'DUPLICATE_TOKEN' | 'TOKEN_NOT_INCREASING' | 'RELEASE_BY_NON_HOLDER' | 'STALE_WRITE_ACCEPTED';

export interface LockViolation {
  code: LockViolationCode;
  /** The lock or resource. */
  key: string | null;
  /** The earlier operation and the one that broke the rule (one when there is no other). */
  operations: OperationEvidence[];
  explanation: string;
}

const MODEL = 'lock';

interface Tokened {
  op: Operation;
  token: number;
  invokeAt: number;
  completeAt: number;
}

function tokenOf(op: Operation, raw: unknown, what: string): number {
  if (typeof raw === 'number' && Number.isFinite(raw)) return raw;
  // Some tools wrap the token: {"token": 7}.
  if (typeof raw === 'object' && raw !== null && typeof (raw as { token?: unknown }).token === 'number') {
    return (raw as { token: number }).token;
  }
  throw new HistoryError(lineOf(op.complete ?? op.invoke), `${what} must be a number (the fencing token), got ${JSON.stringify(raw) ?? 'nothing'}`);
}

function groupByKey<T extends { op: Operation }>(items: T[]): Map<string | undefined, T[]> {
  const m = new Map<string | undefined, T[]>();
  for (const item of items) {
    const list = m.get(item.op.key);
    if (list) list.push(item);
    else m.set(item.op.key, [item]);
  }
  return m;
}

/**
 * For each target in invoke order, the source with the highest token among those that
 * completed strictly before the target was invoked (a sweep over completions; O(n log n)).
 */
function* highestCompletedBefore(sources: Tokened[], targets: Tokened[] = sources): Generator<[Tokened, Tokened]> {
  const byInvoke = [...targets].sort((a, b) => a.invokeAt - b.invokeAt);
  const byComplete = [...sources].sort((a, b) => a.completeAt - b.completeAt);
  let best: Tokened | undefined;
  let j = 0;
  for (const item of byInvoke) {
    while (j < byComplete.length && (byComplete[j] as Tokened).completeAt < item.invokeAt) {
      const c = byComplete[j] as Tokened;
      if (!best || c.token > best.token) best = c;
      j++;
    }
    if (best) yield [best, item];
  }
}

function evidence(op: Operation): OperationEvidence {
  return operationEvidence(op, op.f === 'acquire' ? op.complete?.value : op.invoke.value);
}

export function findLockViolations(ops: HistoryOp[]): LockViolation[] {
  const operations = pairOperations(ops);
  const violations: LockViolation[] = [];
  const grants: Tokened[] = [];
  const releases: Tokened[] = [];
  const writes: Tokened[] = [];
  for (const op of operations) {
    if (op.outcome !== 'ok' || !op.complete) continue;
    const at = { invokeAt: op.invoke.index, completeAt: op.complete.index };
    if (op.f === 'acquire') grants.push({ op, token: tokenOf(op, op.complete.value, 'an ok acquire\'s "value"'), ...at });
    else if (op.f === 'release') releases.push({ op, token: tokenOf(op, op.invoke.value, 'a release\'s "value"'), ...at });
    else if (op.f === 'write') {
      const v = op.invoke.value;
      const token = typeof v === 'object' && v !== null ? (v as { token?: unknown }).token : undefined;
      writes.push({ op, token: tokenOf(op, token, 'a fenced write\'s "value.token"'), ...at });
    }
  }
  const add = (code: LockViolationCode, key: string | undefined, pair: Operation[], explanation: string): void => {
    violations.push({ code, key: key ?? null, operations: pair.map(evidence), explanation });
  };

  for (const [key, list] of groupByKey(grants)) {
    const byToken = new Map<number, Tokened>();
    for (const g of [...list].sort((a, b) => a.invokeAt - b.invokeAt)) {
      const first = byToken.get(g.token);
      if (first) {
        add('DUPLICATE_TOKEN', key, [first.op, g.op],
          `Two grants carry fencing token ${g.token}: ${describeOperation(first.op, 'acquire')} and ${describeOperation(g.op, 'acquire')}. A fenced resource cannot tell these holders apart.`);
      } else byToken.set(g.token, g);
    }
    for (const [earlier, later] of highestCompletedBefore(list)) {
      if (later.token < earlier.token) {
        add('TOKEN_NOT_INCREASING', key, [earlier.op, later.op],
          `${describeOperation(later.op, `acquire granted token ${later.token}`)}, but ${describeOperation(earlier.op, `acquire`)} had already been granted token ${earlier.token} before it started. Tokens must grow so a resource can refuse the older holder.`);
      }
    }
  }

  const grantsByKey = groupByKey(grants);
  for (const [key, list] of groupByKey(releases)) {
    const keyGrants = grantsByKey.get(key) ?? [];
    const grantOf = new Map(keyGrants.map((g) => [g.token, g] as const));
    const newest = new Map<Tokened, Tokened>(
      [...highestCompletedBefore(keyGrants, list)].map(([best, release]) => [release, best] as const),
    );
    const released = new Map<number, Tokened>();
    for (const r of [...list].sort((a, b) => a.invokeAt - b.invokeAt)) {
      const grant = grantOf.get(r.token);
      const newer = newest.get(r);
      const before = released.get(r.token);
      if (!grant) {
        add('RELEASE_BY_NON_HOLDER', key, [r.op],
          `${describeOperation(r.op, `release of token ${r.token}`)} was accepted, but no acquire of this lock was ever granted token ${r.token}.`);
      } else if (newer && newer.token > r.token) {
        add('RELEASE_BY_NON_HOLDER', key, [newer.op, r.op],
          `${describeOperation(r.op, `release of token ${r.token}`)} was accepted, but ${describeOperation(newer.op, 'acquire')} had already been granted token ${newer.token} before the release started, so token ${r.token} no longer held the lock.`);
      } else if (before && before.completeAt < r.invokeAt) {
        add('RELEASE_BY_NON_HOLDER', key, [before.op, r.op],
          `${describeOperation(r.op, `release of token ${r.token}`)} was accepted, but ${describeOperation(before.op, 'release')} had already released that token.`);
      }
      if (!before) released.set(r.token, r);
    }
  }

  for (const [key, list] of groupByKey(writes)) {
    for (const [earlier, later] of highestCompletedBefore(list)) {
      if (later.token < earlier.token) {
        add('STALE_WRITE_ACCEPTED', key, [earlier.op, later.op],
          `Resource ${showValue(key ?? null)} accepted ${describeOperation(later.op, `write with token ${later.token}`)} after it had accepted ${describeOperation(earlier.op, `write with token ${earlier.token}`)}: a holder whose lock had passed on was still allowed to write, so mutual exclusion broke where it matters.`);
      }
    }
  }
  return violations;
}

export function checkLocks(ops: HistoryOp[]): Verdict {
  const violations = findLockViolations(ops);
  const stats = { operations: Math.ceil(ops.length / 2), violations: violations.length };
  if (violations.length === 0) {
    return validVerdict(MODEL, 'Lock safety holds: every grant has a fresh, increasing fencing token, only holders released, and no resource accepted a stale token.', stats);
  }
  const first = violations[0] as LockViolation;
  const more = violations.length > 1 ? ` (${violations.length - 1} more violation${violations.length === 2 ? '' : 's'} in the evidence)` : '';
  return invalidVerdict(MODEL, `${first.code}: ${first.explanation}${more}`, { violations }, stats);
}
