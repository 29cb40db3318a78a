/**
 * The membership list as a ReplicatedService. Deterministic: the state is the initial
 * configuration plus the logged commands, and the list is kept sorted by id, so the order
 * commands arrived in never shows (two nodes that applied the same prefix agree exactly).
 */
import type { NodeId, ReplicatedService } from '../common/types';
import { unreachable } from '../common/unreachable';
import type {
  Member,
  MembershipCommand,
  MembershipErrorCode,
  MembershipOptions,
  MembershipResult,
  MembershipView,
} from './types';

const MAX_ID_LENGTH = 128;
const COMMAND_TYPES: ReadonlySet<string> = new Set<MembershipCommand['type']>(['join', 'leave', 'view']);

function fail(code: MembershipErrorCode, message: string): MembershipResult {
  return { ok: false, code, message };
}

function compareIds(a: NodeId, b: NodeId): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export class MembershipService implements ReplicatedService<MembershipCommand, MembershipResult> {
  private readonly members = new Map<NodeId, Member>();
  private epoch = 0;
  private changedAt = 0;
  private readonly maxMembers: number;
  private readonly maxWeight: number;

  constructor(options: MembershipOptions = {}) {
    this.maxMembers = options.maxMembers ?? 64;
    this.maxWeight = options.maxWeight ?? 100;
    for (const m of options.initial ?? []) {
      const weight = m.weight ?? 1;
      const problem = this.checkNode(m.id) ?? this.checkWeight(weight);
      if (problem) throw new Error(`initial membership: ${problem}`);
      if (this.members.has(m.id)) throw new Error(`initial membership lists ${JSON.stringify(m.id)} twice`);
      this.members.set(m.id, { id: m.id, weight, joinedAt: 0 });
    }
    if (this.members.size > this.maxMembers) {
      throw new Error(`initial membership has ${this.members.size} members; the bound is ${this.maxMembers}`);
    }
  }

  apply(command: MembershipCommand, index: number): MembershipResult {
    if (!COMMAND_TYPES.has(command.type)) {
      return fail('INVALID_ARGUMENT', `unknown membership command ${JSON.stringify(command.type)}; expected join, leave or view`);
    }
    if (command.type === 'view') return { ok: true, kind: 'view', view: this.view() };
    const problem = this.checkNode(command.node);
    if (problem) return fail('INVALID_ARGUMENT', problem);
    if (command.expectedEpoch !== undefined && command.expectedEpoch !== this.epoch) {
      return fail(
        'EPOCH_MISMATCH',
        `${command.type} of ${command.node} expected epoch ${command.expectedEpoch}, but membership is at epoch ${this.epoch}; re-read the view and retry`,
      );
    }
    switch (command.type) {
      case 'join':
        return this.join(command.node, command.weight ?? 1, index);
      case 'leave':
        return this.leave(command.node, index);
      default:
        return unreachable(command, 'membership command');
    }
  }

  queryLocal(command: MembershipCommand): MembershipResult {
    if (command.type !== 'view') {
      return fail('INVALID_ARGUMENT', `only "view" can be answered from local state, got "${command.type}"; propose it through the log`);
    }
    return { ok: true, kind: 'view', view: this.view() };
  }

  view(): MembershipView {
    const members = [...this.members.values()].sort((a, b) => compareIds(a.id, b.id)).map((m) => ({ ...m }));
    return { epoch: this.epoch, members, changedAt: this.changedAt };
  }

  /** +1 per change; cheaper than view() for "did anything change?". */
  get currentEpoch(): number {
    return this.epoch;
  }

  has(node: NodeId): boolean {
    return this.members.has(node);
  }

  /** The replicated state (log compaction): the view is all of it. */
  snapshotState(): MembershipView {
    return this.view();
  }

  restoreSnapshot(state: unknown): void {
    const view = state as Partial<MembershipView> | null;
    if (typeof view !== 'object' || view === null || !Array.isArray(view.members) || typeof view.epoch !== 'number' || typeof view.changedAt !== 'number') {
      throw new Error(`membership snapshot must be a view {epoch, members, changedAt}, got ${JSON.stringify(state)}`);
    }
    this.members.clear();
    for (const m of view.members) this.members.set(m.id, { id: m.id, weight: m.weight, joinedAt: m.joinedAt });
    this.epoch = view.epoch;
    this.changedAt = view.changedAt;
  }

  private join(node: NodeId, weight: number, index: number): MembershipResult {
    const problem = this.checkWeight(weight);
    if (problem) return fail('INVALID_ARGUMENT', problem);
    const existing = this.members.get(node);
    if (existing) {
      if (existing.weight === weight) return { ok: true, kind: 'unchanged', node, view: this.view() };
      this.members.set(node, { ...existing, weight });
      this.bump(index);
      return { ok: true, kind: 'reweighted', node, view: this.view() };
    }
    if (this.members.size >= this.maxMembers) {
      return fail('TOO_MANY_MEMBERS', `cannot add ${node}: the cluster already has ${this.members.size} members (the bound is ${this.maxMembers})`);
    }
    this.members.set(node, { id: node, weight, joinedAt: index });
    this.bump(index);
    return { ok: true, kind: 'joined', node, view: this.view() };
  }

  private leave(node: NodeId, index: number): MembershipResult {
    if (!this.members.has(node)) return { ok: true, kind: 'unchanged', node, view: this.view() };
    if (this.members.size === 1) {
      return fail('LAST_MEMBER', `${node} is the last member; a ring without members owns no key, so it cannot leave`);
    }
    this.members.delete(node);
    this.bump(index);
    return { ok: true, kind: 'left', node, view: this.view() };
  }

  private bump(index: number): void {
    this.epoch += 1;
    this.changedAt = index;
  }

  private checkNode(node: unknown): string | undefined {
    if (typeof node !== 'string' || node.length === 0 || node.length > MAX_ID_LENGTH) {
      return `node id must be a string of 1..${MAX_ID_LENGTH} characters, got ${JSON.stringify(node)}`;
    }
    return undefined;
  }

  private checkWeight(weight: unknown): string | undefined {
    if (typeof weight !== 'number' || !Number.isFinite(weight) || weight <= 0 || weight > this.maxWeight) {
      return `weight must be a number in (0, ${this.maxWeight}], got ${JSON.stringify(weight)}`;
    }
    return undefined;
  }
}
