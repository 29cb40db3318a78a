export * from './errors';
export * from './frame';
export * from './common';
export * from './paxos';
export * from './peer';
export * from './client';
export * from './replication';
export * from './twopc';
