// Makes every app icon size from assets/icon.svg (the one source; never edit the outputs):
//   <out>/<N>x<N>.png   16..1024, Linux (electron-builder reads the folder)
//   <out>/icon.png      1024, the fallback electron-builder and the window use
//   <out>/icon.ico      Windows: 16, 24, 32, 48, 64, 128, 256 (PNG-compressed entries, Vista and later)
//   <out>/icon.icns     macOS: 16 to 1024 with the @2x variants (PNG entries)
// The SVG is drawn by resvg compiled to WebAssembly (@resvg/resvg-wasm): no native module
// and no download, so it runs on any machine npm ci ran on. ICO and ICNS are simple
// containers of PNGs, written here. Usage: node assets/make-icons.mjs [--out DIR] (default build/icons)
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { initWasm, Resvg } from '@resvg/resvg-wasm';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({ options: { out: { type: 'string' } } });
const out = resolve(values.out ?? join(root, 'build/icons'));

export const LINUX_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];
export const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256];
/** ICNS entry types and the pixel size each holds (the @2x ones are the larger drawings). */
export const ICNS_TYPES = [
  ['icp4', 16], ['icp5', 32], ['icp6', 64], ['ic07', 128], ['ic08', 256], ['ic09', 512], ['ic10', 1024],
  ['ic11', 32], ['ic12', 64], ['ic13', 256], ['ic14', 512],
];

const require = createRequire(import.meta.url);
await initWasm(await readFile(require.resolve('@resvg/resvg-wasm/index_bg.wasm')));
const svg = await readFile(join(root, 'assets/icon.svg'), 'utf8');

const pngs = new Map();
function png(size) {
  if (!pngs.has(size)) pngs.set(size, Buffer.from(new Resvg(svg, { fitTo: { mode: 'width', value: size } }).render().asPng()));
  return pngs.get(size);
}

function ico(sizes) {
  const images = sizes.map(png);
  const header = Buffer.alloc(6 + 16 * sizes.length);
  header.writeUInt16LE(0, 0); // reserved
  header.writeUInt16LE(1, 2); // 1 = icon
  header.writeUInt16LE(sizes.length, 4);
  let offset = header.length;
  sizes.forEach((size, i) => {
    const at = 6 + 16 * i;
    header.writeUInt8(size >= 256 ? 0 : size, at); // 0 means 256
    header.writeUInt8(size >= 256 ? 0 : size, at + 1);
    header.writeUInt8(0, at + 2); // no palette
    header.writeUInt8(0, at + 3);
    header.writeUInt16LE(1, at + 4); // colour planes
    header.writeUInt16LE(32, at + 6); // bits per pixel
    header.writeUInt32LE(images[i].length, at + 8);
    header.writeUInt32LE(offset, at + 12);
    offset += images[i].length;
  });
  return Buffer.concat([header, ...images]);
}

function icns(types) {
  const entries = types.map(([type, size]) => {
    const data = png(size);
    const head = Buffer.alloc(8);
    head.write(type, 0, 'ascii');
    head.writeUInt32BE(data.length + 8, 4);
    return Buffer.concat([head, data]);
  });
  const body = Buffer.concat(entries);
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'ascii');
  head.writeUInt32BE(body.length + 8, 4);
  return Buffer.concat([head, body]);
}

await mkdir(out, { recursive: true });
await Promise.all([
  ...LINUX_SIZES.map((size) => writeFile(join(out, `${size}x${size}.png`), png(size))),
  writeFile(join(out, 'icon.png'), png(1024)),
  writeFile(join(out, 'icon.ico'), ico(ICO_SIZES)),
  writeFile(join(out, 'icon.icns'), icns(ICNS_TYPES)),
]);
process.stdout.write(`make-icons: ${out} (${LINUX_SIZES.length} PNG sizes, icon.ico, icon.icns)\n`);
