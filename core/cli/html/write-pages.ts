/**
 * Where `faultline check --html OUT` puts its pages: OUT itself for one history (inside it,
 * when OUT is an existing folder), or one page per history in the folder OUT, named after
 * the history file (h.jsonl -> h.html; a second h.jsonl from another folder -> h-2.html).
 */
import { statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { renderEvidencePage, type EvidencePageInput } from './evidence-page';

function pageName(file: string): string {
  const base = basename(file);
  const ext = extname(base);
  return `${ext ? base.slice(0, -ext.length) : base}.html`;
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The page path of each history file, in order (a file named twice gets one page). */
export function pagePaths(out: string, files: readonly string[]): Map<string, string> {
  const paths = new Map<string, string>();
  const unique = [...new Set(files)];
  if (unique.length === 1 && !isFolder(out)) {
    paths.set(unique[0] as string, out);
    return paths;
  }
  const taken = new Set<string>();
  for (const file of unique) {
    const name = pageName(file);
    let candidate = name;
    for (let i = 2; taken.has(candidate); i++) candidate = `${name.slice(0, -'.html'.length)}-${i}.html`;
    taken.add(candidate);
    paths.set(file, join(out, candidate));
  }
  return paths;
}

/** Writes one verdict's page (making its folder if needed). */
export async function writeEvidencePage(path: string, input: EvidencePageInput): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, renderEvidencePage(input), 'utf8');
}
