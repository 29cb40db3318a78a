/**
 * How the supervisor starts its helper processes (nodes and the reaper): which program,
 * with which extra environment, and which scripts. Under plain Node that is Node itself;
 * inside the desktop app it is the app binary with ELECTRON_RUN_AS_NODE=1 (Electron then
 * behaves as Node; plain Node ignores the variable, so tests spawn nodes exactly the way
 * the packaged app does). A packaged app passes its bundles by path (they sit unpacked
 * beside app.asar): no source tree, no tsx, no freshness check against sources.
 */
import { fileURLToPath } from 'node:url';

export interface NodeRuntime {
  /** The program to run: process.execPath (Node, or the Electron app binary). */
  readonly execPath: string;
  /** Added to every helper's environment. */
  readonly env: Readonly<Record<string, string>>;
  /** The node bundle (dist/node-main.mjs) by path; unset: node-bundle.ts decides (bundle when fresh, tsx otherwise). */
  readonly nodeBundle?: string;
  /** The reaper script; unset: reaper-process.mjs beside reaper.ts. */
  readonly reaperScript?: string;
  /** The lock workload's GC-pause client (gc-client-main.ts) bundled; unset: the source through tsx. */
  readonly gcClientScript?: string;
}

/** Makes an Electron binary run a script as Node; Node itself ignores it. */
export const RUN_AS_NODE_ENV: Readonly<Record<string, string>> = { ELECTRON_RUN_AS_NODE: '1' };

let processRuntime: NodeRuntime | undefined;

/**
 * The runtime of helpers started without one passed down (the reaper of a workload's own
 * client, the GC-pause client): the desktop app sets its own once, at start.
 */
export function setProcessNodeRuntime(runtime: NodeRuntime): void {
  processRuntime = runtime;
}

/** This process's own program, as Node: what every helper runs when nothing else is said. */
export function defaultNodeRuntime(): NodeRuntime {
  return processRuntime ?? { execPath: process.execPath, env: RUN_AS_NODE_ENV };
}

/** The reaper script of a runtime (the repository's when it names none). */
export function reaperScriptOf(runtime: NodeRuntime): string {
  return runtime.reaperScript ?? fileURLToPath(new URL('./reaper-process.mjs', import.meta.url));
}
