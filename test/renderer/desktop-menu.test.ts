/**
 * The desktop menu's language and theme reach the panel's ui store (and so the page and
 * its remembered choice), and the panel's own choices reach the menu; without the bridge
 * (a plain browser) nothing is hooked.
 */
import { describe, expect, it } from 'vitest';
import { createPinia } from 'pinia';
import type { DesktopBridge, DesktopMenuCommand } from '../../core/protocol/desktop';
import { followDesktopMenu } from '../../renderer/src/desktop';
import { useUiStore } from '../../renderer/src/stores/ui';

/** What the preload exposes, driven by the test instead of the main process. */
function bridge(): DesktopBridge & { send(c: DesktopMenuCommand): void; listeners: number; told: DesktopMenuCommand[] } {
  const listeners = new Set<(c: DesktopMenuCommand) => void>();
  const told: DesktopMenuCommand[] = [];
  return {
    onMenu(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    chosen: (c) => told.push(c),
    told,
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

  it("tells the menu the panel's remembered choice at once, then each choice made in the panel, until stopped", () => {
    const ui = useUiStore(createPinia());
    ui.language = 'zh-CN';
    ui.theme = 'dark';
    const b = bridge();
    const stop = followDesktopMenu(ui, b);
    expect(b.told).toEqual([
      { kind: 'language', language: 'zh-CN' },
      { kind: 'theme', theme: 'dark' },
    ]);
    ui.language = 'en';
    ui.theme = 'light';
    expect(b.told.slice(2)).toEqual([
      { kind: 'language', language: 'en' },
      { kind: 'theme', theme: 'light' },
    ]);
    // A choice from the menu lands in the store and is echoed once: the main process ignores a
    // choice it already holds (no loop: it does not send the panel's choices back).
    b.send({ kind: 'language', language: 'zh-CN' });
    expect(b.told.at(-1)).toEqual({ kind: 'language', language: 'zh-CN' });
    stop?.();
    const before = b.told.length;
    ui.theme = 'dark';
    expect(b.told).toHaveLength(before);
  });

  it('does nothing in a plain browser', () => {
    const ui = useUiStore(createPinia());
    expect(followDesktopMenu(ui, undefined)).toBeUndefined();
  });
});
