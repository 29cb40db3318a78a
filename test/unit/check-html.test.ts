/**
 * `faultline check --html OUT` (real process): one self-contained page per verdict, with the
 * evidence a person can look at: the failing key's operations on a timeline with the point
 * where no linearization exists, a transaction anomaly's cycle with labelled edges and each
 * transaction's operations, and a plain "valid" page for a valid history.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');
const fixtures = join(root, 'test', 'fixtures', 'histories');
const dir = mkdtempSync(join(tmpdir(), 'faultline-html-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function check(...args: string[]): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [join(root, 'bin', 'faultline.mjs'), 'check', ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stderr: r.stderr };
}

function write(name: string, lines: unknown[]): string {
  const file = join(dir, name);
  writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n'));
  return file;
}

/** Self-contained: no script, nothing loaded from anywhere (the SVG namespace is a name, not a fetch). */
function expectSelfContained(html: string): void {
  expect(html).not.toMatch(/<script/i);
  expect(html).not.toMatch(/<[^>]*\s(src|href)\s*=/i);
  expect(html).not.toMatch(/<(img|link|iframe|object|embed)\b/i);
  expect(html).not.toMatch(/@import|url\(\s*['"]?https?:/i);
  expect(html).toContain("default-src 'none'");
}

describe('faultline check --html', () => {
  it('a register failure found by search: the key, its operations on a timeline and where no linearization exists', () => {
    // Two reads in real-time order see the new value and then the old one, while the write is still running.
    const file = write('new-then-old.jsonl', [
      { process: 0, type: 'invoke', f: 'write', key: 'acct', value: 1 },
      { process: 0, type: 'ok', f: 'write', key: 'acct', value: 1 },
      { process: 1, type: 'invoke', f: 'write', key: 'acct', value: 2 },
      { process: 2, type: 'invoke', f: 'read', key: 'acct', value: null },
      { process: 2, type: 'ok', f: 'read', key: 'acct', value: 2 },
      { process: 3, type: 'invoke', f: 'read', key: 'acct', value: null },
      { process: 3, type: 'ok', f: 'read', key: 'acct', value: 1 },
      { process: 1, type: 'ok', f: 'write', key: 'acct', value: 2 },
    ]);
    const page = join(dir, 'new-then-old.html');
    expect(check('--model', 'register', '--html', page, file).status).toBe(1);
    const html = readFileSync(page, 'utf8');
    expectSelfContained(html);
    expect(html).toContain('data-valid="false"');
    expect(html).toContain('Operations of key <code>acct</code>');
    // The evidence operations, drawn and listed: the write of 2 and both reads.
    expect(html).toContain('write 2 → acct');
    expect(html).toContain('read 2 → acct');
    expect(html).toContain('read 1 → acct');
    // The stuck read is marked, and the line no order gets past is drawn at its completion (line 7).
    expect(html).toMatch(/<g class="bar ok highlight"[^>]*data-highlight="yes"><title>read 1 → acct/);
    expect(html).toContain('data-stuck-line="7"');
    expect(html).toContain('no linearization past line 7');
  });

  it('a valid history gives a page that says valid, with no evidence drawing', () => {
    const page = join(dir, 'valid.html');
    expect(check('--model', 'register', '--html', page, join(fixtures, 'register-valid-concurrent.jsonl')).status).toBe(0);
    const html = readFileSync(page, 'utf8');
    expectSelfContained(html);
    expect(html).toContain('data-valid="true"');
    expect(html).toContain('>Valid</strong>');
    expect(html).toMatch(/Linearizable: all \d+ operations/);
    expect(html).not.toContain('<svg');
  });

  it('a transaction anomaly: the cycle with its edges labelled and each transaction with its operations', () => {
    // Write skew through reads of empty keys: T0 reads x empty and appends to y, T1 reads y empty and appends to x.
    const txn = (process: number, type: string, value: unknown): unknown => ({ process, type, f: 'txn', value });
    const file = write('write-skew.jsonl', [
      txn(0, 'invoke', [['r', 'x', null], ['append', 'y', 1]]),
      txn(1, 'invoke', [['r', 'y', null], ['append', 'x', 1]]),
      txn(0, 'ok', [['r', 'x', null], ['append', 'y', 1]]),
      txn(1, 'ok', [['r', 'y', null], ['append', 'x', 1]]),
    ]);
    const page = join(dir, 'skew.html');
    expect(check('--model', 'txn', '--html', page, file).status).toBe(1);
    const html = readFileSync(page, 'utf8');
    expectSelfContained(html);
    expect(html).toContain('data-valid="false"');
    expect(html).toMatch(/<svg class="drawing cycle"/);
    const edges = [...html.matchAll(/data-edge="(\w+)"/g)].map((m) => m[1]);
    expect(edges).toEqual(['rw', 'rw']);
    expect(html).toContain('class="edge-label">rw x</text>');
    expect(html).toContain('class="edge-label">rw y</text>');
    for (const t of ['T0', 'T1']) expect(html).toContain(`class="node-label">${t}</text>`);
    for (const op of ['r x null', 'append y 1', 'r y null', 'append x 1']) expect(html).toContain(`class="node-op">${op}</text>`);
  });

  it('several histories: a folder of pages named after them', () => {
    const out = join(dir, 'pages');
    const r = check('--model', 'register', '--html', out, join(fixtures, 'register-valid-concurrent.jsonl'), join(fixtures, 'register-invalid-stale-read.jsonl'));
    expect(r.status).toBe(1);
    expect(readdirSync(out).sort()).toEqual(['register-invalid-stale-read.html', 'register-valid-concurrent.html']);
    expect(readFileSync(join(out, 'register-invalid-stale-read.html'), 'utf8')).toContain('data-valid="false"');
    expect(readFileSync(join(out, 'register-valid-concurrent.html'), 'utf8')).toContain('data-valid="true"');
  });

  it('text from the history is escaped, never markup', () => {
    const file = write('evil.jsonl', [
      { process: '<b>p</b>', type: 'invoke', f: 'read', key: '<script>k</script>', value: null },
      { process: '<b>p</b>', type: 'ok', f: 'read', key: '<script>k</script>', value: '<img src=x>' },
    ]);
    const page = join(dir, 'evil.html');
    expect(check('--model', 'register', '--html', page, file).status).toBe(1);
    const html = readFileSync(page, 'utf8');
    expectSelfContained(html);
    expect(html).toContain('&#60;script&#62;k&#60;/script&#62;');
    expect(html).toContain('&#60;img src=x&#62;');
  });

  it('a page that cannot be written is a clear error (exit 2)', () => {
    const blocker = write('not-a-folder', []);
    const r = check('--model', 'register', '--html', join(blocker, 'sub', 'page.html'), join(fixtures, 'register-valid-concurrent.jsonl'));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/cannot write the page/);
  });

  it("a register page draws every other operation of the failing key around the evidence, muted, and none of another key's", () => {
    // k1: twelve sequential writes and reads by process 0, then one stale read by process 1; k2 is busy too.
    const lines: unknown[] = [];
    for (let v = 1; v <= 6; v++) {
      lines.push({ process: 0, type: 'invoke', f: 'write', key: 'k1', value: v }, { process: 0, type: 'ok', f: 'write', key: 'k1', value: v });
      lines.push({ process: 2, type: 'invoke', f: 'write', key: 'k2', value: v }, { process: 2, type: 'ok', f: 'write', key: 'k2', value: v });
      lines.push({ process: 0, type: 'invoke', f: 'read', key: 'k1', value: null }, { process: 0, type: 'ok', f: 'read', key: 'k1', value: v });
    }
    lines.push({ process: 1, type: 'invoke', f: 'read', key: 'k1', value: null }, { process: 1, type: 'ok', f: 'read', key: 'k1', value: 2 });
    const file = write('stale-among-many.jsonl', lines);
    const page = join(dir, 'stale-among-many.html');
    const r = spawnSync(process.execPath, [join(root, 'bin', 'faultline.mjs'), 'check', '--model', 'register', '--html', page, file], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(1);
    // The verdict line keeps only the smallest evidence; the page adds the rest of k1.
    const verdict = JSON.parse(r.stdout) as { evidence: { operations: unknown[]; context?: unknown } };
    expect(verdict.evidence.context).toBeUndefined();
    const evidenceOps = verdict.evidence.operations.length;
    const html = readFileSync(page, 'utf8');
    const context = html.match(/class="bar [^"]*\bcontext\b/g) ?? [];
    const all = html.match(/<g class="bar /g) ?? [];
    expect(all.length).toBe(13); // every k1 operation: 6 writes, 6 reads, the stale read
    expect(context.length).toBe(13 - evidenceOps);
    expect(html).toContain('other operations on this key');
    expect(html).not.toContain('→ k2');
  });
});
