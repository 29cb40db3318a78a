/**
 * The desktop menu's language and theme reach the panel's ui store (and so the page and
 * its remembered choice); without the bridge (a plain browser) nothing is hooked.
 */
import { describe, expect, it } from 'vitest';
import { createPinia } from 'pinia';
import type { DesktopBridge, DesktopMenuCommand } from '../../core/protocol/desktop';
import { followDesktopMenu } from '../../renderer/src/desktop';
import { useUiStore } from '../../renderer/src/stores/ui';

/** What the preload exposes, driven by the test instead of the main process. */
function bridge(): DesktopBridge & { send(c: DesktopMenuCommand): void; listeners: number } {
  const listeners = new Set<(c: DesktopMenuCommand) => void>();
  return {
    onMenu(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    appInfo: async () => ({ version: '0.0.0', platform: 'linux', pauseKind: 'signal' }),
    send: (c) => listeners.forEach((l) => l(c)),
    get listeners() {
      return listeners.size;
    },
  };
}

describe('desktop menu in the panel', () => {
  it('applies language and theme from the menu, and stops when asked', () => {
    const ui = useUiStore(createPinia());
    const b = bridge();
    const stop = followDesktopMenu(ui, b);
    b.send({ kind: 'language', language: 'zh-CN' });
    b.send({ kind: 'theme', theme: 'dark' });
    expect(ui.language).toBe('zh-CN');
    expect(ui.theme).toBe('dark');
    b.send({ kind: 'language', language: 'en' });
    expect(ui.language).toBe('en');
    stop?.();
    expect(b.listeners).toBe(0);
    b.send({ kind: 'theme', theme: 'light' });
    expect(ui.theme).toBe('dark');
  });

  it('does nothing in a plain browser', () => {
    const ui = useUiStore(createPinia());
    expect(followDesktopMenu(ui, undefined)).toBeUndefined();
  });
});
