/**
 * Windows and what they may do (Electron's security checklist): context isolation, the
 * sandbox, no Node in the page, the panel's Content-Security-Policy on every response,
 * nothing loaded from anywhere but the panel's own origin, navigation and new windows
 * refused, no <webview>, no permission granted.
 */
import { BrowserWindow, session, type Session, type WebContents } from 'electron';
import { PANEL_CSP } from '../core/protocol/csp';
import { mayNavigate, mayRequest } from '../core/supervisor/app-host/sender-policy';

const LOCKED_DOWN = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  spellcheck: false,
  navigateOnDragDrop: false,
} as const;

/** The session's rules: only the panel's origin, its CSP on every response, no permissions. */
export function lockSession(ses: Session, panelOrigin: string): void {
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.webRequest.onBeforeRequest((details, callback) => callback({ cancel: !mayRequest(details.url, panelOrigin) }));
  ses.webRequest.onHeadersReceived((details, callback) => {
    // The supervisor sends this CSP already; setting it here too covers any panel response
    // (the developer tools, outside a package, keep their own).
    if (!mayNavigate(details.url, panelOrigin)) return callback({});
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [PANEL_CSP] } });
  });
}

/** Every web contents the app creates: no navigation away, no new windows, no webviews. */
export function lockContents(contents: WebContents, panelOrigin: () => string | undefined): void {
  const guard = (event: { preventDefault(): void }, url: string): void => {
    const origin = panelOrigin();
    if (origin === undefined || !mayNavigate(url, origin)) event.preventDefault();
  };
  contents.on('will-navigate', guard);
  contents.on('will-redirect', guard);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

export function createPanelWindow(preload: string, title: string): BrowserWindow {
  return new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 1024,
    minHeight: 640,
    title,
    show: false,
    backgroundColor: '#101418',
    webPreferences: { ...LOCKED_DOWN, preload, session: session.defaultSession },
  });
}

/**
 * The classroom card (viewer link and QR code): a self-contained page in its own session,
 * no preload, so it can reach nothing (its own CSP allows only its inline style and SVG).
 */
export function createCardWindow(parent: BrowserWindow, html: string, title: string): BrowserWindow {
  const card = new BrowserWindow({
    parent,
    width: 640,
    height: 820,
    title,
    webPreferences: { ...LOCKED_DOWN, session: session.fromPartition('faultline-card') },
  });
  card.setMenuBarVisibility(false);
  void card.loadURL(`data:text/html;charset=utf-8;base64,${Buffer.from(html).toString('base64')}`);
  return card;
}
