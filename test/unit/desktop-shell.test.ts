/**
 * The desktop shell's decisions, as plain code: who may send IPC (the panel's own origin
 * only), where the window may go and what it may load, the single-instance decision and
 * the focusing of the first window, the bridge's command check, and the menu in both
 * languages.
 */
import { describe, expect, it } from 'vitest';
import { isDesktopMenuCommand } from '../../core/protocol/desktop';
import { classroomAddresses, classroomCard, CARD_CSP } from '../../core/supervisor/app-host/classroom';
import { isPanelSender, mayNavigate, mayRequest } from '../../core/supervisor/app-host/sender-policy';
import { bringForward, launchRole, type FocusableWindow } from '../../core/supervisor/app-host/single-instance';
import { LANGUAGE_NAMES, MENU_STRINGS } from '../../electron/menu-strings';

const PANEL = 'http://127.0.0.1:41234';

describe('IPC senders', () => {
  it('honours only a frame showing the panel origin', () => {
    expect(isPanelSender(`${PANEL}/#token=abc`, PANEL)).toBe(true);
    expect(isPanelSender(`${PANEL}/index.html?x=1`, PANEL)).toBe(true);
    for (const other of [
      'http://127.0.0.1:41235/', // another port on this machine
      'http://localhost:41234/', // same port, another origin
      'https://127.0.0.1:41234/',
      'http://127.0.0.1.evil.example:41234/',
      'file:///etc/passwd',
      'data:text/html,hi',
      'about:blank',
      '',
      'not a url',
      undefined,
    ]) {
      expect(isPanelSender(other, PANEL), String(other)).toBe(false);
    }
  });
});

describe('navigation and requests', () => {
  it('the window stays on the panel', () => {
    expect(mayNavigate(`${PANEL}/#token=x`, PANEL)).toBe(true);
    expect(mayNavigate('https://example.com/', PANEL)).toBe(false);
    expect(mayNavigate('file:///home/user/', PANEL)).toBe(false);
    expect(mayNavigate('javascript:alert(1)', PANEL)).toBe(false);
  });

  it('loads nothing remote: the panel origin, its socket, data: and blob: only', () => {
    expect(mayRequest(`${PANEL}/assets/index-abc.js`, PANEL)).toBe(true);
    expect(mayRequest('ws://127.0.0.1:41234/panel?token=x', PANEL)).toBe(true);
    expect(mayRequest('data:image/png;base64,AAAA', PANEL)).toBe(true);
    expect(mayRequest('blob:http://127.0.0.1:41234/uuid', PANEL)).toBe(true);
    expect(mayRequest('ws://127.0.0.1:1/node', PANEL)).toBe(false);
    expect(mayRequest('https://fonts.example.com/font.woff2', PANEL)).toBe(false);
    expect(mayRequest('http://127.0.0.1:41235/', PANEL)).toBe(false);
    expect(mayRequest('file:///etc/hosts', PANEL)).toBe(false);
    expect(mayRequest('nonsense', PANEL)).toBe(false);
  });
});

describe('single instance', () => {
  it('the launch without the lock is the second one', () => {
    expect(launchRole(true)).toBe('first');
    expect(launchRole(false)).toBe('second');
  });

  function recordingWindow(minimized: boolean, destroyed = false): FocusableWindow & { calls: string[] } {
    const calls: string[] = [];
    return {
      calls,
      isDestroyed: () => destroyed,
      isMinimized: () => minimized,
      restore: () => calls.push('restore'),
      show: () => calls.push('show'),
      focus: () => calls.push('focus'),
    };
  }

  it('a second launch brings the first window forward, restored if minimized', () => {
    const minimized = recordingWindow(true);
    expect(bringForward(minimized)).toBe(true);
    expect(minimized.calls).toEqual(['restore', 'show', 'focus']);
    const behind = recordingWindow(false);
    expect(bringForward(behind)).toBe(true);
    expect(behind.calls).toEqual(['show', 'focus']);
    expect(bringForward(recordingWindow(false, true))).toBe(false);
    expect(bringForward(undefined)).toBe(false);
  });
});

describe('bridge and menu', () => {
  it('the preload forwards only well-formed menu commands', () => {
    expect(isDesktopMenuCommand({ kind: 'language', language: 'zh-CN' })).toBe(true);
    expect(isDesktopMenuCommand({ kind: 'theme', theme: 'dark' })).toBe(true);
    expect(isDesktopMenuCommand({ kind: 'language', language: 'fr' })).toBe(false);
    expect(isDesktopMenuCommand({ kind: 'theme', theme: 'neon' })).toBe(false);
    expect(isDesktopMenuCommand({ kind: 'eval', code: '1' })).toBe(false);
    expect(isDesktopMenuCommand(null)).toBe(false);
    expect(isDesktopMenuCommand('language')).toBe(false);
  });

  it('has every menu word in both languages, none left empty or untranslated', () => {
    const en = MENU_STRINGS.en;
    const zh = MENU_STRINGS['zh-CN'];
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(en[key].trim(), key).not.toBe('');
      expect(zh[key], key).not.toBe(en[key]);
    }
    expect(Object.keys(LANGUAGE_NAMES).sort()).toEqual(Object.keys(MENU_STRINGS).sort());
  });
});

describe('classroom', () => {
  it('prefers a private LAN address and never offers loopback', () => {
    const addresses = classroomAddresses({
      lo: [{ address: '127.0.0.1', netmask: '255.0.0.0', family: 'IPv4', mac: '00:00:00:00:00:00', internal: true, cidr: '127.0.0.1/8' }],
      eth0: [
        { address: '169.254.3.4', netmask: '255.255.0.0', family: 'IPv4', mac: 'aa:bb:cc:dd:ee:ff', internal: false, cidr: '169.254.3.4/16' },
        { address: '203.0.113.9', netmask: '255.255.255.0', family: 'IPv4', mac: 'aa:bb:cc:dd:ee:ff', internal: false, cidr: '203.0.113.9/24' },
        { address: '192.168.1.20', netmask: '255.255.255.0', family: 'IPv4', mac: 'aa:bb:cc:dd:ee:ff', internal: false, cidr: '192.168.1.20/24' },
        { address: 'fe80::1', netmask: 'ffff:ffff:ffff:ffff::', family: 'IPv6', mac: 'aa:bb:cc:dd:ee:ff', internal: false, cidr: 'fe80::1/64', scopeid: 2 },
      ],
    });
    expect(addresses).toEqual(['192.168.1.20', '203.0.113.9', '169.254.3.4']);
  });

  it('the card shows the link and its QR code, escaped, under a CSP that allows nothing else', async () => {
    const link = 'http://192.168.1.20:41234/#token=a<b>&c';
    const html = await classroomCard(link, { title: 'Viewer link', scan: 'Scan it', warning: 'Open to the network' });
    expect(html).toContain(`content="${CARD_CSP}"`);
    expect(html).toContain('http://192.168.1.20:41234/#token=a&#60;b&#62;&#38;c');
    expect(html).not.toContain('a<b>');
    expect(html).toMatch(/<svg[^>]*viewBox="0 0 (\d+) \1"/); // a square QR code
    expect(CARD_CSP).toContain("default-src 'none'");
    expect(CARD_CSP).not.toContain('script-src');
  });
});
