/** `faultline run --scenario 3pc-split-brain` caught in 3 runs of 3 on real processes (test/support/real-demonstration.ts). */
import { describeRealDemonstration } from '../../support/real-demonstration';

describeRealDemonstration('3pc-split-brain');
