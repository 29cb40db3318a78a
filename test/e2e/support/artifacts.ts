/**
 * Screenshots of the panel, saved as test artifacts under test-artifacts/ (git-ignored; CI
 * keeps the folder). Named <case>-<view>-<lang>-<width>x<height>.png.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';

export const ARTIFACTS_DIR = fileURLToPath(new URL('../../../test-artifacts', import.meta.url));

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const size = page.viewportSize();
  const file = join(ARTIFACTS_DIR, `${name}${size ? `-${size.width}x${size.height}` : ''}.png`);
  await page.screenshot({ path: file });
  return file;
}
