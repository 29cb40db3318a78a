/**
 * Inside the desktop app, the menu bar's language and theme apply to the panel (the preload
 * exposes window.faultlineDesktop; core/protocol/desktop.ts), and the panel's own choice
 * (its switches, or the one it remembered) goes back to the menu, so the two always agree.
 * In a plain browser there is no bridge and nothing changes. The ui store remembers the
 * choice as if made in the panel.
 */
import { watch } from 'vue';
import type { DesktopBridge, DesktopMenuCommand } from '../../core/protocol/desktop';
import type { Language } from './i18n/types';
import type { Theme } from './stores/ui';

export interface MenuTarget {
  language: Language;
  theme: Theme;
}

export function applyMenuCommand(ui: MenuTarget, command: DesktopMenuCommand): void {
  switch (command.kind) {
    case 'language':
      ui.language = command.language;
      return;
    case 'theme':
      ui.theme = command.theme;
      return;
    default: {
      const never: never = command;
      throw new Error(`unknown menu command ${JSON.stringify(never)}`);
    }
  }
}

/** Follows the desktop menu and tells it the panel's choices; returns how to stop, or undefined in a browser. */
export function followDesktopMenu(ui: MenuTarget, bridge = (globalThis as { faultlineDesktop?: DesktopBridge }).faultlineDesktop): (() => void) | undefined {
  if (!bridge) return undefined;
  const stopMenu = bridge.onMenu((command) => applyMenuCommand(ui, command));
  // Immediate: the menu starts from the system's locale and theme, the panel from what it remembered.
  const stopLanguage = watch(() => ui.language, (language) => bridge.chosen({ kind: 'language', language }), { immediate: true, flush: 'sync' });
  const stopTheme = watch(() => ui.theme, (theme) => bridge.chosen({ kind: 'theme', theme }), { immediate: true, flush: 'sync' });
  return () => {
    stopMenu();
    stopLanguage();
    stopTheme();
  };
}
