// Bundles the desktop app's own code with esbuild (no tsx, no TypeScript at run time):
//   dist/app/main.mjs    electron/main.ts with the supervisor (Lab, panel API) it runs in-process
//   dist/app/preload.cjs electron/preload.ts (CommonJS: a sandboxed preload cannot be ESM)
//   dist/app/reaper.mjs  the reaper, a file of its own: it runs as its own process (asarUnpack)
//   dist/app/gc-client.mjs the lock workload's GC-pause client, its own process too (asarUnpack)
// The node bundle (dist/node-main.mjs) comes from scripts/build-node.mjs and the panel from
// vite (dist/renderer); core/supervisor/app-host/app-layout.ts names every path.
// Usage: node scripts/build-app.mjs [--outdir DIR]   (tests build into a temp folder)
import { parseArgs } from 'node:util';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join, resolve } from 'node:path';

const root = fileURLToPath(new URL('..', import.meta.url));

/** esbuild options every app bundle shares (tests bundle the app host alone with them). */
export const COMMON = {
  bundle: true,
  platform: 'node',
  // Electron 45 runs Node 22; the reaper also runs under plain Node >= 20 (tests, the CLI).
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
  // Electron is the host; ws's optional native speed-ups are not installed (it falls back).
  external: ['electron', 'bufferutil', 'utf-8-validate'],
};

/** ws and pidusage are CommonJS and call require() for Node built-ins; an ESM bundle has none. */
export const ESM_REQUIRE_BANNER = { js: "import { createRequire as __faultlineRequire } from 'node:module';\nconst require = __faultlineRequire(import.meta.url);" };

/** The three bundles, by output name (app-layout.ts's APP_FILES names them under dist/app). */
export async function buildApp(outdir) {
  const { build } = await import('esbuild');
  await Promise.all([
    build({ ...COMMON, entryPoints: [join(root, 'electron/main.ts')], outfile: join(outdir, 'main.mjs'), format: 'esm', banner: ESM_REQUIRE_BANNER }),
    build({ ...COMMON, entryPoints: [join(root, 'electron/preload.ts')], outfile: join(outdir, 'preload.cjs'), format: 'cjs' }),
    build({ ...COMMON, entryPoints: [join(root, 'core/supervisor/reaper-process.mjs')], outfile: join(outdir, 'reaper.mjs'), format: 'esm', sourcemap: false }),
    build({ ...COMMON, entryPoints: [join(root, 'core/supervisor/workload/gc-client-main.ts')], outfile: join(outdir, 'gc-client.mjs'), format: 'esm', banner: ESM_REQUIRE_BANNER, sourcemap: false }),
  ]);
  return ['main.mjs', 'preload.cjs', 'reaper.mjs', 'gc-client.mjs'].map((name) => join(outdir, name));
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const { values } = parseArgs({ options: { outdir: { type: 'string' } } });
  const outdir = resolve(values.outdir ?? join(root, 'dist/app'));
  await buildApp(outdir);
  process.stdout.write(`build-app: ${outdir}/{main.mjs,preload.cjs,reaper.mjs,gc-client.mjs}\n`);
}
