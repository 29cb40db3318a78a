/**
 * A packaged app's layout in a temp folder, built by the real build scripts: the node and
 * reaper bundles where electron-builder's asarUnpack puts them (resources/app.asar.unpacked),
 * the built panel inside a stand-in for app.asar (a plain folder: Node reads it as is), the
 * app bundles, and a user-data folder. Tests run the app's own logic against it under Node.
 */
import { execFileSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { APP_FILES, appPaths, type AppLocation, type AppPaths } from '../../core/supervisor/app-host/app-layout';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface PackagedLayout {
  readonly dir: string;
  readonly location: AppLocation;
  readonly paths: AppPaths;
  /** The app bundles (main, preload, reaper) as scripts/build-app.mjs wrote them. */
  readonly appBundles: readonly string[];
  dispose(): Promise<void>;
}

export async function buildPackagedLayout(): Promise<PackagedLayout> {
  const dir = await mkdtemp(join(tmpdir(), 'faultline-packaged-'));
  const resourcesPath = join(dir, 'resources');
  const appPath = join(resourcesPath, 'app.asar');
  const unpacked = join(resourcesPath, 'app.asar.unpacked');
  await mkdir(join(unpacked, 'dist/app'), { recursive: true });
  execFileSync(process.execPath, [join(ROOT, 'scripts/build-node.mjs'), '--outfile', join(unpacked, APP_FILES.node)], { stdio: 'pipe' });
  const { buildApp } = (await import(join(ROOT, 'scripts/build-app.mjs'))) as { buildApp(outdir: string): Promise<string[]> };
  const appBundles = await buildApp(join(appPath, 'dist/app'));
  await cp(join(appPath, APP_FILES.reaper), join(unpacked, APP_FILES.reaper));
  await cp(join(appPath, APP_FILES.gcClient), join(unpacked, APP_FILES.gcClient));
  await cp(join(ROOT, APP_FILES.renderer), join(appPath, APP_FILES.renderer), { recursive: true });
  const location: AppLocation = { packaged: true, appPath, resourcesPath, userDataPath: join(dir, 'user-data') };
  return { dir, location, paths: appPaths(location), appBundles, dispose: () => rm(dir, { recursive: true, force: true, maxRetries: 3 }) };
}
