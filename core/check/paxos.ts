/**
 * Multi-Paxos safety from observations (what nodes learned and applied, what clients
 * proposed), across restarts:
 *   AGREEMENT  no slot is learned with two different values, on any nodes or incarnations;
 *   VALIDITY   every learned value that is not a no-op was proposed by someone;
 *   PREFIX     the applied sequences of all nodes are prefixes of one another.
 * Values are compared by canonical JSON. A learned value may be a Paxos LogValue
 * ({kind:'cmd', command} / {kind:'noop'}) or a bare command; `proposed` may list either.
 */
import type { NodeId } from '../algorithms/common/types';
import { canonicalJson } from './canonical';
import { showValue } from './explain';
import { invalidVerdict, validVerdict, type Verdict } from './verdict';

export interface PaxosObservations {
  learned: { node: NodeId; slot: number; value: unknown }[];
  /** Every value ever proposed, no-ops excluded. */
  proposed: unknown[];
  /** The sequence each node applied, in order. */
  applied: Record<NodeId, unknown[]>;
}

export type PaxosViolation =
  | { code: 'AGREEMENT'; slot: number; nodes: [NodeId, NodeId]; values: [unknown, unknown]; explanation: string }
  | { code: 'VALIDITY'; slot: number; nodes: [NodeId]; values: [unknown]; explanation: string }
  | { code: 'PREFIX'; position: number; nodes: [NodeId, NodeId]; values: [unknown, unknown]; explanation: string };

const MODEL = 'paxos';

function isNoop(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'noop';
}

/** The texts under which a value counts as proposed: itself, and the command inside a LogValue. */
function proposalForms(value: unknown): string[] {
  const forms = [canonicalJson(value)];
  if (typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'cmd') {
    const command = (value as { command?: unknown }).command;
    forms.push(canonicalJson(command));
    if (typeof command === 'object' && command !== null && 'op' in command) forms.push(canonicalJson((command as { op: unknown }).op));
  }
  return forms;
}

export function findPaxosViolations(obs: PaxosObservations): PaxosViolation[] {
  const violations: PaxosViolation[] = [];
  const firstBySlot = new Map<number, { node: NodeId; value: unknown; text: string }>();
  const reportedSlots = new Set<number>();
  const proposed = new Set<string>();
  for (const p of obs.proposed) for (const form of proposalForms(p)) proposed.add(form);
  const invalidReported = new Set<string>();

  for (const l of obs.learned) {
    const text = canonicalJson(l.value);
    const first = firstBySlot.get(l.slot);
    if (!first) firstBySlot.set(l.slot, { node: l.node, value: l.value, text });
    else if (first.text !== text && !reportedSlots.has(l.slot)) {
      reportedSlots.add(l.slot);
      violations.push({
        code: 'AGREEMENT',
        slot: l.slot,
        nodes: [first.node, l.node],
        values: [first.value, l.value],
        explanation: `Slot ${l.slot} was learned as ${showValue(first.value)} on ${first.node} but as ${showValue(l.value)} on ${l.node}: two nodes (or one node before and after a restart) disagree about the log.`,
      });
    }
    if (!isNoop(l.value) && !proposalForms(l.value).some((f) => proposed.has(f)) && !invalidReported.has(`${l.slot}|${text}`)) {
      invalidReported.add(`${l.slot}|${text}`);
      violations.push({
        code: 'VALIDITY',
        slot: l.slot,
        nodes: [l.node],
        values: [l.value],
        explanation: `${l.node} learned ${showValue(l.value)} in slot ${l.slot}, but no client ever proposed that value.`,
      });
    }
  }

  // Comparing every node with the longest sequence is enough: if all are prefixes of it,
  // all are prefixes of one another.
  const nodes = Object.keys(obs.applied).sort();
  let longest: NodeId | undefined;
  for (const n of nodes) if (longest === undefined || (obs.applied[n] as unknown[]).length > (obs.applied[longest] as unknown[]).length) longest = n;
  if (longest !== undefined) {
    const reference = (obs.applied[longest] as unknown[]).map(canonicalJson);
    for (const n of nodes) {
      if (n === longest) continue;
      const seq = obs.applied[n] as unknown[];
      const at = seq.findIndex((v, i) => canonicalJson(v) !== reference[i]);
      if (at >= 0) {
        const theirs = (obs.applied[longest] as unknown[])[at];
        violations.push({
          code: 'PREFIX',
          position: at,
          nodes: [longest, n],
          values: [theirs, seq[at]],
          explanation: `${n} applied ${showValue(seq[at])} as its command #${at + 1}, where ${longest} applied ${showValue(theirs)}: replicas that apply different logs end in different states.`,
        });
      }
    }
  }
  return violations;
}

export function checkPaxos(obs: PaxosObservations): Verdict {
  const violations = findPaxosViolations(obs);
  const stats = {
    learned: obs.learned.length,
    slots: new Set(obs.learned.map((l) => l.slot)).size,
    proposed: obs.proposed.length,
    nodes: Object.keys(obs.applied).length,
    violations: violations.length,
  };
  if (violations.length === 0) {
    return validVerdict(
      MODEL,
      `Paxos safety holds: ${stats.slots} slots each learned one value everywhere, every learned command was proposed, and every node applied a prefix of the same log.`,
      stats,
    );
  }
  const first = violations[0] as PaxosViolation;
  const more = violations.length > 1 ? ` (${violations.length - 1} more in the evidence)` : '';
  return invalidVerdict(MODEL, `${first.code}: ${first.explanation}${more}`, { violations }, stats);
}
