/**
 * One app at a time: a second launch must not start a second cluster, it brings the first
 * one's window forward. Electron's requestSingleInstanceLock() says which launch this is;
 * the decision and the focusing are here, in plain code.
 */

export type LaunchRole = 'first' | 'second';

/** `gotLock`: what app.requestSingleInstanceLock() returned. The second launch quits at once. */
export function launchRole(gotLock: boolean): LaunchRole {
  return gotLock ? 'first' : 'second';
}

/** The part of a BrowserWindow that focusing needs. */
export interface FocusableWindow {
  isDestroyed(): boolean;
  isMinimized(): boolean;
  restore(): void;
  show(): void;
  focus(): void;
}

/** The first instance, told of a second launch: its window comes forward, restored if minimized. */
export function bringForward(window: FocusableWindow | undefined): boolean {
  if (!window || window.isDestroyed()) return false;
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
  return true;
}
