/**
 * The Paxos log as a grid (pure): a row per node, a column per slot, each cell what that
 * node holds for the slot (accepted, chosen, applied). A column is marked chosen once a
 * majority of the acceptors (the founding members) accepted it, or any node knows it
 * chosen: the moment its quorum forms is visible as the count reaching the majority.
 */
import type { Ballot, LogSlot, PanelNode } from '../../../../core/protocol/panel';

export type CellState = LogSlot['state'];

export interface GridCell {
  readonly state: CellState;
  readonly ballot?: Ballot;
  readonly summary: string;
}

export interface GridColumn {
  readonly slot: number;
  /** Acceptors holding a value for the slot (accepted, chosen or applied). */
  readonly acceptedBy: number;
  readonly chosen: boolean;
  /** A value is in the slot but no quorum yet. */
  readonly pending: boolean;
}

export interface PaxosGrid {
  readonly majority: number;
  readonly columns: readonly GridColumn[];
  readonly rows: readonly { readonly node: string; readonly cells: ReadonlyMap<number, GridCell> }[];
}

export function majorityOf(acceptors: number): number {
  return Math.floor(acceptors / 2) + 1;
}

export function paxosGrid(nodes: readonly PanelNode[], maxSlots: number): PaxosGrid {
  const founders = nodes.filter((n) => n.founder);
  const majority = majorityOf(Math.max(1, founders.length));
  const rows = nodes.map((n) => ({
    node: n.id,
    founder: n.founder,
    cells: new Map<number, GridCell>((n.status?.log ?? []).map((s) => [s.slot, cellOf(s)] as const)),
  }));
  const slots = new Set<number>();
  for (const r of rows) for (const s of r.cells.keys()) slots.add(s);
  const shown = [...slots].sort((a, b) => a - b).slice(-Math.max(1, maxSlots));
  const columns = shown.map((slot) => {
    let acceptedBy = 0;
    let known = false;
    for (const r of rows) {
      const c = r.cells.get(slot);
      if (!c) continue;
      if (r.founder) acceptedBy++;
      if (c.state !== 'accepted') known = true;
    }
    const chosen = known || acceptedBy >= majority;
    return { slot, acceptedBy, chosen, pending: !chosen && acceptedBy > 0 };
  });
  return { majority, columns, rows: rows.map(({ node, cells }) => ({ node, cells })) };
}

function cellOf(s: LogSlot): GridCell {
  return s.ballot ? { state: s.state, ballot: s.ballot, summary: s.summary } : { state: s.state, summary: s.summary };
}

/** "3.n2": round then proposer, as the panel writes ballots everywhere. */
export function ballotText(b: Ballot | null | undefined): string {
  return b ? `${b.round}.${b.node}` : '–';
}
