/**
 * Applies the supervisor's frames to the stores, in order, and watches `seq`: a batch whose
 * seq is not the last one plus one means a batch was missed, so the feed asks for a fresh
 * snapshot (`resync`) and ignores batches until it arrives.
 */
import type { PanelChange, PanelServerMessage, TimelineEntry } from '../../../core/protocol/panel';
import { useClusterStore } from '../stores/cluster';
import { useMessagesStore } from '../stores/messages';
import { useMetricsStore } from '../stores/metrics';
import { useWorkloadStore } from '../stores/workload';
import { unreachable } from '../components/unreachable';

export type FeedFrame = Exclude<PanelServerMessage, { type: 'reply' }>;

export interface FeedHooks {
  /** Ask the supervisor for a fresh snapshot. */
  resync(): void;
  hello(frame: Extract<PanelServerMessage, { type: 'hello' }>): void;
}

export class Feed {
  private lastSeq: number | null = null;
  private awaitingSnapshot = false;
  /** Gaps seen (for the connection badge and tests). */
  gaps = 0;

  constructor(private readonly hooks: FeedHooks) {}

  /** A new socket: the server starts with hello + snapshot, so nothing before it counts. */
  restart(): void {
    this.lastSeq = null;
    this.awaitingSnapshot = true;
  }

  /** Applies frames in arrival order (one animation frame's worth at a time). */
  applyAll(frames: readonly FeedFrame[]): void {
    const cluster = useClusterStore();
    const messages = useMessagesStore();
    const metrics = useMetricsStore();
    const workload = useWorkloadStore();
    // Timeline lines of the whole drain go in at once (one array copy, not one per line).
    const timeline: TimelineEntry[] = [];
    for (const frame of frames) {
      switch (frame.type) {
        case 'hello':
          this.hooks.hello(frame);
          break;
        case 'snapshot':
          this.lastSeq = frame.seq;
          this.awaitingSnapshot = false;
          timeline.length = 0;
          cluster.sync(frame.nowMs);
          cluster.reset(frame.state);
          messages.reset(frame.state.messages);
          metrics.reset(frame.state.histories);
          workload.set(frame.state.workload);
          break;
        case 'changes':
          if (this.awaitingSnapshot) break;
          if (this.lastSeq === null || frame.seq !== this.lastSeq + 1) {
            this.gaps++;
            this.awaitingSnapshot = true;
            this.hooks.resync();
            break;
          }
          this.lastSeq = frame.seq;
          cluster.sync(frame.nowMs);
          for (const change of frame.changes) this.applyChange(change, timeline);
          break;
        default:
          unreachable(frame);
      }
    }
    cluster.addTimeline(timeline);
  }

  private applyChange(change: PanelChange, timeline: TimelineEntry[]): void {
    const cluster = useClusterStore();
    switch (change.kind) {
      case 'cluster':
        cluster.cluster = change.cluster;
        return;
      case 'node':
        cluster.upsertNode(change.node);
        return;
      case 'node-removed':
        cluster.removeNode(change.node);
        useMetricsStore().forget(change.node);
        return;
      case 'links':
        cluster.links = change.links;
        return;
      case 'leader':
        cluster.leader = change.leader;
        return;
      case 'ring':
        cluster.ring = change.ring;
        return;
      case 'locks':
        cluster.locks = change.locks;
        return;
      case 'txns':
        cluster.txns = change.txns;
        return;
      case 'workload':
        useWorkloadStore().set(change.workload);
        return;
      case 'samples':
        useMetricsStore().append(change.nodes, change.workload);
        return;
      case 'timeline':
        timeline.push(change.entry);
        return;
      case 'messages':
        useMessagesStore().apply(change.messages, change.dropped);
        return;
      default:
        unreachable(change);
    }
  }
}
