/**
 * The installers hold what the app runs, and nothing needs the repository: the
 * electron-builder configuration's `files` take every bundle and every file of the built
 * panel, the node and reaper bundles are unpacked from the asar (they run as processes),
 * the entry point is the main bundle, the runAsNode fuse stays on, and the bundles import
 * nothing from node_modules. Patterns are matched with the minimatch electron-builder itself
 * uses. The icon script makes every size each platform's icon reference expects.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { APP_FILES } from '../../core/supervisor/app-host/app-layout';
import { ROOT } from '../support/app-bundles';

const require = createRequire(import.meta.url);
interface BuilderConfig {
  files: string[];
  asarUnpack: string[];
  extraMetadata: { main: string };
  electronFuses: Record<string, boolean>;
  linux: { target: string[]; icon: string };
  win: { target: string[]; icon: string };
  mac: { target: string[]; icon: string };
}
const config = require(join(ROOT, 'build/electron-builder.config.cjs')) as BuilderConfig;
// The matcher electron-builder (app-builder-lib) resolves for its own file patterns.
const { minimatch } = createRequire(require.resolve('app-builder-lib/package.json'))('minimatch') as typeof import('minimatch');

function packaged(file: string): boolean {
  const positive = config.files.filter((p) => !p.startsWith('!'));
  const negative = config.files.filter((p) => p.startsWith('!')).map((p) => p.slice(1));
  return positive.some((p) => minimatch(file, p, { dot: true })) && !negative.some((p) => minimatch(file, p, { dot: true }));
}
const unpacked = (file: string): boolean => config.asarUnpack.some((p) => minimatch(file, p, { dot: true }));

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('electron-builder configuration', () => {
  let outdir: string;
  let bundles: string[];

  beforeAll(async () => {
    outdir = await mkdtemp(join(tmpdir(), 'faultline-app-bundles-'));
    const { buildApp } = (await import(join(ROOT, 'scripts/build-app.mjs'))) as { buildApp(dir: string): Promise<string[]> };
    bundles = await buildApp(outdir);
  }, 60_000);

  afterAll(async () => {
    if (outdir) await rm(outdir, { recursive: true, force: true });
  });

  it('the build script writes the bundles under the names the app layout and the package use', () => {
    const appDir = APP_FILES.main.slice(0, APP_FILES.main.lastIndexOf('/'));
    expect(bundles.map((b) => `${appDir}/${basename(b)}`)).toEqual([APP_FILES.main, APP_FILES.preload, APP_FILES.reaper, APP_FILES.gcClient]);
  });

  it('packages every bundle, unpacks the ones that run as processes, and starts the main bundle', () => {
    for (const file of [APP_FILES.main, APP_FILES.preload, APP_FILES.reaper, APP_FILES.gcClient, APP_FILES.node, 'package.json']) expect(packaged(file), file).toBe(true);
    expect(unpacked(APP_FILES.node)).toBe(true);
    expect(unpacked(APP_FILES.reaper)).toBe(true);
    expect(unpacked(APP_FILES.gcClient)).toBe(true);
    expect(unpacked(APP_FILES.main)).toBe(false);
    expect(config.extraMetadata.main).toBe(APP_FILES.main);
    expect((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { main: string }).main).toBe(APP_FILES.main);
  });

  it('packages every file of the built panel, and no source maps, sources or node_modules', () => {
    const panel = filesUnder(join(ROOT, APP_FILES.renderer)).map((f) => relative(ROOT, f).split('\\').join('/'));
    expect(panel).toContain(`${APP_FILES.renderer}/index.html`);
    for (const file of panel.filter((f) => !f.endsWith('.map'))) expect(packaged(file), file).toBe(true);
    for (const file of ['dist/app/main.mjs.map', 'core/node/node-main.ts', 'electron/main.ts', 'node_modules/ws/index.js', 'node_modules/electron/index.js', 'renderer/index.html']) {
      expect(packaged(file), file).toBe(false);
    }
  });

  it('the bundles import nothing but Node built-ins (and Electron in the main process)', () => {
    const checks: [string, RegExp][] = [
      [bundles[0]!, /^(node:|electron$)/],
      [bundles[1]!, /^electron$/],
      [bundles[2]!, /^node:/],
      [bundles[3]!, /^node:/],
      [join(ROOT, APP_FILES.node), /^node:/],
    ];
    for (const [file, allowed] of checks) {
      const text = readFileSync(file, 'utf8');
      const specifiers = [...text.matchAll(/^\s*import\s[^'"]*?from\s*["']([^"']+)["']/gm), ...text.matchAll(/^\s*import\s*["']([^"']+)["']/gm), ...text.matchAll(/require\(["']([^"']+)["']\)/g)]
        .map((m) => m[1]!)
        // ws asks for its optional native speed-ups inside try/catch; Node's own modules may be named without node:.
        .filter((s) => !['bufferutil', 'utf-8-validate'].includes(s) && !require('node:module').builtinModules.includes(s));
      for (const s of specifiers) expect(s, `${basename(file)} imports ${s}`).toMatch(allowed);
    }
  });

  it('keeps the runAsNode fuse on (nodes and the reaper are the app binary in Node mode)', () => {
    expect(config.electronFuses['runAsNode']).toBe(true);
    expect(config.electronFuses['enableNodeOptionsEnvironmentVariable']).toBe(false);
  });

  it('builds AppImage and deb, NSIS and dmg', () => {
    expect(config.linux.target).toEqual(expect.arrayContaining(['AppImage', 'deb']));
    expect(config.win.target).toEqual(['nsis']);
    expect(config.mac.target).toEqual(['dmg']);
  });
});

/** Width and height of a PNG, from its IHDR chunk. */
function pngSize(png: Buffer): [number, number] {
  expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
  return [png.readUInt32BE(16), png.readUInt32BE(20)];
}

