/**
 * The vocabulary of the `sharded` transaction mode (2PC over Paxos-replicated shards):
 * what nodes say to each other besides each shard group's own Paxos messages. The node a
 * client asks runs the transaction (the coordinator role, in memory only); each shard's
 * participant role is its group's current leader; the decision lives in the log of the
 * transaction's first shard.
 *
 * (Each message type carries a `shard-` prefix on the wire: they travel in the node's
 * `twopc` part beside classic 2PC's.)
 *   execute   coordinator -> shard leader: read (no lock); answer the reads and what they saw
 *   prepare   coordinator -> shard leader: propose PREPARE in the shard's log; vote once applied
 *   decide    coordinator (all yes: commit; a no: abort) or an in-doubt shard leader (abort)
 *             -> leader of the deciding shard: propose DECIDE; the first one the log orders wins
 *   decided   deciding shard's leader -> whoever asked
 *   outcome   deciding shard's leader -> every shard's leader: propose OUTCOME (data, unlock)
 *   redirect  a node that does not lead the shard -> the sender: try `leader`
 */
import type { NodeId } from '../common/types';
import type { PaxosMsg } from '../paxos/types';
import type { ShardCommand } from './shard-service';
import type { ShardId } from './shard-map';
import type { Outcome, RoutedOp, TxnId } from './types';

export type ShardedMsg =
  | { readonly type: 'shard-paxos'; readonly group: ShardId; readonly msg: PaxosMsg<ShardCommand> }
  | { readonly type: 'shard-execute'; readonly txn: TxnId; readonly shard: ShardId; readonly ops: readonly RoutedOp[] }
  | {
      readonly type: 'shard-executed';
      readonly txn: TxnId;
      readonly shard: ShardId;
      readonly ok: boolean;
      readonly reads?: readonly (readonly [number, readonly unknown[]])[];
      readonly seen?: readonly (readonly [string, number])[];
      /** The refusal is because this transaction id already committed on the shard. */
      readonly known?: 'commit';
    }
  | {
      readonly type: 'shard-prepare';
      readonly txn: TxnId;
      readonly shard: ShardId;
      readonly coord: ShardId;
      readonly shards: readonly ShardId[];
      readonly keys: readonly string[];
      readonly appends: readonly (readonly [string, unknown])[];
      readonly seen: readonly (readonly [string, number])[];
    }
  | { readonly type: 'shard-vote'; readonly txn: TxnId; readonly shard: ShardId; readonly vote: 'yes' | 'no' }
  | { readonly type: 'shard-decide'; readonly txn: TxnId; readonly shard: ShardId; readonly outcome: Outcome; readonly shards: readonly ShardId[] }
  | { readonly type: 'shard-decided'; readonly txn: TxnId; readonly outcome: Outcome }
  | { readonly type: 'shard-outcome'; readonly txn: TxnId; readonly shard: ShardId; readonly outcome: Outcome }
  | { readonly type: 'shard-redirect'; readonly txn: TxnId; readonly shard: ShardId; readonly leader?: NodeId };
