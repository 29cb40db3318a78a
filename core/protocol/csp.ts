/**
 * The one Content-Security-Policy of the panel: sent by the supervisor with every HTTP
 * response of the panel server, and set on the Electron window later. No 'unsafe-eval':
 * the panel's i18n uses precompiled messages; inline styles are allowed for Vue bindings.
 */
export const PANEL_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self' ws: wss:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');
