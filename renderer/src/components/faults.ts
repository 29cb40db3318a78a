/**
 * The faults in force, read from what the supervisor reports (node lifecycles, skews,
 * link states): the bar lists them until healed, the topology badges them. Cuts in both
 * directions between two nodes are one entry.
 */
import type { LinkState, PanelNode } from '../../../core/protocol/panel';

export type ActiveFault =
  | { readonly kind: 'killed' | 'paused'; readonly node: string }
  | { readonly kind: 'skew'; readonly node: string; readonly ms: number }
  | { readonly kind: 'cut'; readonly a: string; readonly b: string; readonly oneWay: boolean }
  | { readonly kind: 'lossy'; readonly from: string; readonly to: string; readonly percent: number }
  | { readonly kind: 'slow'; readonly from: string; readonly to: string; readonly ms: number }
  | { readonly kind: 'duplicate' | 'reorder'; readonly from: string; readonly to: string; readonly percent: number };

export function activeFaults(nodes: readonly PanelNode[], links: readonly LinkState[]): ActiveFault[] {
  const out: ActiveFault[] = [];
  for (const n of nodes) {
    if (n.lifecycle === 'killed' || n.lifecycle === 'exited') out.push({ kind: 'killed', node: n.id });
    if (n.lifecycle === 'paused') out.push({ kind: 'paused', node: n.id });
    if (n.skewMs !== 0) out.push({ kind: 'skew', node: n.id, ms: n.skewMs });
  }
  const cut = new Set(links.filter((l) => l.cut).map((l) => `${l.from}>${l.to}`));
  const seen = new Set<string>();
  for (const l of links) {
    if (l.cut) {
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
