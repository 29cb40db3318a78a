export { stableHash, murmur3x86_32, utf8Bytes } from './hash';
export { HashRing, DEFAULT_VNODES_PER_WEIGHT } from './ring';
export type { HashRingOptions, RingMember, RingToken } from './ring';
export { ringLoad, movedKeys } from './stats';
export type { RingLoad, MovedKeys } from './stats';
export { RingError } from './errors';
export type { RingErrorCode } from './errors';
