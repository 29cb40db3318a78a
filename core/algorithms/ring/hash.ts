/**
 * MurmurHash3 x86_32 (Austin Appleby, public domain) over the UTF-8 bytes of a string.
 *
 * Every node must place a key at the same ring position, whatever process, platform or
 * JavaScript engine computes it, so the hash is a published algorithm over a fixed byte
 * encoding, checked against the reference test vectors in test/unit/ring-hash.test.ts.
 * A JS string hash (UTF-16 code units, engine-specific) would not be.
 */

/**
 * Writes `text` as UTF-8 into `into` from index 0 and returns the byte count, or -1 when
 * `into` is too small (4 bytes per UTF-16 unit always suffice). Lone surrogates become
 * U+FFFD, as TextEncoder does.
 */
function encodeUtf8(text: string, into: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    let cp = text.charCodeAt(i);
    if (cp >= 0xd800 && cp <= 0xdbff) {
      const low = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (low >= 0xdc00 && low <= 0xdfff) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
        i++;
      } else {
        cp = 0xfffd;
      }
    } else if (cp >= 0xdc00 && cp <= 0xdfff) {
      cp = 0xfffd;
    }
    if (n + 4 > into.length) return -1;
    if (cp < 0x80) {
      into[n++] = cp;
    } else if (cp < 0x800) {
      into[n++] = 0xc0 | (cp >> 6);
      into[n++] = 0x80 | (cp & 0x3f);
    } else if (cp < 0x10000) {
      into[n++] = 0xe0 | (cp >> 12);
      into[n++] = 0x80 | ((cp >> 6) & 0x3f);
      into[n++] = 0x80 | (cp & 0x3f);
    } else {
      into[n++] = 0xf0 | (cp >> 18);
      into[n++] = 0x80 | ((cp >> 12) & 0x3f);
      into[n++] = 0x80 | ((cp >> 6) & 0x3f);
      into[n++] = 0x80 | (cp & 0x3f);
    }
  }
  return n;
}

/** Encodes a string as UTF-8. Lone surrogates become U+FFFD, as TextEncoder does. */
export function utf8Bytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length * 4);
  return out.slice(0, encodeUtf8(text, out));
}

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

/** MurmurHash3 x86_32 of the first `length` bytes of `bytes` with `seed`; an unsigned 32-bit integer. */
export function murmur3x86_32(bytes: Uint8Array, seed = 0, length = bytes.length): number {
  let h = seed >>> 0;
  const blocks = length >>> 2;
  for (let b = 0; b < blocks; b++) {
    const i = b << 2;
    // Little-endian 32-bit block, as the reference implementation reads it on x86.
    let k = (bytes[i] as number) | ((bytes[i + 1] as number) << 8) | ((bytes[i + 2] as number) << 16) | ((bytes[i + 3] as number) << 24);
    k = Math.imul(k, C1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, C2);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const tail = blocks << 2;
  const rest = length & 3;
  if (rest > 0) {
    let k = 0;
    if (rest === 3) k ^= (bytes[tail + 2] as number) << 16;
    if (rest >= 2) k ^= (bytes[tail + 1] as number) << 8;
    k ^= bytes[tail] as number;
    k = Math.imul(k, C1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, C2);
    h ^= k;
  }
  h ^= length;
  // Final avalanche (fmix32).
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

// Reused across calls so a lookup allocates nothing for keys of ordinary length. Safe:
// JavaScript runs one call at a time and the buffer never escapes this module.
const scratch = new Uint8Array(1024);

/** The ring's hash: MurmurHash3 x86_32, seed 0, over the UTF-8 bytes of `key`. */
export function stableHash(key: string): number {
  const length = encodeUtf8(key, scratch);
  return length >= 0 ? murmur3x86_32(scratch, 0, length) : murmur3x86_32(utf8Bytes(key), 0);
}
