/**
 * The window's preload (sandboxed, context-isolated): exposes exactly DesktopBridge as
 * window.faultlineDesktop, never ipcRenderer itself. Three channels, all named in
 * core/protocol/desktop.ts.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { DESKTOP_CHANNELS, isDesktopMenuCommand, type DesktopAppInfo, type DesktopBridge, type DesktopMenuCommand } from '../core/protocol/desktop';

const bridge: DesktopBridge = {
  onMenu(listener: (command: DesktopMenuCommand) => void): () => void {
    const forward = (_event: IpcRendererEvent, command: unknown): void => {
      if (isDesktopMenuCommand(command)) listener(command);
    };
    ipcRenderer.on(DESKTOP_CHANNELS.menu, forward);
    return () => {
      ipcRenderer.off(DESKTOP_CHANNELS.menu, forward);
    };
  },
  chosen(command: DesktopMenuCommand): void {
    if (isDesktopMenuCommand(command)) ipcRenderer.send(DESKTOP_CHANNELS.chosen, command);
  },
  appInfo: () => ipcRenderer.invoke(DESKTOP_CHANNELS.appInfo) as Promise<DesktopAppInfo>,
};

contextBridge.exposeInMainWorld('faultlineDesktop', bridge);
