/**
 * The panel's HTTP side on the Lab's server: the built panel (dist/renderer) as static
 * files, every response with the strict Content-Security-Policy (core/protocol/csp.ts)
 * and no-sniff/no-referrer headers, and GET /history.jsonl for the last workload's
 * history (token in `Authorization: Bearer` or `?token=`; viewers may download too).
 * Paths never leave the static folder. When the panel is not built the page says how to
 * build it instead of a blank 404.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { PANEL_CSP } from '../../protocol/csp';
import type { PanelRole } from '../../protocol/panel';
import type { SupervisorHttpServer } from '../http-server';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

export interface PanelServerOptions {
  /** The built panel (dist/renderer). */
  readonly staticDir: string;
  /** The role a token grants, or undefined. */
  authorize(token: string | undefined): PanelRole | undefined;
  /** The last workload's history file, if any. */
  historyFile(): string | undefined;
}

export function securityHeaders(): Record<string, string> {
  return {
    'content-security-policy': PANEL_CSP,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
  };
}

export const NOT_BUILT_MESSAGE = 'The panel is not built yet. Build it with: npm run build:panel (npm ci does it too), then reload this page.';

export function servePanel(server: SupervisorHttpServer, options: PanelServerOptions): void {
  const root = resolve(options.staticDir);
  server.http((req, res) => {
    void handle(req, res, root, options).catch(() => {
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'internal error\n');
      else res.destroy();
    });
    return true;
  });
}

function send(res: ServerResponse, status: number, type: string, body: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { ...securityHeaders(), 'content-type': type, 'cache-control': 'no-store', ...extra }).end(body);
}

async function handle(req: IncomingMessage, res: ServerResponse, root: string, options: PanelServerOptions): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain; charset=utf-8', 'only GET and HEAD\n', { allow: 'GET, HEAD' });
  const url = new URL(req.url ?? '/', 'http://panel.invalid');
  if (url.pathname === '/history.jsonl') return history(req, res, url, options);
  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    return send(res, 400, 'text/plain; charset=utf-8', 'bad path\n');
  }
  if (path.includes('\0')) return send(res, 400, 'text/plain; charset=utf-8', 'bad path\n');
  const file = resolve(join(root, normalize(path)));
  if (file !== root && !file.startsWith(root + sep)) return send(res, 404, 'text/plain; charset=utf-8', 'not found\n');
  const found = await fileAt(file);
  if (found) return stream(req, res, found, TYPES[extname(found)] ?? 'application/octet-stream', found.endsWith('index.html') ? 'no-store' : 'no-cache');
  // An asset that is missing is a 404; any other path is the single-page panel.
  if (extname(path) !== '' && extname(path) !== '.html') return send(res, 404, 'text/plain; charset=utf-8', 'not found\n');
  const index = await fileAt(join(root, 'index.html'));
  if (!index) return send(res, 503, 'text/html; charset=utf-8', notBuiltPage());
  return stream(req, res, index, TYPES['.html']!, 'no-store');
}

async function fileAt(path: string): Promise<string | undefined> {
  try {
    const s = await stat(path);
    if (s.isFile()) return path;
    if (s.isDirectory()) {
      const index = join(path, 'index.html');
      if ((await stat(index)).isFile()) return index;
    }
  } catch {
    // missing
  }
  return undefined;
}

function stream(req: IncomingMessage, res: ServerResponse, file: string, type: string, cache: string, extra: Record<string, string> = {}): void {
  res.writeHead(200, { ...securityHeaders(), 'content-type': type, 'cache-control': cache, ...extra });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  const s = createReadStream(file);
  s.on('error', () => res.destroy());
  s.pipe(res);
}

function history(req: IncomingMessage, res: ServerResponse, url: URL, options: PanelServerOptions): void {
  const header = req.headers['authorization'];
  const bearer = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7) : undefined;
  const token = bearer ?? url.searchParams.get('token') ?? undefined;
  if (options.authorize(token) === undefined) return send(res, 401, 'text/plain; charset=utf-8', 'missing or wrong token\n', { 'www-authenticate': 'Bearer' });
  const file = options.historyFile();
  if (file === undefined) return send(res, 404, 'text/plain; charset=utf-8', 'no workload has run yet\n');
  stat(file).then(
    () => stream(req, res, file, 'application/x-ndjson; charset=utf-8', 'no-store', { 'content-disposition': 'attachment; filename="history.jsonl"' }),
    () => send(res, 404, 'text/plain; charset=utf-8', 'no workload has run yet\n'),
  );
}

function notBuiltPage(): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Faultline</title></head><body><h1>Faultline</h1><p>${NOT_BUILT_MESSAGE}</p><p>面板尚未构建：请运行 npm run build:panel，然后刷新本页。</p></body></html>\n`;
}
