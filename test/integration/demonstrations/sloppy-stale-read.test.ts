/** `faultline run --scenario sloppy-stale-read` caught in 3 runs of 3 on real processes (test/support/real-demonstration.ts). */
import { describeRealDemonstration } from '../../support/real-demonstration';

describeRealDemonstration('sloppy-stale-read');
