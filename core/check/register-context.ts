/**
 * The operations around a register violation, for people: every operation of the key the
 * evidence is about, in the same shape as the evidence's own operations, so a drawing can
 * show the violation among everything that happened to that key (Porcupine draws the whole
 * partition the same way). The checker's evidence stays the smallest set that proves the
 * violation; this is only added where something is drawn (`check --html`, the panel).
 */
import { operationEvidence, type OperationEvidence } from './explain';
import { pairOperations, type HistoryOp } from './history';

/** Operations of `key`, at most `limit`, the nearest to history position `around` first, returned in history order. */
export function registerKeyContext(ops: readonly HistoryOp[], key: string, around: number, limit: number): OperationEvidence[] {
  // Paired over the whole history: a completion line need not repeat the key.
  const mine = pairOperations(ops).filter((op) => op.key === key);
  const nearest = [...mine].sort((a, b) => Math.abs(a.invoke.index - around) - Math.abs(b.invoke.index - around) || a.invoke.index - b.invoke.index);
  return nearest
    .slice(0, Math.max(0, limit))
    .sort((a, b) => a.invoke.index - b.invoke.index)
    .map((op) => operationEvidence(op, op.f === 'read' ? op.complete?.value : op.invoke.value));
}

/** The verdict with `context` added to register evidence that names a key; anything else as it is. */
export function withRegisterContext<V extends { valid: unknown; model: string; evidence?: unknown }>(verdict: V, ops: readonly HistoryOp[], limit: number): V {
  const e = verdict.evidence;
  if (verdict.valid !== false || verdict.model !== 'register' || typeof e !== 'object' || e === null) return verdict;
  const { key, stuckAt } = e as { key?: unknown; stuckAt?: { invokeIndex?: unknown } };
  if (typeof key !== 'string') return verdict;
  const around = typeof stuckAt?.invokeIndex === 'number' ? stuckAt.invokeIndex : 0;
  return { ...verdict, evidence: { ...e, context: registerKeyContext(ops, key, around, limit) } };
}
