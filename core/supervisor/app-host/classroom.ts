/**
 * "Open to the classroom": the panel's --host mode from the desktop app. The panel's server
 * stays bound to 127.0.0.1; a second listener on the machine's network address hands its
 * connections to the same server, so the learners' laptops reach the page and its /panel
 * socket (never /node: that route stays loopback-only). The viewer link carries the network
 * address, and a QR code of it is shown for phones and laptops to scan.
 */
import { createServer, isIP, type Socket } from 'node:net';
import type { Server as HttpServer } from 'node:http';
import { networkInterfaces } from 'node:os';
import QRCode from 'qrcode';

/** This machine's IPv4 addresses a classroom network can reach (no loopback), best first. */
export function classroomAddresses(interfaces = networkInterfaces()): string[] {
  const found = Object.values(interfaces)
    .flat()
    .filter((a): a is NonNullable<typeof a> => a !== undefined && !a.internal && a.family === 'IPv4')
    .map((a) => a.address);
  // Private LAN ranges first: that is where a classroom is; link-local (169.254) last.
  const rank = (ip: string): number => (ip.startsWith('169.254.') ? 2 : /^(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.)/.test(ip) ? 0 : 1);
  return [...new Set(found)].sort((a, b) => rank(a) - rank(b));
}

export function urlHost(address: string): string {
  return isIP(address) === 6 ? `[${address}]` : address;
}

export interface Relay {
  readonly port: number;
  /** Stops listening and drops every connection that came through it. */
  close(): Promise<void>;
}

/** Listens on address:port and gives every connection to `target` (the panel's server). */
export async function relayListener(target: HttpServer, address: string, port: number): Promise<Relay> {
  const sockets = new Set<Socket>();
  const relay = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    target.emit('connection', socket);
  });
  await new Promise<void>((resolve, reject) => {
    relay.once('error', reject);
    relay.listen(port, address, () => {
      relay.off('error', reject);
      resolve();
    });
  });
  const bound = relay.address();
  if (bound === null || typeof bound === 'string') throw new Error('the classroom listener has no TCP address');
  return {
    port: bound.port,
    close: () =>
      new Promise<void>((resolve) => {
        relay.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

/** The QR code of a link, as SVG markup (black on white, a quiet zone around it). */
export function qrSvg(link: string): Promise<string> {
  return QRCode.toString(link, { type: 'svg', margin: 2, errorCorrectionLevel: 'M', color: { dark: '#000000', light: '#ffffff' } });
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Content-Security-Policy of the classroom card: nothing but its own inline style and SVG. */
export const CARD_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

/**
 * A self-contained page with the viewer link and its QR code, large enough to project.
 * `labels` are in the app's language (the menu's strings).
 */
export async function classroomCard(link: string, labels: { title: string; scan: string; warning: string }): Promise<string> {
  const svg = await qrSvg(link);
  return `<!doctype html>
<html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CARD_CSP}">
<title>${escapeHtml(labels.title)}</title>
<style>
body { margin: 0; font: 20px/1.4 system-ui, 'Noto Sans CJK SC', sans-serif; background: #fff; color: #111; text-align: center; }
main { padding: 24px; }
.qr svg { width: min(70vmin, 520px); height: auto; }
.link { font: 22px/1.3 ui-monospace, monospace; word-break: break-all; user-select: all; }
.warn { color: #b00020; font-size: 16px; }
</style></head>
<body><main>
<h1>${escapeHtml(labels.title)}</h1>
<p>${escapeHtml(labels.scan)}</p>
<div class="qr" data-testid="classroom-qr">${svg}</div>
<p class="link" data-testid="classroom-link">${escapeHtml(link)}</p>
<p class="warn">${escapeHtml(labels.warning)}</p>
</main></body></html>`;
}
