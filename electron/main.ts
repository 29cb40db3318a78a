/**
 * The desktop app's main process: a thin shell. It starts the lab in this process
 * (core/supervisor/app-host, bundled with the supervisor by scripts/build-app.mjs), opens
 * one window on the panel that lab serves at http://127.0.0.1:PORT, and wires the menu.
 * Nodes run as this same binary in Node mode from the unpacked bundles; their data lives in
 * the user-data folder. Whatever ends the app ends every node (QuitGuard, and the reaper).
 */
import { app, BrowserWindow, dialog, ipcMain, Menu, nativeTheme, powerMonitor, session } from 'electron';
import { DESKTOP_CHANNELS, isDesktopMenuCommand, type DesktopAppInfo, type DesktopLanguage, type DesktopMenuCommand, type DesktopTheme } from '../core/protocol/desktop';
import { appPaths, appRuntime } from '../core/supervisor/app-host/app-layout';
import { AppHost } from '../core/supervisor/app-host/app-host';
import { classroomCard } from '../core/supervisor/app-host/classroom';
import { QuitGuard } from '../core/supervisor/app-host/quit-guard';
import { isPanelSender } from '../core/supervisor/app-host/sender-policy';
import { bringForward, launchRole } from '../core/supervisor/app-host/single-instance';
import { buildMenu } from './menu';
import { MENU_STRINGS } from './menu-strings';
import { createCardWindow, createPanelWindow, lockContents, lockSession } from './window';

app.enableSandbox();
// npm run test:electron gives each run its own user-data folder (node data included).
if (process.env['FAULTLINE_USER_DATA']) app.setPath('userData', process.env['FAULTLINE_USER_DATA']);

let host: AppHost | undefined;
let window: BrowserWindow | undefined;
let card: BrowserWindow | undefined;
// The menu's own language and theme until chosen (set once the app is ready: the locale is
// known only then); the panel keeps its remembered choice until the menu says otherwise.
let language: DesktopLanguage = 'en';
let theme: DesktopTheme = 'light';

const quit = new QuitGuard(
  async () => {
    card?.destroy();
    await host?.close();
  },
  (code) => app.exit(code),
);

function strings(): (typeof MENU_STRINGS)[DesktopLanguage] {
  return MENU_STRINGS[language];
}

function tellPanel(command: DesktopMenuCommand): void {
  if (window && !window.isDestroyed()) window.webContents.send(DESKTOP_CHANNELS.menu, command);
}

function refreshMenu(): void {
  Menu.setApplicationMenu(
    buildMenu(
      { language, theme, running: host?.isRunning ?? false, classroomOpen: host?.classroomLink !== undefined, devTools: !app.isPackaged },
      {
        startCluster: () => void run(() => host?.startCluster()),
        stopCluster: () => void run(() => host?.stopCluster()),
        openClassroom: () => void run(openClassroom),
        closeClassroom: () => void run(async () => {
          card?.destroy();
          await host?.closeClassroom();
        }),
        setLanguage: (l) => {
          language = l;
          tellPanel({ kind: 'language', language: l });
          refreshMenu();
        },
        setTheme: (t) => {
          theme = t;
          nativeTheme.themeSource = t;
          tellPanel({ kind: 'theme', theme: t });
          refreshMenu();
        },
        about: () => void showAbout(),
      },
    ),
  );
}

/** Runs a menu action; a failure is shown, never thrown into Electron's event loop. */
async function run(action: () => Promise<unknown> | undefined): Promise<void> {
  try {
    await action();
  } catch (e) {
    dialog.showErrorBox('Faultline', (e as Error).message);
  } finally {
    refreshMenu();
  }
}

async function openClassroom(): Promise<void> {
  if (!host || !window) return;
  const link = await host.openClassroom();
  const s = strings();
  const html = await classroomCard(link.viewerUrl, { title: s.classroomTitle, scan: s.classroomScan, warning: s.classroomWarning });
  card?.destroy();
  card = createCardWindow(window, html, s.classroomTitle);
  card.on('closed', () => (card = undefined));
}

async function showAbout(): Promise<void> {
  const s = strings();
  await dialog.showMessageBox({
    type: 'info',
    title: s.about,
    message: `Faultline ${app.getVersion()}`,
    detail: `${s.aboutDetail}\n\nElectron ${process.versions.electron} · Node ${process.versions.node} · Chromium ${process.versions.chrome}\n${app.getPath('userData')}`,
  });
}

async function start(): Promise<void> {
  language = app.getLocale().toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
  theme = nativeTheme.shouldUseDarkColors ? 'dark' : 'light';
  const paths = appPaths({ packaged: app.isPackaged, appPath: app.getAppPath(), resourcesPath: process.resourcesPath, userDataPath: app.getPath('userData') });
  host = await AppHost.open({ rendererDir: paths.rendererDir, dataDir: paths.dataDir, runtime: appRuntime(paths) });
  const origin = host.origin;
  lockSession(session.defaultSession, origin);
  ipcMain.handle(DESKTOP_CHANNELS.appInfo, (event): DesktopAppInfo => {
    if (!isPanelSender(event.senderFrame?.url, origin)) throw new Error('refused: not the panel');
    return { version: app.getVersion(), platform: process.platform, pauseKind: host?.pauseKind ?? 'signal' };
  });
  // The panel's own choice (its switch, or the one it remembered): the menu follows it, so
  // the two never disagree. Not sent back: the panel has it already.
  ipcMain.on(DESKTOP_CHANNELS.chosen, (event, command: unknown) => {
    if (!isPanelSender(event.senderFrame?.url, origin) || !isDesktopMenuCommand(command)) return;
    if (command.kind === 'language') language = command.language;
    else {
      theme = command.theme;
      nativeTheme.themeSource = command.theme;
    }
    refreshMenu();
  });
  window = createPanelWindow(paths.preload, 'Faultline');
  window.once('ready-to-show', () => window?.show());
  window.on('closed', () => (window = undefined));
  // Windows logging off or shutting down: no way to delay it, so stop the nodes now.
  window.on('session-end', () => quit.requestQuit());
  host.lab.on('info', () => refreshMenu());
  refreshMenu();
  await window.loadURL(host.instructorUrl);
  // The page is up first, so the start's progress shows in the panel, never a blank window.
  await host.startCluster().catch((e: unknown) => dialog.showErrorBox(strings().clusterFailed, (e as Error).message));
}

if (launchRole(app.requestSingleInstanceLock()) === 'second') {
  // Another Faultline runs: it comes forward (second-instance below) and this one leaves.
  app.quit();
} else {
  app.on('second-instance', () => bringForward(window));
  app.on('web-contents-created', (_event, contents) => lockContents(contents, () => host?.origin));
  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', (event) => {
    if (quit.requestQuit()) event.preventDefault();
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit());
  app.whenReady().then(
    () => {
      // The OS shutting down or logging out (Linux, macOS; Windows: the window's session-end).
      powerMonitor.on('shutdown', () => app.quit());
      return start();
    },
  ).catch(async (e: unknown) => {
    dialog.showErrorBox('Faultline', `The lab could not start: ${(e as Error).message}`);
    await host?.close().catch(() => {});
    app.exit(1);
  });
}
