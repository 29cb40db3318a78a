#!/usr/bin/env node
// `npm run dist`: the installer for this platform (Linux: AppImage + deb, Windows: NSIS,
// macOS: dmg) in release/. Builds what the package holds first (node bundle, panel, app
// bundles, icons), then runs electron-builder with build/electron-builder.config.cjs.
// electron-builder needs Electron's release archive for this platform: it uses the local
// binary when node_modules/electron has one, and otherwise downloads it; where that download
// is impossible this says so in one line instead of ending in a stack of network errors.
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findElectronBinary } from './electron-binary.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

function step(label, command, args) {
  process.stdout.write(`dist: ${label}\n`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) {
    process.stderr.write(`dist: ${label} failed (exit ${result.status})\n`);
    process.exit(result.status ?? 1);
  }
}

step('node bundle', process.execPath, ['scripts/build-node.mjs']);
step('panel', process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'renderer/vite.config.ts']);
step('app bundles', process.execPath, ['scripts/build-app.mjs']);
step('icons', process.execPath, ['assets/make-icons.mjs']);

const electron = findElectronBinary(root);
const builderArgs = ['--config', 'build/electron-builder.config.cjs', '--publish', 'never'];
// A local binary spares the download: electron-builder packages the unpacked dist folder.
if (electron.found) builderArgs.push(`-c.electronDist=${join(root, 'node_modules/electron/dist')}`);
process.stdout.write(`dist: electron-builder ${electron.found ? '(Electron from node_modules)' : '(Electron will be downloaded)'}\n`);
const cli = join(root, 'node_modules/electron-builder/cli.js');
// Shown as it happens (a download may take a while to fail), and kept to explain a failure.
let output = '';
const builder = spawn(process.execPath, [cli, ...builderArgs], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
builder.stdout.on('data', (d) => ((output += d), process.stdout.write(d)));
builder.stderr.on('data', (d) => ((output += d), process.stderr.write(d)));
const status = await new Promise((resolve) => builder.on('close', (code) => resolve(code ?? 1)));
const result = { status };
if (result.status !== 0) {
  const download = /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|getaddrinfo|download|socket hang up/i.test(output);
  process.stderr.write(
    download && !electron.found
      ? `\ndist: FAILED: electron-builder could not download Electron's release for ${process.platform}-${process.arch}, and this machine has no local Electron binary (${electron.reason}). Run npm run dist on a machine that can reach the Electron download, or put the binary in node_modules/electron/dist (npx install-electron) first.\n`
      : `\ndist: FAILED: electron-builder exited with ${result.status} (its output is above).\n`,
  );
  process.exit(result.status ?? 1);
}
process.stdout.write(`dist: installers in ${join(root, 'release')}\n`);

