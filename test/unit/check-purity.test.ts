/**
 * scripts/check-purity.mjs (run by `npm run lint`): the deterministic core reads no clock,
 * draws no randomness and sets no timer; comments, strings and property names do not count.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const SCRIPT = join(__dirname, '../../scripts/check-purity.mjs');
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('check-purity', () => {
  it('passes on this repository (its allowed exceptions all still in use)', () => {
    expect(execFileSync(process.execPath, [SCRIPT], { encoding: 'utf8' })).toMatch(/read no clock, draw no randomness, set no timer/);
  });

  it('names every clock, random draw and timer by file and line, and nothing in comments, strings or property names', () => {
    const root = mkdtempSync(join(tmpdir(), 'faultline-purity-'));
    dirs.push(root);
    mkdirSync(join(root, 'core/algorithms'), { recursive: true });
    writeFileSync(
      join(root, 'core/algorithms/bad.ts'),
      [
        "// Date.now() in a comment, 'Math.random' in a string",
        "const o = { setInterval: 1, label: 'setTimeout' };",
        'export const a = Date.now() + o.setInterval;',
        'export const b = globalThis.performance.now();',
        'export const c = Math.random();',
        'setTimeout(() => undefined, 1);',
        'export const d = new Date();',
      ].join('\n'),
    );
    const r = spawnSync(process.execPath, [SCRIPT, '--root', root], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('core/'));
    expect(lines.map((l) => l.split(' in ')[0])).toEqual([
      'core/algorithms/bad.ts:3: Date.now',
      'core/algorithms/bad.ts:4: performance.now',
      'core/algorithms/bad.ts:5: Math.random',
      'core/algorithms/bad.ts:6: setTimeout',
      'core/algorithms/bad.ts:7: new Date()',
    ]);
  });
});
