/** The menu bar: cluster start/stop, the classroom, language, theme, about. */
import { Menu, type MenuItemConstructorOptions } from 'electron';
import { DESKTOP_LANGUAGES, type DesktopLanguage, type DesktopTheme } from '../core/protocol/desktop';
import { LANGUAGE_NAMES, MENU_STRINGS } from './menu-strings';

export interface MenuState {
  readonly language: DesktopLanguage;
  readonly theme: DesktopTheme;
  readonly running: boolean;
  readonly classroomOpen: boolean;
  /** Developer tools only outside a packaged app. */
  readonly devTools: boolean;
}

export interface MenuActions {
  startCluster(): void;
  stopCluster(): void;
  openClassroom(): void;
  closeClassroom(): void;
  setLanguage(language: DesktopLanguage): void;
  setTheme(theme: DesktopTheme): void;
  about(): void;
}

export function buildMenu(state: MenuState, actions: MenuActions): Menu {
  const s = MENU_STRINGS[state.language];
  const isMac = process.platform === 'darwin';
  const cluster: MenuItemConstructorOptions = {
    label: s.cluster,
    submenu: [
      { label: s.start, accelerator: 'CmdOrCtrl+Shift+S', click: () => actions.startCluster() },
      { label: s.stop, accelerator: 'CmdOrCtrl+Shift+X', enabled: state.running, click: () => actions.stopCluster() },
      { type: 'separator' },
      state.classroomOpen ? { label: s.closeClassroom, click: () => actions.closeClassroom() } : { label: s.openClassroom, click: () => actions.openClassroom() },
      ...(isMac ? [] : [{ type: 'separator' } as const, { label: s.quit, role: 'quit' } as const]),
    ],
  };
  const view: MenuItemConstructorOptions = {
    label: s.view,
    submenu: [
      {
        label: s.language,
        submenu: DESKTOP_LANGUAGES.map((language) => ({ label: LANGUAGE_NAMES[language], type: 'radio' as const, checked: language === state.language, click: () => actions.setLanguage(language) })),
      },
      {
        label: s.theme,
        submenu: (['light', 'dark'] as const).map((theme) => ({ label: s[theme], type: 'radio' as const, checked: theme === state.theme, click: () => actions.setTheme(theme) })),
      },
      { type: 'separator' },
      { label: s.reload, role: 'reload' },
      ...(state.devTools ? [{ label: s.devTools, role: 'toggleDevTools' } as const] : []),
    ],
  };
  const help: MenuItemConstructorOptions = { label: s.help, submenu: [{ label: s.about, click: () => actions.about() }] };
  // macOS puts the app's own menu first (about and quit live there).
  const appMenu: MenuItemConstructorOptions[] = isMac ? [{ label: 'Faultline', submenu: [{ label: s.about, click: () => actions.about() }, { type: 'separator' }, { label: s.quit, role: 'quit' }] }] : [];
  const edit: MenuItemConstructorOptions = { role: 'editMenu' };
  return Menu.buildFromTemplate([...appMenu, cluster, edit, view, help]);
}
