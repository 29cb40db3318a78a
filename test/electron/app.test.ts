/**
 * The real desktop app (only with `npm run test:electron`, which finds Electron's binary and
 * a display): it opens one window on the panel, every node turns healthy there, and quitting
 * leaves no process behind. Elsewhere this file is skipped with the reason.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron } from 'playwright-core';
import { nodeStateTestId } from '../../renderer/src/testids';
import { waitFor } from '../support/wait';

const binary = process.env['FAULTLINE_ELECTRON_BINARY'];
const root = fileURLToPath(new URL('../..', import.meta.url));
const runnable = binary !== undefined && existsSync(binary);

/** Pids whose command line mentions `needle` (the test's own user-data folder). */
function processesMentioning(needle: string): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return readFileSync(`/proc/${d}/cmdline`, 'utf8').includes(needle);
      } catch {
        return false;
      }
    })
    .map(Number);
}

(runnable ? describe : describe.skip)(`desktop app${runnable ? '' : ' (skipped: run npm run test:electron where Electron is installed)'}`, () => {
  it('opens the panel, every node turns healthy in the window, and quitting leaves nothing running', async () => {
    const userData = await mkdtemp(join(tmpdir(), 'faultline-electron-'));
    const app = await _electron.launch({
      executablePath: binary!,
      args: [root, ...(process.getuid?.() === 0 ? ['--no-sandbox'] : [])],
      env: { ...process.env, FAULTLINE_USER_DATA: userData } as Record<string, string>,
    });
    try {
      const window = await app.firstWindow();
      expect(new URL(window.url()).origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      for (const node of ['n1', 'n2', 'n3', 'n4', 'n5']) {
        await window.getByTestId(nodeStateTestId(node)).and(window.locator('[data-health="up"]')).waitFor({ timeout: 60_000 });
      }
      const bridge = await window.evaluate('typeof window.faultlineDesktop?.onMenu');
      expect(bridge).toBe('function');
      expect(await window.evaluate('typeof require')).toBe('undefined'); // no Node in the page
      expect(processesMentioning(userData).length).toBeGreaterThanOrEqual(5);
      await app.evaluate(({ app: electronApp }) => electronApp.quit());
      await waitFor('every process of the app gone', () => (processesMentioning(userData).length === 0 ? true : undefined), 20_000);
    } finally {
      await app.close().catch(() => {});
      await rm(userData, { recursive: true, force: true, maxRetries: 3 });
    }
  }, 180_000);
});
