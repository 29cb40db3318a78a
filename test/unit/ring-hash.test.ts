import { describe, expect, it } from 'vitest';
import { murmur3x86_32, stableHash, utf8Bytes } from '../../core/algorithms/ring';

// Published MurmurHash3 x86_32 vectors (SMHasher's reference implementation, as collected
// in the widely cited "MurmurHash3 test vectors" answer and Python's mmh3 package).
const REFERENCE: [input: string, seed: number, expected: number][] = [
  ['', 0, 0x00000000],
  ['', 1, 0x514e28b7],
  ['', 0xffffffff, 0x81f16f39],
  ['a', 0x9747b28c, 0x7fa09ea6],
  ['ab', 0x9747b28c, 0x74875592],
  ['abc', 0x9747b28c, 0xc84a62dd],
  ['abcd', 0x9747b28c, 0xf0478627],
  ['aa', 0x9747b28c, 0x5d211726],
  ['aaa', 0x9747b28c, 0x283e0130],
  ['aaaa', 0x9747b28c, 0x5a97808a],
  ['Hello, world!', 0x9747b28c, 0x24884cba],
  ['ππππππππ', 0x9747b28c, 0xd58063c1], // multi-byte UTF-8
  ['The quick brown fox jumps over the lazy dog', 0x9747b28c, 0x2fa826cd],
];

describe('MurmurHash3 x86_32', () => {
  it.each(REFERENCE)('hash(%j, seed %i) matches the reference', (input, seed, expected) => {
    expect(murmur3x86_32(utf8Bytes(input), seed)).toBe(expected);
  });

  it('hashes raw bytes, including zero bytes', () => {
    expect(murmur3x86_32(new Uint8Array([0, 0, 0, 0]), 0)).toBe(0x2362f9de);
  });

  it('stableHash is seed 0 over UTF-8 (mmh3.hash("hello") and "foo", as unsigned)', () => {
    expect(stableHash('hello')).toBe(613153351);
    expect(stableHash('foo')).toBe(0xf6a5c420);
    expect(stableHash('')).toBe(0);
  });

  it('hashes long keys the same whichever encoding path they take', () => {
    for (const length of [1019, 1020, 1021, 1024, 1025, 5000]) {
      for (const unit of ['x', 'é', '😀']) {
        const key = unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
        expect(stableHash(key)).toBe(murmur3x86_32(new TextEncoder().encode(key)));
      }
    }
  });

  it('always returns an unsigned 32-bit integer', () => {
    for (const key of ['n1#0', 'key-42', '😀', 'x'.repeat(1000)]) {
      const h = stableHash(key);
      expect(Number.isInteger(h) && h >= 0 && h <= 0xffffffff).toBe(true);
    }
  });
});

describe('UTF-8 encoding', () => {
  it('encodes 1- to 4-byte code points like the standard encoder', () => {
    const text = 'aé€😀';
    expect([...utf8Bytes(text)]).toEqual([...new TextEncoder().encode(text)]);
    expect(utf8Bytes(text).length).toBe(1 + 2 + 3 + 4);
  });

  it('replaces lone surrogates with U+FFFD, as TextEncoder does', () => {
    for (const text of ['\ud800', 'a\udc00b', '\ud83d']) {
      expect([...utf8Bytes(text)]).toEqual([...new TextEncoder().encode(text)]);
    }
  });
});
