/**
 * What every e2e file starts with: a describe that runs only where Debian's chromium is
 * installed (CI installs it in .ci/run, so there it always runs) and that refuses, with the
 * fix in the message, to run against a panel that was never built.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe } from 'vitest';
import { CHROMIUM_PATH, hasChromium } from '../../../core/bench/browser/chromium';

const BUILT_PANEL = fileURLToPath(new URL('../../../dist/renderer/index.html', import.meta.url));

let warned = false;

/** describe() for a browser test: skipped, with a message saying why, when chromium is absent. */
export function describeE2E(name: string, body: () => void): void {
  if (!hasChromium()) {
    if (!warned) {
      warned = true;
      console.warn(`e2e: skipped, ${CHROMIUM_PATH} is not installed (apt-get install -y chromium fonts-noto-cjk; .ci/run does this)`);
    }
    describe.skip(`${name} (skipped: no ${CHROMIUM_PATH})`, body);
    return;
  }
  if (!existsSync(BUILT_PANEL)) {
    throw new Error(`e2e: the panel is not built (${BUILT_PANEL} is missing): run npm run build:panel (npm ci runs it)`);
  }
  describe(name, body);
}
