/** `faultline run --scenario unfenced-lock` caught in 3 runs of 3 on real processes (test/support/real-demonstration.ts). */
import { describeRealDemonstration } from '../../support/real-demonstration';

describeRealDemonstration('unfenced-lock');
