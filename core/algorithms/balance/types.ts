/**
 * Client load-balancing policies (balancer.ts), listed here so core/protocol/modes.ts can
 * re-export them as the one list the CLI, the panel and the simulator read.
 */
export const BALANCE_POLICIES = ['random', 'round-robin', 'weighted', 'least-outstanding', 'ring'] as const;
export type BalancePolicy = (typeof BALANCE_POLICIES)[number];
