/**
 * `npm start` where Electron's binary is absent: the launcher (scripts/start.mjs, what the
 * start script runs) as a real child process. ELECTRON_OVERRIDE_DIST_PATH points at an
 * empty folder, so the binary counts as missing even on a machine that has one.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServe, type Serve } from '../../core/bench/browser/serve';

export const FALLBACK_LINE = /^Faultline: no desktop window \((.+)\), so the panel is served in the browser instead\.$/m;

export async function startWithoutElectron(args: string[]): Promise<Serve & { dispose(): Promise<void> }> {
  const noBinary = await mkdtemp(join(tmpdir(), 'faultline-no-electron-'));
  try {
    const serve = await startServe(args, 90_000, { command: ['scripts/start.mjs'], env: { ELECTRON_OVERRIDE_DIST_PATH: noBinary } });
    return {
      ...serve,
      dispose: async () => {
        await serve.stop();
        await rm(noBinary, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await rm(noBinary, { recursive: true, force: true });
    throw e;
  }
}