describe('app icons', () => {
  let out: string;

  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'faultline-icons-'));
    execFileSync(process.execPath, [join(ROOT, 'assets/make-icons.mjs'), '--out', out], { stdio: 'pipe' });
  }, 60_000);

  afterAll(async () => {
    if (out) await rm(out, { recursive: true, force: true });
  });

  it('makes the files each platform reference names, from the one SVG', () => {
    const made = readdirSync(out);
    expect(basename(config.win.icon)).toBe('icon.ico');
    expect(basename(config.mac.icon)).toBe('icon.icns');
    expect(config.linux.icon).toBe('build/icons');
    expect(made).toEqual(expect.arrayContaining(['icon.ico', 'icon.icns', 'icon.png', '16x16.png', '32x32.png', '48x48.png', '256x256.png', '512x512.png', '1024x1024.png']));
    for (const name of made.filter((n) => /^\d+x\d+\.png$/.test(n))) {
      const n = Number(name.split('x')[0]);
      expect(pngSize(readFileSync(join(out, name))), name).toEqual([n, n]);
    }
  });

  it('writes an ICO with 16 to 256 and an ICNS with 16 to 1024, each entry a PNG of its size', () => {
    const ico = readFileSync(join(out, 'icon.ico'));
    expect(ico.readUInt16LE(2)).toBe(1);
    const count = ico.readUInt16LE(4);
    const icoSizes: number[] = [];
    for (let i = 0; i < count; i++) {
      const at = 6 + 16 * i;
      const size = ico.readUInt8(at) || 256;
      const png = ico.subarray(ico.readUInt32LE(at + 12), ico.readUInt32LE(at + 12) + ico.readUInt32LE(at + 8));
      expect(pngSize(png)).toEqual([size, size]);
      icoSizes.push(size);
    }
    expect(icoSizes).toEqual(expect.arrayContaining([16, 32, 48, 256]));

    const icns = readFileSync(join(out, 'icon.icns'));
    expect(icns.subarray(0, 4).toString('ascii')).toBe('icns');
    expect(icns.readUInt32BE(4)).toBe(icns.length);
    const types = new Map<string, number>();
    for (let at = 8; at < icns.length; at += icns.readUInt32BE(at + 4)) {
      types.set(icns.subarray(at, at + 4).toString('ascii'), pngSize(icns.subarray(at + 8, at + icns.readUInt32BE(at + 4)))[0]);
    }
    expect(types.get('icp4')).toBe(16);
    expect(types.get('ic07')).toBe(128);
    expect(types.get('ic10')).toBe(1024);
  });
});
