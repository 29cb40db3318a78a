export * from './types';
export { compareVersions, compareStored, newerOf, nextVersion, formatVersion } from './version';
export { ReplicaStore } from './store';
export type { Hint } from './store';
export { ReplicationNode, restoreReplicationNode, REPLICATION_DEFAULTS } from './node';
export { normalRingWeights, sameRingWeights } from './weights';
