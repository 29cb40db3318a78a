export { BALANCE_POLICIES, type BalancePolicy } from './types';
export { Balancer, type BalanceTarget } from './balancer';
