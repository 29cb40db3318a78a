export * from './types';
export { MembershipService } from './membership-service';
export { ringFromMembership } from './ring-view';
