// Bundles the node process entry (core/node/node-main.ts) into one ESM file,
// dist/node-main.mjs, so a node starts with plain `node` instead of through tsx:
// no TypeScript transform at start, one file to read, and a smaller heap
// (see docs/BENCHMARKS.md, "cold start and memory"). Runs as `npm run build:node`
// and as the `prepare` script (on `npm ci`). NodeProcess falls back to tsx when the
// bundle is missing or older than the sources, so a stale bundle never runs.
import { writeFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
// --outfile: a bundle elsewhere (tests of the desktop app build one into a temp folder);
// only the default one gets the inputs list NodeProcess checks freshness against.
const { values } = parseArgs({ options: { outfile: { type: 'string' } } });
const outfile = values.outfile ? resolve(values.outfile) : `${root}dist/node-main.mjs`;

// esbuild is a devDependency: an install without dev dependencies still runs `prepare`,
// and must not fail for it. Nodes then start through tsx (NodeProcess falls back).
let build;
try {
  ({ build } = await import('esbuild'));
} catch {
  process.stderr.write('build-node: esbuild is not installed; nodes will start through tsx\n');
  process.exit(0);
}

const result = await build({
  entryPoints: [`${root}core/node/node-main.ts`],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  // ws loads these native speed-ups with require() inside try/catch; leaving them out of
  // the bundle keeps that optional behaviour (they are not installed here).
  external: ['bufferutil', 'utf-8-validate'],
  // ws is CommonJS and calls require() for Node built-ins; an ESM bundle has no require.
  banner: { js: "import { createRequire as __faultlineRequire } from 'node:module';\nconst require = __faultlineRequire(import.meta.url);" },
  logLevel: 'warning',
  metafile: true,
});

// The sources the bundle was made from: NodeProcess compares their mtimes with the
// bundle's, so an edit to any of them sends nodes back to tsx until the next build.
if (values.outfile) process.exit(0);
const inputs = Object.keys(result.metafile.inputs)
  .map((p) => relative(root, fileURLToPath(new URL(p, `file://${process.cwd()}/`))))
  .filter((p) => p.startsWith('core/'));
await writeFile(`${root}dist/node-main.inputs.json`, JSON.stringify({ entry: 'core/node/node-main.ts', inputs }, null, 1) + '\n');
