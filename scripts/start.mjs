#!/usr/bin/env node
// `npm start`: the desktop app when Electron's binary is installed (and there is a display
// to show it on); otherwise one line saying why, and the lab in the browser instead
// (`faultline serve`: the panel on 127.0.0.1, the instructor's and viewer's links printed).
// It never asks the electron package for its binary: that would start a download.
// Arguments go to `faultline serve` in the browser fallback (e.g. npm start -- --nodes 3).
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { findElectronBinary, hasDisplay } from './electron-binary.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const forceBrowser = process.env.FAULTLINE_BROWSER === '1';

const electron = findElectronBinary(root);
const why = forceBrowser ? 'FAULTLINE_BROWSER=1 is set' : !electron.found ? electron.reason : !hasDisplay() ? 'there is no display to open a window on (no DISPLAY or WAYLAND_DISPLAY)' : undefined;

if (why === undefined && electron.found) {
  // The app runs from its bundles, as a package would: build them (a second or two), so
  // what runs is what the sources say.
  for (const script of ['scripts/build-node.mjs', 'scripts/build-app.mjs']) {
    const built = spawnSync(process.execPath, [join(root, script)], { stdio: 'inherit' });
    if (built.status !== 0) process.exit(built.status ?? 1);
  }
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE; // set, it would make the app binary a plain Node
  const app = spawn(electron.path, [root], { stdio: 'inherit', env });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => app.kill(signal));
  app.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
} else {
  console.log(`Faultline: no desktop window (${why}), so the panel is served in the browser instead.`);
  process.argv = [process.argv[0], join(root, 'bin/faultline.mjs'), 'serve', ...args];
  await import('../bin/faultline.mjs');
}
