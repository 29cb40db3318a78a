export * from './types';
export * from './unreachable';
export * from './quorum';
export * from './prng';
export * from './deadline';
export * from './compose';
export * from './partitions';
export * from './invariant';
