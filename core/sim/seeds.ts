import { Prng } from '../algorithms/common/prng';

/**
 * One seed determines a whole run, but each subsystem (network, nemesis, clients, each
 * replica) draws from its own stream derived from (seed, purpose). Adding a draw in one
 * subsystem then never shifts another's choices, and the derivation does not depend on
 * the order in which subsystems ask for their streams.
 */
export function streamSeed(seed: number, purpose: string): number {
  // FNV-1a over the purpose, mixed with the seed through a murmur3 finalizer.
  let h = 0x811c9dc5;
  for (let i = 0; i < purpose.length; i++) {
    h ^= purpose.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  let z = (h ^ Math.imul(seed >>> 0, 0x9e3779b1)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

export function streamPrng(seed: number, purpose: string): Prng {
  return new Prng(streamSeed(seed, purpose));
}
