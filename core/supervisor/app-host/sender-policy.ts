/**
 * What the window may load and who may talk to the main process: only the panel's own
 * origin (http://127.0.0.1:PORT of the in-process supervisor). Everything else — another
 * site, another port, file:, a link the panel happens to show — is refused. Electron's
 * checklist: validate every IPC sender, block navigation and new windows, no remote content.
 */

function originOf(url: string | undefined): string | undefined {
  if (url === undefined || url === '') return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.origin : undefined;
  } catch {
    return undefined;
  }
}

/** An IPC message is honoured only from a frame showing the panel's own origin. */
export function isPanelSender(frameUrl: string | undefined, panelOrigin: string): boolean {
  return originOf(frameUrl) === panelOrigin;
}

/** The window may move within the panel (hash, reload), never away from it. */
export function mayNavigate(url: string, panelOrigin: string): boolean {
  return originOf(url) === panelOrigin;
}

/**
 * A request the window may make: the panel's origin over HTTP and its WebSocket, plus
 * in-memory schemes the panel uses (data:, blob:) and the devtools' own. No remote content.
 */
export function mayRequest(url: string, panelOrigin: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  switch (parsed.protocol) {
    case 'http:':
      return parsed.origin === panelOrigin;
    case 'ws:':
      return `http://${parsed.host}` === panelOrigin;
    case 'data:':
    case 'blob:':
    case 'devtools:':
      return true;
    default:
      return false;
  }
}
