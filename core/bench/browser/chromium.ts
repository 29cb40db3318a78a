/**
 * Debian's chromium, driven by playwright-core over CDP (playwright's own browser download
 * cannot run on these machines). Shared by the panel's e2e tests (test/e2e) and the panel
 * bench (core/bench/panel.bench.ts), which is why it lives here and not under test/. Every launch gets a fresh profile in a temp directory,
 * removed when the browser closes, so no test sees another's storage (the panel remembers
 * its language there).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Flags for a quiet, offline, headless chromium that never phones home. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
] as const;

export function hasChromium(): boolean {
  return existsSync(CHROMIUM_PATH);
}

export interface Browser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

export interface LaunchOptions {
  /** The page's viewport; the panel is designed for 1280×720 and 1920×1080. */
  viewport?: { width: number; height: number };
  /** The browser's language (navigator.language), which the panel follows by default. */
  locale?: string;
  /** Extra chromium flags (the bench adds --js-flags=--expose-gc). */
  extraArgs?: string[];
}

export async function launchBrowser(options: LaunchOptions = {}): Promise<Browser> {
  const profile = await mkdtemp(join(tmpdir(), 'faultline-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [...CHROMIUM_ARGS, ...(options.extraArgs ?? [])],
      viewport: options.viewport ?? { width: 1280, height: 720 },
      locale: options.locale ?? 'en-US',
      timeout: 60_000,
      // Debian's build starts crashpad, which otherwise keeps its database in ~/.config/chromium.
      env: { ...process.env, BREAKPAD_DUMP_LOCATION: join(profile, 'crashes') },
    });
  } catch (e) {
    await rm(profile, { recursive: true, force: true });
    throw e;
  }
  return {
    context,
    async close() {
      await context.close().catch(() => {});
      await rm(profile, { recursive: true, force: true });
    },
  };
}
