/**
 * The desktop window's bridge: the one small API the preload (electron/preload.ts) exposes
 * to the panel as `window.faultlineDesktop`, and the channels behind it. The panel imports
 * these types only; in a plain browser the bridge is absent and the panel works as it is.
 */

export type DesktopLanguage = 'en' | 'zh-CN';
export type DesktopTheme = 'light' | 'dark';

/** Menu choices the panel applies (the menu bar lives in the main process). */
export type DesktopMenuCommand = { readonly kind: 'language'; readonly language: DesktopLanguage } | { readonly kind: 'theme'; readonly theme: DesktopTheme };

export interface DesktopAppInfo {
  readonly version: string;
  readonly platform: string;
  /** How a node pause is done here: SIGSTOP, or the node's own freeze (Windows). */
  readonly pauseKind: 'signal' | 'control';
}

export interface DesktopBridge {
  /** Calls `listener` for each menu choice; returns a function that stops listening. */
  onMenu(listener: (command: DesktopMenuCommand) => void): () => void;
  /** The panel's own language or theme (chosen in the panel, or remembered): the menu shows it checked and speaks it. */
  chosen(command: DesktopMenuCommand): void;
  appInfo(): Promise<DesktopAppInfo>;
}

export const DESKTOP_CHANNELS = {
  /** main -> panel: a DesktopMenuCommand. */
  menu: 'faultline:menu',
  /** panel -> main (invoke): DesktopAppInfo. */
  appInfo: 'faultline:app-info',
  /** panel -> main: a DesktopMenuCommand the panel chose itself. */
  chosen: 'faultline:chosen',
} as const;

export const DESKTOP_LANGUAGES: readonly DesktopLanguage[] = ['en', 'zh-CN'];

/** The preload forwards only well-formed commands (the main process is trusted, but typed is typed). */
export function isDesktopMenuCommand(value: unknown): value is DesktopMenuCommand {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  if (v['kind'] === 'language') return DESKTOP_LANGUAGES.includes(v['language'] as DesktopLanguage);
  if (v['kind'] === 'theme') return v['theme'] === 'light' || v['theme'] === 'dark';
  return false;
}
