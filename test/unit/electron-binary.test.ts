/**
 * How `npm start` (and dist, test:electron) tell whether Electron's binary is installed:
 * from the files the electron package leaves (path.txt naming the binary inside dist/, or
 * ELECTRON_OVERRIDE_DIST_PATH), never by loading the package, which would start a download.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findElectronBinary as find, hasDisplay as display } from '../../scripts/electron-binary.mjs';

describe('finding the Electron binary', () => {
  let root: string | undefined;
  afterEach(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  async function project(): Promise<string> {
    root = await mkdtemp(join(tmpdir(), 'faultline-electron-probe-'));
    return root;
  }

  it('says the package is missing, then that the binary was never downloaded, then finds it', async () => {
    const dir = await project();
    const missing = find(dir, {});
    expect(missing.found).toBe(false);
    expect(!missing.found && missing.reason).toMatch(/not installed/);

    const pkg = join(dir, 'node_modules/electron');
    await mkdir(pkg, { recursive: true });
    await writeFile(join(pkg, 'package.json'), '{"name":"electron"}');
    const never = find(dir, {});
    expect(!never.found && never.reason).toMatch(/path\.txt is missing/);

    await writeFile(join(pkg, 'path.txt'), 'electron');
    const gone = find(dir, {});
    expect(!gone.found && gone.reason).toMatch(/binary is missing/);

    await mkdir(join(pkg, 'dist'));
    await writeFile(join(pkg, 'dist/electron'), '');
    expect(find(dir, {})).toEqual({ found: true, path: join(pkg, 'dist/electron') });
  });

  it('follows ELECTRON_OVERRIDE_DIST_PATH as the electron package does', async () => {
    const dir = await project();
    const pkg = join(dir, 'node_modules/electron');
    await mkdir(join(pkg, 'dist'), { recursive: true });
    await writeFile(join(pkg, 'package.json'), '{"name":"electron"}');
    await writeFile(join(pkg, 'path.txt'), 'electron');
    await writeFile(join(pkg, 'dist/electron'), '');
    const empty = join(dir, 'elsewhere');
    await mkdir(empty);
    expect(find(dir, { ELECTRON_OVERRIDE_DIST_PATH: empty }).found).toBe(false);
    await writeFile(join(empty, 'electron'), '');
    expect(find(dir, { ELECTRON_OVERRIDE_DIST_PATH: empty })).toEqual({ found: true, path: join(empty, 'electron') });
  });

  it('needs a display only on Linux', () => {
    expect(display('linux', {})).toBe(false);
    expect(display('linux', { DISPLAY: ':0' })).toBe(true);
    expect(display('linux', { WAYLAND_DISPLAY: 'wayland-0' })).toBe(true);
    expect(display('darwin', {})).toBe(true);
    expect(display('win32', {})).toBe(true);
  });
});
