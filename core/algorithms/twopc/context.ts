import type { NodeId, Ready } from '../common/types';
import type { TwoPcConfig, TwoPcEvent, TwoPcMsg, TwoPcRecord, TwoPcReply } from './types';

export type TwoPcReady = Ready<TwoPcMsg, TwoPcRecord, TwoPcReply, TwoPcEvent>;

/** What the coordinator and participant roles of one node share during one step. */
export interface StepContext {
  readonly config: TwoPcConfig;
  readonly nowMs: number;
  readonly out: TwoPcReady;
  send(to: NodeId, msg: TwoPcMsg): void;
}
