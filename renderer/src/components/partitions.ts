/**
 * Partitions as the panel shows them: the connected components over links open in both
 * directions (a node alone behind cuts is its own group), largest first. The topology draws
 * one region per group; the bar names a partition instead of listing every cut link.
 */
import type { LinkState } from '../../../core/protocol/panel';

/** Groups of nodes that can talk both ways (a node alone behind cuts is its own group), largest first. */
export function partitionGroups(ids: readonly string[], links: readonly LinkState[]): string[][] {
  const cut = new Set(links.filter((l) => l.cut).map((l) => `${l.from}>${l.to}`));
  const open = (a: string, b: string) => !cut.has(`${a}>${b}`) && !cut.has(`${b}>${a}`);
  const seen = new Set<string>();
  const groups: string[][] = [];
  for (const start of ids) {
    if (seen.has(start)) continue;
    const group: string[] = [];
    const stack = [start];
    seen.add(start);
    while (stack.length > 0) {
      const n = stack.pop() as string;
      group.push(n);
      for (const m of ids) if (!seen.has(m) && open(n, m)) (seen.add(m), stack.push(m));
    }
    groups.push(group.sort(byNodeOrder));
  }
  return groups.sort((a, b) => b.length - a.length || byNodeOrder(a[0] as string, b[0] as string));
}

/** n2 before n10. */
export function byNodeOrder(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

