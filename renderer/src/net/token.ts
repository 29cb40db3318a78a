/**
 * The panel's token comes from the page's fragment (`#token=...`), which browsers never send
 * in HTTP requests; it goes only into the WebSocket URL (the supervisor checks it at upgrade).
 */
export function tokenFromHash(hash: string): string | null {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const token = params.get('token');
  return token !== null && token.trim() !== '' ? token.trim() : null;
}

/** ws(s)://host/panel?token=..., the same origin as the page (the only one allowed). */
export function panelUrl(location: Pick<Location, 'protocol' | 'host'>, token: string): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/panel?token=${encodeURIComponent(token)}`;
}
