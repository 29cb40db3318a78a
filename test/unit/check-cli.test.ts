import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { simulateRegisterHistory } from '../../core/check/simulate-register';

// These tests run the real command in a real process, as a user or CI would.
const root = join(__dirname, '..', '..');
const fixtures = join(root, 'test', 'fixtures', 'histories');

function faultline(...args: string[]): { status: number | null; lines: Record<string, unknown>[]; stderr: string } {
  const r = spawnSync(process.execPath, [join(root, 'bin', 'faultline.mjs'), 'check', ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  const lines = r.stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { status: r.status, lines, stderr: r.stderr };
}

const f = (name: string): string => join(fixtures, name);

describe('faultline check (real process)', () => {
  it('exits 0 and prints one verdict line with file name and milliseconds for a valid history', () => {
    const r = faultline('--model', 'register', f('register-valid-concurrent.jsonl'));
    expect(r.status).toBe(0);
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0]).toMatchObject({ file: f('register-valid-concurrent.jsonl'), valid: true, model: 'register' });
    expect(typeof r.lines[0]?.ms).toBe('number');
  });

  it('checks several files in one process, one line each, exiting with the worst (invalid over valid)', () => {
    const r = faultline('--model', 'register', f('register-valid-concurrent.jsonl'), f('register-invalid-stale-read.jsonl'));
    expect(r.status).toBe(1);
    expect(r.lines.map((l) => [l.file, l.valid])).toEqual([
      [f('register-valid-concurrent.jsonl'), true],
      [f('register-invalid-stale-read.jsonl'), false],
    ]);
    expect(r.lines[1]?.evidence).toMatchObject({ key: 'k1' });
  });

  it('exits 2 on unusable input, with the file, the line and the reason (stdout JSON and stderr)', () => {
    const r = faultline('--model', 'register', f('register-invalid-stale-read.jsonl'), f('register-unusable.jsonl'));
    expect(r.status).toBe(2);
    expect(r.lines[1]).toMatchObject({ valid: 'unusable', line: 3 });
    expect(String(r.lines[1]?.reason)).toMatch(/no pending invoke/);
    expect(r.stderr).toContain(`${f('register-unusable.jsonl')}:3:`);
    const json = faultline('--model', 'register', f('register-bad-json.jsonl'));
    expect(json.status).toBe(2);
    expect(json.lines[0]).toMatchObject({ valid: 'unusable', line: 2 });
  });

  it('exits 2 on unusable arguments', () => {
    expect(faultline('--model', 'nonsense', f('register-valid-concurrent.jsonl')).status).toBe(2);
    expect(faultline('--model', 'register').status).toBe(2);
    expect(faultline('--model', 'register', '--timeout', 'soon', f('register-valid-concurrent.jsonl')).status).toBe(2);
    expect(faultline('--model', 'register', join(fixtures, 'does-not-exist.jsonl')).status).toBe(2);
    expect(faultline('--model', 'register', '--max-memory', '0', f('register-valid-concurrent.jsonl')).status).toBe(2);
    expect(faultline('--model', 'register', '--max-memory', 'lots', f('register-valid-concurrent.jsonl')).status).toBe(2);
  });

  it('checks lock histories with --model lock', () => {
    const r = faultline('--model', 'lock', f('lock-valid.jsonl'), f('lock-invalid-stale-write.jsonl'));
    expect(r.status).toBe(1);
    expect(r.lines.map((l) => l.valid)).toEqual([true, false]);
  });

  it('exits 3 with "unknown" and the reason when the search reaches --max-memory, and decides with enough', () => {
    const dir = mkdtempSync(join(tmpdir(), 'faultline-check-'));
    try {
      const file = join(dir, 'dense.jsonl');
      const ops = simulateRegisterHistory({ seed: 5, ops: 3000, clients: 10, keys: 1, valueRange: 3 });
      writeFileSync(file, ops.map(({ index: _index, ...op }) => JSON.stringify(op)).join('\n'));
      const tight = faultline('--model', 'register', '--max-memory', '1', file);
      expect(tight.status).toBe(3);
      expect(tight.lines[0]).toMatchObject({ file, valid: 'unknown' });
      expect(String(tight.lines[0]?.summary)).toMatch(/memory ceiling of 1 MB/);
      const roomy = faultline('--model', 'register', '--max-memory', '512', file);
      expect(roomy.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exits 3 when --timeout runs out before a verdict', () => {
    const dir = mkdtempSync(join(tmpdir(), 'faultline-check-'));
    try {
      const file = join(dir, 'big.jsonl');
      const ops = simulateRegisterHistory({ seed: 11, ops: 6000, clients: 10, keys: 1, valueRange: 3 });
      writeFileSync(file, ops.map(({ index: _index, ...op }) => JSON.stringify(op)).join('\n'));
      const r = faultline('--model', 'register', '--timeout', '0.001', file);
      expect(r.status).toBe(3);
      expect(r.lines[0]).toMatchObject({ file, valid: 'unknown' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
