/**
 * Merges the views' message files under their namespaces. Pure (no import.meta.glob), so a
 * test can run it on the same modules and check that both languages have the same keys.
 */
import type { MessageTree } from './compile';
import { LANGUAGES, type Language, type ViewMessages } from './types';

/** `../views/Locks/i18n.ts` → `locks`. */
export function namespaceOf(path: string): string {
  const m = /\/views\/([^/]+)\/i18n\.ts$/.exec(path);
  if (!m) throw new Error(`not a view message file: ${path}`);
  const folder = m[1] as string;
  return folder.charAt(0).toLowerCase() + folder.slice(1);
}

export function mergeMessages(
  common: ViewMessages,
  views: Record<string, { default: ViewMessages }>,
): Record<Language, Record<string, MessageTree>> {
  const out = Object.fromEntries(LANGUAGES.map((l) => [l, { common: common[l] }])) as unknown as Record<Language, Record<string, MessageTree>>;
  for (const [path, mod] of Object.entries(views)) {
    const ns = namespaceOf(path);
    for (const lang of LANGUAGES) {
      const tree = mod.default?.[lang];
      if (tree === undefined) throw new Error(`${path} has no '${lang}' messages`);
      out[lang][ns] = tree;
    }
  }
  return out;
}

/** Every leaf key of a tree, dotted (`locks.holder`), sorted. */
export function leafKeys(tree: MessageTree, prefix = ''): string[] {
  const keys: string[] = [];
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') keys.push(key);
    else keys.push(...leafKeys(v, key));
  }
  return keys.sort();
}
