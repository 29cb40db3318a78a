/** `faultline run --scenario async-loss` caught in 3 runs of 3 on real processes (test/support/real-demonstration.ts). */
import { describeRealDemonstration } from '../../support/real-demonstration';

describeRealDemonstration('async-loss');
