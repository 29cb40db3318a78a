/**
 * What the panel learns from a node's messages and log entries: the slot, ballot and
 * transaction a message concerns, and a few words for a log value. Read-only peeks into
 * bodies the protocol already validated; anything unexpected is simply left out.
 */
import type { Ballot } from '../protocol/panel';

export interface MessageFacts {
  slot?: number;
  ballot?: Ballot;
  txn?: string;
}

function isBallot(x: unknown): x is Ballot {
  return typeof x === 'object' && x !== null && typeof (x as Ballot).round === 'number' && typeof (x as Ballot).node === 'string';
}

export function messageFacts(body: unknown): MessageFacts {
  if (typeof body !== 'object' || body === null) return {};
  const b = body as { slot?: unknown; fromSlot?: unknown; ballot?: unknown; txn?: unknown };
  const facts: MessageFacts = {};
  const slot = typeof b.slot === 'number' ? b.slot : typeof b.fromSlot === 'number' ? b.fromSlot : undefined;
  if (slot !== undefined) facts.slot = slot;
  if (isBallot(b.ballot)) facts.ballot = { round: b.ballot.round, node: b.ballot.node };
  if (typeof b.txn === 'string') facts.txn = b.txn;
  return facts;
}

/** "noop", or the service, command type and its lock/key, e.g. "locks acquire lock0 (run1-c2)". */
export function logValueSummary(value: unknown): string {
  const v = value as { kind?: string; command?: { client?: unknown; op?: { service?: unknown; cmd?: unknown } } } | undefined;
  if (v?.kind === 'noop') return 'noop';
  const op = v?.command?.op;
  if (!op || typeof op.service !== 'string') return 'command';
  const cmd = (op.cmd ?? {}) as { type?: unknown; op?: unknown; lock?: unknown; key?: unknown; node?: unknown; owner?: unknown };
  const parts = [op.service];
  const kind = typeof cmd.type === 'string' ? cmd.type : typeof cmd.op === 'string' ? cmd.op : undefined;
  if (kind) parts.push(kind);
  for (const x of [cmd.lock, cmd.key, cmd.node]) if (typeof x === 'string') parts.push(x);
  if (typeof cmd.owner === 'string') parts.push(`(${cmd.owner})`);
  return parts.join(' ').slice(0, 120);
}
