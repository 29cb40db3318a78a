// Is Electron's binary here? Answered from the files the electron package leaves, without
// requiring the package (its index.js starts a download when the binary is missing, which
// can hang on a machine with no route to it). electron/install.js writes path.txt (the
// binary's path inside node_modules/electron/dist) once the binary is unpacked;
// ELECTRON_OVERRIDE_DIST_PATH names a binary folder elsewhere, as the package itself allows.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * @param {string} root the project folder (holding node_modules)
 * @param {NodeJS.ProcessEnv} [env]
 * @returns {{ found: true, path: string } | { found: false, reason: string }}
 */
export function findElectronBinary(root, env = process.env) {
  const pkg = join(root, 'node_modules', 'electron');
  if (!existsSync(join(pkg, 'package.json'))) return { found: false, reason: 'the electron package is not installed (npm ci installs it)' };
  const pathFile = join(pkg, 'path.txt');
  if (!existsSync(pathFile)) return { found: false, reason: "Electron's binary was never downloaded (node_modules/electron/path.txt is missing)" };
  const relative = readFileSync(pathFile, 'utf8').trim();
  const distDir = env.ELECTRON_OVERRIDE_DIST_PATH ? env.ELECTRON_OVERRIDE_DIST_PATH : join(pkg, 'dist');
  const binary = join(distDir, relative);
  if (relative === '' || !existsSync(binary)) return { found: false, reason: `Electron's binary is missing (${binary} does not exist)` };
  return { found: true, path: binary };
}

/** Linux needs a display server for a window; macOS and Windows always have one. */
export function hasDisplay(platform = process.platform, env = process.env) {
  return platform !== 'linux' || Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
}
