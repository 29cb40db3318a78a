/**
 * A named demonstration on real processes (`faultline run --scenario NAME`): the mode
 * anomalies that real nodes show, not only the simulator. It fixes the workload, the mode,
 * the workload's options and a scripted nemesis (a fault plan whose shape and timing force
 * the anomaly), so it shows in 3 runs out of 3 in a short run. The run itself is an
 * ordinary `faultline run` with those flags, plus the plan's shape, which no flag sets.
 */
import type { Link } from '../../algorithms/common/partitions';
import type { NodeEvent } from '../../protocol/control';
import type { NemesisPlanOptions } from '../nemesis';

/** What a demonstration's script may use of the cluster: the nodes' events and link cuts. */
export interface DemoScriptTarget {
  onEvents(listener: (node: string, events: readonly NodeEvent[]) => void): void;
  /** Cuts exactly these directed links (none: heals the cuts; link delays stay). */
  cutLinks(links: readonly Link[]): void;
  /** A line on the run's stderr. */
  say(line: string): void;
  /** SIGKILL a node (a crash: what it had not sent dies with it). */
  kill(node: string): Promise<void>;
  /** Start a killed node again from its data. */
  restart(node: string): Promise<void>;
}

export interface RealDemonstration {
  /** The same name as its simulator demonstration. */
  readonly name: string;
  /** One line: what breaks on the real cluster and how the nemesis forces it. */
  readonly summary: string;
  /** The `faultline run` flags it fixes (workload, mode, nemesis, time, ...). */
  readonly args: readonly string[];
  /** The nemesis plan's shape and timing (runWorkload's `plan`), when it has faults. */
  readonly plan?: Partial<Pick<NemesisPlanOptions, 'baselineMs' | 'tailMs' | 'faultMs' | 'quietMs' | 'shapes'>>;
  /**
   * A nemesis that reacts to what the nodes report, for a moment no timed plan can hit;
   * started before the workload, and its returned stop() called (it heals) after it.
   */
  readonly script?: (target: DemoScriptTarget) => () => void;
  /** The checker model that must report the violation (the run's verdict.model). */
  readonly expectedModel: string;
}
