/**
 * Which program starts a node process: the esbuild bundle dist/node-main.mjs when it is
 * there and newer than every source it was built from (scripts/build-node.mjs, run by
 * `npm ci` through `prepare`), or the TypeScript entry through tsx otherwise. The bundle
 * starts faster and needs less memory (no TypeScript transform in the process); both run
 * the same code, so nothing else differs.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('../..', import.meta.url));
export const NODE_ENTRY_SOURCE = join(root, 'core/node/node-main.ts');
export const NODE_ENTRY_BUNDLE = join(root, 'dist/node-main.mjs');
const INPUTS_FILE = join(root, 'dist/node-main.inputs.json');
/** Resolved when first needed: a bundled supervisor (the desktop app) has no tsx and never asks. */
let tsxLoader: string | undefined;

/**
 * V8 flags for every node process (bundle or tsx alike). A node's garbage is many small
 * short-lived frames; a 2 MB young generation (default 16 MB) keeps ~10 MB less resident
 * per node after load with no throughput change we could measure (docs/BENCHMARKS.md).
 */
export const NODE_V8_FLAGS: readonly string[] = ['--max-semi-space-size=2'];

/** `node <argv...>` for an entry: the bundle for the default entry when fresh, tsx otherwise. */
export function nodeArgvFor(entry: string): string[] {
  return [...NODE_V8_FLAGS, ...entryArgv(entry)];
}

function entryArgv(entry: string): string[] {
  // FAULTLINE_NODE_RUNNER=tsx forces the sources (to compare the two, or to debug);
  // =bundle keeps using a bundle that exists even if a source changed since (a benchmark
  // pins what it built at its start while others keep editing).
  const runner = process.env['FAULTLINE_NODE_RUNNER'];
  if (entry === NODE_ENTRY_SOURCE && runner !== 'tsx') {
    if (runner === 'bundle' ? existsSync(NODE_ENTRY_BUNDLE) : bundleIsFresh()) return [NODE_ENTRY_BUNDLE];
  }
  tsxLoader ??= import.meta.resolve('tsx');
  return ['--import', tsxLoader, entry];
}

/** True when the bundle exists and no source listed at build time changed since. */
export function bundleIsFresh(): boolean {
  try {
    const builtMs = statSync(NODE_ENTRY_BUNDLE).mtimeMs;
    const listed = JSON.parse(readFileSync(INPUTS_FILE, 'utf8')) as { inputs?: unknown };
    if (!Array.isArray(listed.inputs) || listed.inputs.length === 0) return false;
    for (const rel of listed.inputs) {
      if (typeof rel !== 'string') return false;
      // A deleted or newer source means the bundle is not what the sources say: use tsx.
      if (statSync(join(root, rel)).mtimeMs > builtMs) return false;
    }
    return true;
  } catch {
    return false;
  }
}
