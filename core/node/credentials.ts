/**
 * The cluster's credentials, one per role, and the one constant-time comparison every
 * socket uses. Knowing one credential gives nothing else:
 *
 * - client token: what users and workloads present on a node's /client. Random, shared.
 * - node secret:  HMAC(clusterKey, "node|<id>"), what node <id> presents on the
 *                 supervisor's /node; the supervisor recomputes it for the id claimed, so
 *                 a node's secret registers only that id.
 * - link key:     HMAC(clusterKey, "link|<a>|<b>") for the unordered pair {a, b}. A node
 *                 receives (over its authenticated control channel) the keys of the links
 *                 that touch it, and nothing else: n1 holds k(n1,n3) but never k(n2,n3),
 *                 so it cannot prove to n3 that it is n2. A hello proves the key with an
 *                 HMAC over both sides' fresh nonces (no replay); the welcome proves it back.
 * - panel instructor and viewer tokens: random, separate (core/supervisor/panel-api.ts).
 *
 * The cluster key itself never leaves the supervisor process. Secrets travel in the
 * environment of a node process or over a socket, never on a command line.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Environment variables a node process reads its credentials from. */
export const CREDENTIAL_ENV = {
  /** The client token (what /client accepts). */
  clientToken: 'FAULTLINE_TOKEN',
  /** This node's secret for the supervisor's /node. */
  nodeSecret: 'FAULTLINE_NODE_SECRET',
  /** Standalone nodes only (no supervisor): `peer=hexkey,...`, this node's link keys. */
  linkKeys: 'FAULTLINE_LINK_KEYS',
} as const;

/** The HTTP header a node names itself with on the supervisor's /node (the secret is the Bearer). */
export const NODE_ID_HEADER = 'x-faultline-node';

/** A fresh random secret (URL-safe text). */
export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/**
 * Constant-time equality of two secrets, whatever their lengths: both sides are hashed to
 * the same length first, so neither the content nor the length leaks through timing.
 * The one comparison of secrets in the project; `undefined` never matches.
 */
export function sameSecret(given: string | undefined, expected: string | undefined): boolean {
  if (given === undefined || expected === undefined) return false;
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

function hmacHex(key: string, text: string): string {
  return createHmac('sha256', key).update(text, 'utf8').digest('hex');
}

/** The supervisor's derivations from its cluster key (which stays in its process). */
export class ClusterKeys {
  private readonly clusterKey: string;

  constructor(clusterKey = randomSecret()) {
    this.clusterKey = clusterKey;
  }

  /** Node `id`'s secret for the supervisor's /node. */
  nodeSecret(id: string): string {
    return hmacHex(this.clusterKey, `node|${id}`);
  }

  /** The key of the link between `a` and `b` (the same from either side). */
  linkKey(a: string, b: string): string {
    return linkKeyFrom(this.clusterKey, a, b);
  }
}

/** k(a, b) = HMAC(master, "link|min|max"): for the supervisor and for standalone tests. */
export function linkKeyFrom(master: string, a: string, b: string): string {
  const [x, y] = a < b ? [a, b] : [b, a];
  return hmacHex(master, `link|${x}|${y}`);
}

/** A fresh nonce for one handshake. */
export function nonce(): string {
  return randomBytes(16).toString('hex');
}

/** What a dialer `from` proves to `to` with their link key, over both handshake nonces. */
export function helloProof(key: string, from: string, to: string, acceptorNonce: string, dialerNonce: string): string {
  return hmacHex(key, `hello|${from}|${to}|${acceptorNonce}|${dialerNonce}`);
}

/** What the acceptor `node` proves back to `dialer` (a different label: no reflection). */
export function welcomeProof(key: string, node: string, dialer: string, acceptorNonce: string, dialerNonce: string): string {
  return hmacHex(key, `welcome|${node}|${dialer}|${acceptorNonce}|${dialerNonce}`);
}

/** Parses `peer=hexkey,...` (FAULTLINE_LINK_KEYS); throws with the bad item named. */
export function parseLinkKeys(text: string): Record<string, string> {
  const keys: Record<string, string> = {};
  for (const item of text.split(',').filter(Boolean)) {
    const [peer, key] = item.split('=');
    if (!peer || !key || !/^[0-9a-f]{64}$/.test(key)) throw new Error(`${CREDENTIAL_ENV.linkKeys} takes peer=<64 hex digits>,..., got "${item.slice(0, 40)}"`);
    keys[peer] = key;
  }
  return keys;
}
