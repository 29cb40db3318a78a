/**
 * Where a cluster keeps its files. A folder the user named is theirs: it is created if
 * missing and always left in place. Without a name, a fresh folder is made under the
 * system temp folder, and dispose() removes it with everything in it, so a stopped
 * `faultline up` (or a Lab's cluster) leaves nothing behind.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export interface DataDir {
  /** Absolute path of the folder. */
  readonly path: string;
  /** True when this folder was made here and is removed by dispose(). */
  readonly temporary: boolean;
  /** Removes a temporary folder (idempotent); does nothing for a named one. */
  dispose(): Promise<void>;
}

export async function createDataDir(named?: string, prefix = 'faultline-'): Promise<DataDir> {
  if (named !== undefined && named !== '') {
    const path = resolve(named);
    await mkdir(path, { recursive: true });
    return { path, temporary: false, dispose: async () => {} };
  }
  const path = await mkdtemp(join(tmpdir(), prefix));
  let removed: Promise<void> | undefined;
  return {
    path,
    temporary: true,
    dispose: () => (removed ??= rm(path, { recursive: true, force: true, maxRetries: 3 })),
  };
}
