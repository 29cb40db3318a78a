import { existsSync, mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createDataDir } from '../../core/supervisor/data-dir';

const cleanup: string[] = [];
afterEach(() => {
  for (const p of cleanup.splice(0)) rmSync(p, { recursive: true, force: true });
});

describe('createDataDir', () => {
  it('makes a fresh temp folder and removes it with its contents on dispose (twice is fine)', async () => {
    const dir = await createDataDir();
    cleanup.push(dir.path);
    expect(dir.temporary).toBe(true);
    expect(dir.path.startsWith(tmpdir())).toBe(true);
    mkdirSync(join(dir.path, 'n1'));
    writeFileSync(join(dir.path, 'n1', 'log'), 'x');
    await dir.dispose();
    await dir.dispose();
    expect(existsSync(dir.path)).toBe(false);
  });

  it('two temp folders are different', async () => {
    const a = await createDataDir();
    const b = await createDataDir();
    cleanup.push(a.path, b.path);
    expect(a.path).not.toBe(b.path);
    await Promise.all([a.dispose(), b.dispose()]);
  });

  it('keeps a folder the user named, creating it when missing', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'faultline-test-'));
    cleanup.push(parent);
    const named = join(parent, 'mine');
    const dir = await createDataDir(named);
    expect(dir.temporary).toBe(false);
    expect(dir.path).toBe(named);
    writeFileSync(join(named, 'keep'), 'x');
    await dir.dispose();
    expect(existsSync(join(named, 'keep'))).toBe(true);
  });
});
