/**
 * The faults in force, read from what the supervisor reports (node lifecycles, skews,
 * link states): the bar lists them until healed, the topology badges them. Cuts in both
 * directions between two nodes are one entry.
 */
import type { LinkState, PanelNode } from '../../../core/protocol/panel';
import { byNodeOrder, partitionGroups } from './partitions';
import { unreachable } from './unreachable';

/** More cut pairs than this read as a partition (its groups), not as a list of links. */
const CUTS_LISTED = 2;

export type ActiveFault =
  | { readonly kind: 'killed'; readonly node: string }
  /** `control`: the node froze itself (no SIGSTOP on Windows); `signal`: SIGSTOP. */
  | { readonly kind: 'paused'; readonly node: string; readonly how?: 'signal' | 'control' }
  | { readonly kind: 'skew'; readonly node: string; readonly ms: number }
  | { readonly kind: 'cut'; readonly a: string; readonly b: string; readonly oneWay: boolean }
  | { readonly kind: 'partition'; readonly groups: readonly (readonly string[])[] }
  | { readonly kind: 'lossy'; readonly from: string; readonly to: string; readonly percent: number }
  | { readonly kind: 'slow'; readonly from: string; readonly to: string; readonly ms: number }
  | { readonly kind: 'duplicate' | 'reorder'; readonly from: string; readonly to: string; readonly percent: number };

export function activeFaults(nodes: readonly PanelNode[], links: readonly LinkState[]): ActiveFault[] {
  const out: ActiveFault[] = [];
  for (const n of nodes) {
    if (n.lifecycle === 'killed' || n.lifecycle === 'exited') out.push({ kind: 'killed', node: n.id });
    if (n.lifecycle === 'paused') out.push(n.pauseKind === 'control' ? { kind: 'paused', node: n.id, how: 'control' } : { kind: 'paused', node: n.id });
    if (n.skewMs !== 0) out.push({ kind: 'skew', node: n.id, ms: n.skewMs });
  }
  const cut = new Set(links.filter((l) => l.cut).map((l) => `${l.from}>${l.to}`));
  const seen = new Set<string>();
  const pairCount = new Set(links.filter((l) => l.cut).map((l) => [l.from, l.to].sort().join('|'))).size;
  const groups = partitionGroups(nodes.map((n) => n.id).sort(byNodeOrder), links);
  const asPartition = pairCount > CUTS_LISTED && groups.length > 1;
  if (asPartition) out.push({ kind: 'partition', groups });
  for (const l of links) {
    if (l.cut && !asPartition) {
      const [a, b] = [l.from, l.to].sort() as [string, string];
      const key = `${a}|${b}`;
      if (!seen.has(key)) {
        seen.add(key);
        const both = cut.has(`${l.to}>${l.from}`);
        out.push(both ? { kind: 'cut', a, b, oneWay: false } : { kind: 'cut', a: l.from, b: l.to, oneWay: true });
      }
    }
    if (l.drop) out.push({ kind: 'lossy', from: l.from, to: l.to, percent: Math.round(l.drop * 100) });
    if (l.delayMs) out.push({ kind: 'slow', from: l.from, to: l.to, ms: l.delayMs });
    if (l.duplicate) out.push({ kind: 'duplicate', from: l.from, to: l.to, percent: Math.round(l.duplicate * 100) });
    if (l.reorder) out.push({ kind: 'reorder', from: l.from, to: l.to, percent: Math.round(l.reorder * 100) });
  }
  return out;
}

type Translate = (key: string, named: Record<string, unknown>) => string;

/** The fault in words (`common.fault.*`), as the bar's chips and the node detail say it. */
export function faultText(f: ActiveFault, t: Translate): string {
  switch (f.kind) {
    case 'killed':
      return t('common.fault.killed', { node: f.node });
    case 'paused':
      return t(f.how === 'control' ? 'common.fault.pausedControl' : 'common.fault.paused', { node: f.node });
    case 'skew':
      return t('common.fault.skew', { node: f.node, ms: f.ms > 0 ? `+${f.ms}` : String(f.ms) });
    case 'cut':
      return t(f.oneWay ? 'common.fault.cutOneWay' : 'common.fault.cut', { a: f.a, b: f.b });
    case 'partition':
      return t('common.fault.partition', { groups: f.groups.map((g) => g.join(' ')).join(' ✂ ') });
    case 'lossy':
    case 'duplicate':
    case 'reorder':
      return t(`common.fault.${f.kind}`, { from: f.from, to: f.to, percent: f.percent });
    case 'slow':
      return t('common.fault.slow', { from: f.from, to: f.to, ms: f.ms });
    default:
      return unreachable(f);
  }
}

/** Whether the fault concerns the node (on it, or on a link to or from it). */
export function faultTouches(f: ActiveFault, node: string): boolean {
  if ('node' in f) return f.node === node;
  if ('groups' in f) return f.groups.some((g) => g.includes(node));
  if ('a' in f) return f.a === node || f.b === node;
  return f.from === node || f.to === node;
}
