/**
 * The app host bundled with the main process's own esbuild options (scripts/build-app.mjs),
 * as an importable ESM file: the main bundle itself imports 'electron' and cannot run under
 * Node, this one is the same supervisor code without the shell around it.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ROOT } from './app-bundles';

export async function buildAppHostForTest(dir: string): Promise<string> {
  const { COMMON, ESM_REQUIRE_BANNER } = (await import(join(ROOT, 'scripts/build-app.mjs'))) as { COMMON: object; ESM_REQUIRE_BANNER: { js: string } };
  const { build } = await import('esbuild');
  const entry = join(dir, 'host-entry.ts');
  await writeFile(entry, `export { AppHost } from ${JSON.stringify(join(ROOT, 'core/supervisor/app-host/app-host.ts'))};\nexport { appRuntime } from ${JSON.stringify(join(ROOT, 'core/supervisor/app-host/app-layout.ts'))};\n`);
  const outfile = join(dir, 'host.mjs');
  await build({ ...COMMON, entryPoints: [entry], outfile, format: 'esm', banner: ESM_REQUIRE_BANNER, sourcemap: false });
  return outfile;
}
