/**
 * Where the desktop app finds what it runs, in the repository (`electron .`) and in an
 * installed package alike. Packaged, electron-builder puts the app in resources/app.asar
 * and the files listed in asarUnpack (the node and reaper bundles, which run as their own
 * processes) in resources/app.asar.unpacked; the relative paths are the same in both.
 * build/electron-builder.config.cjs and scripts/build-app.mjs use these paths (a test checks).
 */
import { join } from 'node:path';
import { RUN_AS_NODE_ENV, type NodeRuntime } from '../node-runtime';

/** Paths relative to the app root (the repository, or app.asar). */
export const APP_FILES = {
  /** The main process (electron/main.ts, bundled with the supervisor). */
  main: 'dist/app/main.mjs',
  /** The window's preload (electron/preload.ts, CommonJS: a sandboxed preload cannot be ESM). */
  preload: 'dist/app/preload.cjs',
  /** The reaper (core/supervisor/reaper-process.mjs), unpacked: it runs as its own process. */
  reaper: 'dist/app/reaper.mjs',
  /** The lock workload's GC-pause client (its own process, frozen by SIGSTOP), unpacked. */
  gcClient: 'dist/app/gc-client.mjs',
  /** The node process (core/node/node-main.ts, scripts/build-node.mjs), unpacked. */
  node: 'dist/node-main.mjs',
  /** The built panel (vite), served from app.asar by the in-process supervisor. */
  renderer: 'dist/renderer',
} as const;

/** What Electron's `app` says about where it runs (plain values, so tests need no Electron). */
export interface AppLocation {
  /** app.isPackaged */
  readonly packaged: boolean;
  /** app.getAppPath(): the repository, or resources/app.asar. */
  readonly appPath: string;
  /** process.resourcesPath (packaged only matters). */
  readonly resourcesPath: string;
  /** app.getPath('userData'): the user's per-app folder. */
  readonly userDataPath: string;
}

export interface AppPaths {
  readonly preload: string;
  readonly rendererDir: string;
  readonly nodeBundle: string;
  readonly reaperScript: string;
  readonly gcClientScript: string;
  /** Node data: a folder in the user-data folder, started afresh at each launch. */
  readonly dataDir: string;
}

export function appPaths(at: AppLocation): AppPaths {
  // Unpacked files live beside app.asar; in the repository there is no asar at all.
  const unpacked = at.packaged ? join(at.resourcesPath, 'app.asar.unpacked') : at.appPath;
  return {
    preload: join(at.appPath, APP_FILES.preload),
    rendererDir: join(at.appPath, APP_FILES.renderer),
    nodeBundle: join(unpacked, APP_FILES.node),
    reaperScript: join(unpacked, APP_FILES.reaper),
    gcClientScript: join(unpacked, APP_FILES.gcClient),
    dataDir: join(at.userDataPath, 'lab-data'),
  };
}

/**
 * Nodes and the reaper run as this very program (the app binary) in Node mode, from the
 * unpacked bundles: an installed app needs no Node, npm or sources on the machine.
 */
export function appRuntime(paths: AppPaths, execPath: string = process.execPath): NodeRuntime {
  return { execPath, env: RUN_AS_NODE_ENV, nodeBundle: paths.nodeBundle, reaperScript: paths.reaperScript, gcClientScript: paths.gcClientScript };
}
