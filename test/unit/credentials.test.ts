import { describe, expect, it } from 'vitest';
import { ClusterKeys, helloProof, linkKeyFrom, parseLinkKeys, sameSecret, welcomeProof } from '../../core/node/credentials';
import { closeReason } from '../../core/node/guarded-socket';

describe('credentials', () => {
  it('sameSecret matches equal secrets only, whatever the lengths, and never undefined', () => {
    expect(sameSecret('abc', 'abc')).toBe(true);
    expect(sameSecret('abc', 'abd')).toBe(false);
    expect(sameSecret('abc', 'abcd')).toBe(false);
    expect(sameSecret('', '')).toBe(true);
    expect(sameSecret(undefined, 'abc')).toBe(false);
    expect(sameSecret('abc', undefined)).toBe(false);
    expect(sameSecret(undefined, undefined)).toBe(false);
  });

  it('node secrets are per id and per cluster; link keys are per pair, the same from both ends', () => {
    const keys = new ClusterKeys('k1');
    const other = new ClusterKeys('k2');
    expect(keys.nodeSecret('n1')).not.toBe(keys.nodeSecret('n2'));
    expect(keys.nodeSecret('n1')).not.toBe(other.nodeSecret('n1'));
    expect(keys.linkKey('n1', 'n3')).toBe(keys.linkKey('n3', 'n1'));
    expect(keys.linkKey('n1', 'n3')).not.toBe(keys.linkKey('n2', 'n3'));
    expect(keys.linkKey('n1', 'n3')).toBe(linkKeyFrom('k1', 'n1', 'n3'));
    // A node secret is no link key and no link key is a node secret.
    expect(keys.nodeSecret('n1')).not.toBe(keys.linkKey('n1', 'n1'));
    // Two random cluster keys differ.
    expect(new ClusterKeys().nodeSecret('n1')).not.toBe(new ClusterKeys().nodeSecret('n1'));
  });

  it('a hello proof binds both ids and both nonces, and is no welcome proof', () => {
    const k = linkKeyFrom('m', 'n1', 'n2');
    const p = helloProof(k, 'n1', 'n2', 'a', 'b');
    expect(p).toMatch(/^[0-9a-f]{64}$/);
    expect(helloProof(k, 'n2', 'n1', 'a', 'b')).not.toBe(p);
    expect(helloProof(k, 'n1', 'n2', 'a', 'c')).not.toBe(p);
    expect(helloProof(k, 'n1', 'n2', 'c', 'b')).not.toBe(p);
    expect(welcomeProof(k, 'n1', 'n2', 'a', 'b')).not.toBe(p);
  });

  it('FAULTLINE_LINK_KEYS parses peer=key pairs and names a bad item', () => {
    const key = 'ab'.repeat(32);
    expect(parseLinkKeys(`n2=${key},n3=${key}`)).toEqual({ n2: key, n3: key });
    expect(parseLinkKeys('')).toEqual({});
    expect(() => parseLinkKeys('n2=short')).toThrow(/n2=short/);
  });

  it('close reasons are cut to 123 bytes of UTF-8', () => {
    expect(closeReason('short')).toBe('short');
    expect(Buffer.byteLength(closeReason('x'.repeat(500)))).toBe(123);
    const emoji = closeReason('\u{1F525}'.repeat(100));
    expect(Buffer.byteLength(emoji)).toBeLessThanOrEqual(123);
    expect(emoji.length).toBeGreaterThan(50);
    expect(emoji).toBe('\u{1F525}'.repeat(emoji.length / 2));
  });
});
