/**
 * The faults an instructor makes from the panel's buttons, as fault windows for the
 * availability figures of a panel workload (the nemesis's own faults have windows of their
 * own). A window opens with the fault's timeline line and closes when the cluster is seen
 * healed: a process fault when its node is up again (whoever restarted or resumed it: a
 * button, the self-heal policy, the nemesis's final heal), a network or clock fault when the
 * cluster has none left. Times are the Lab's (ms since it started).
 */
import { unreachable } from '../../algorithms/common/unreachable';
import type { LineOf, TimelineCode, TimelineLine } from '../../protocol/panel';
import type { FaultWindow } from '../workload/availability';

type FaultCode = Extract<TimelineCode, `fault.${string}`>;

interface Window {
  readonly id: number;
  readonly kind: string;
  readonly text: string;
  readonly nodes: readonly string[] | undefined;
  /** Closed when that node is up again; otherwise when the network is healed. */
  readonly process: boolean;
  readonly startMs: number;
  healMs: number | undefined;
}

/** Ids apart from the nemesis's plan periods (0, 1, 2, ...). */
const FIRST_ID = 100_000;
/** Bounded: an afternoon of clicking keeps the last windows only. */
const KEEP = 500;

const isFaultLine = (l: TimelineLine): l is LineOf<FaultCode> => l.code.startsWith('fault.');

export class ManualFaults {
  private readonly list: Window[] = [];
  private next = FIRST_ID;

  constructor(private readonly nowMs: () => number) {}

  /** A timeline line; the fault.* lines of the panel's commands open (or close) windows. */
  observe(line: TimelineLine, text: string): void {
    if (!isFaultLine(line)) return;
    switch (line.code) {
      case 'fault.kill':
      case 'fault.kill-leader':
        return this.open('kill', [line.params.node], text, true);
      case 'fault.pause':
        return this.open('pause', [line.params.node], text, true);
      case 'fault.partition':
        return this.open('partition', line.params.node === '' ? undefined : [line.params.node], text, false);
      case 'fault.isolate-leader':
        return this.open('partition', [line.params.node], text, false);
      case 'fault.cut':
        return this.open('partition', undefined, text, false);
      case 'fault.link':
        return this.open('link', [line.params.from, line.params.to], text, false);
      case 'fault.skew':
        return this.open('skew', [line.params.node], text, false);
      case 'fault.cut-none':
      case 'fault.link-cleared':
        // One link or the cuts cleared: the cluster's fault report says whether any is left.
        return;
      default:
        return unreachable(line, 'fault line');
    }
  }

  private open(kind: string, nodes: readonly string[] | undefined, text: string, process: boolean): void {
    this.list.push({ id: this.next++, kind, text: `${text} (from the panel)`, nodes, process, startMs: this.nowMs(), healMs: undefined });
    if (this.list.length > KEEP) this.list.shift();
  }

  /** A node's process is up again: its kill or pause is healed. */
  nodeUp(node: string): void {
    for (const w of this.list) if (w.process && w.healMs === undefined && w.nodes?.includes(node)) w.healMs = this.nowMs();
  }

  /** The cluster has no network or clock fault left. */
  networkHealed(): void {
    for (const w of this.list) if (!w.process && w.healMs === undefined) w.healMs = this.nowMs();
  }

  /** Windows still open at `fromMs` or started after it, with times relative to `fromMs`. */
  windowsSince(fromMs: number): FaultWindow[] {
    return this.list
      .filter((w) => w.healMs === undefined || w.healMs > fromMs)
      .map((w) => ({
        id: w.id,
        kind: w.kind,
        text: w.text,
        startMs: Math.max(0, w.startMs - fromMs),
        healMs: w.healMs === undefined ? undefined : w.healMs - fromMs,
        ...(w.nodes === undefined ? {} : { nodes: [...w.nodes] }),
      }));
  }

  /** A new cluster: nothing of the old one is broken any more. */
  clear(): void {
    this.list.length = 0;
  }
}
