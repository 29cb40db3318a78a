/**
 * Bytes a node keeps on disk: every file under its data folder (the durable log, its
 * compaction's rewrite, snapshots), as the monitor shows beside CPU and memory. Files that
 * vanish while being counted (a compaction renaming its new log into place) are skipped.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

export async function diskUsage(dir: string): Promise<number> {
  let entries;
  try {
    entries = await readdir(dir, { recursive: true, withFileTypes: true });
  } catch {
    return 0; // not created yet, or removed with its cluster
  }
  const sizes = await Promise.all(
    entries
      .filter((e) => e.isFile())
      .map((e) =>
        stat(join(e.parentPath, e.name)).then(
          (s) => s.size,
          () => 0,
        ),
      ),
  );
  return sizes.reduce((a, b) => a + b, 0);
}
