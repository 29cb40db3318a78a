export * from './types';
export { TwoPcNode, restoreTwoPcNode } from './node';
export { restoreThreePcNode } from './threepc-node';
export { DecisionService, type DecisionCommand, type DecisionResult } from './decision-service';
export { LockTable } from './lock-table';
export type { TwoPcReady } from './context';
export { TwoPcPaxosNode, type TwoPcPaxosConfig, type TwoPcPaxosReady } from './paxos-node';
export { transactionsView, type TxnView } from './cluster-view';
