#!/usr/bin/env node
// `npm run test:electron`: the real desktop app, where Electron's binary is installed.
// Builds what the app runs (node bundle, panel if missing, app bundles), then runs
// test/electron/ under Vitest: it starts the app (under Xvfb on a Linux machine without a
// display), waits for every node healthy in the window, quits, and checks no process is left.
// Needs: the binary in node_modules/electron/dist (npx install-electron), and on a headless
// Linux machine Xvfb (apt-get install -y xvfb).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findElectronBinary, hasDisplay } from './electron-binary.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const electron = findElectronBinary(root);
if (!electron.found) {
  process.stderr.write(`test:electron: needs Electron's binary, and ${electron.reason}. Install it with npx install-electron where the download is reachable.\n`);
  process.exit(2);
}

function run(label, args) {
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    process.stderr.write(`test:electron: ${label} failed\n`);
    process.exit(result.status ?? 1);
  }
}
run('node bundle', ['scripts/build-node.mjs']);
if (!existsSync(join(root, 'dist/renderer/index.html'))) run('panel', [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'renderer/vite.config.ts']);
run('app bundles', ['scripts/build-app.mjs']);

const env = { ...process.env, FAULTLINE_ELECTRON_BINARY: electron.path };
let xvfb;
if (!hasDisplay()) {
  const display = ':97';
  xvfb = spawn('Xvfb', [display, '-screen', '0', '1600x1000x24', '-nolisten', 'tcp'], { stdio: 'ignore' });
  xvfb.on('error', () => {
    process.stderr.write('test:electron: no display and Xvfb is not installed (apt-get install -y xvfb)\n');
    process.exit(2);
  });
  env.DISPLAY = display;
  await new Promise((r) => setTimeout(r, 500));
}
const vitest = spawnSync(process.execPath, [join(root, 'node_modules/vitest/vitest.mjs'), 'run', 'test/electron'], { cwd: root, stdio: 'inherit', env });
xvfb?.kill();
process.exit(vitest.status ?? 1);
