/**
 * A slow node for a whole run (`faultline run --slow-node n2=200`): every message the node
 * sends to a peer leaves `delayMs` late, so every request it coordinates is slow while it
 * stays up and correct. A heal (the nemesis heals network faults after each fault window,
 * and everything at the end) would clear the delay with the rest, so the delay is put back
 * after every heal: the node stays slow for the whole run, whatever the nemesis does.
 *
 * With it, load per node shows what each balancing policy does with a slow node: round
 * robin keeps sending it 1/N of the requests, least-outstanding sends it fewer.
 */
import type { PartitionRequest } from '../../algorithms/common/partitions';
import type { LinkFault } from '../../protocol/control';
import type { RunTarget } from './run-workload';

export { parseSlowNode, type SlowNode } from '../../protocol/slow-node';
import type { SlowNode } from '../../protocol/slow-node';

/** `target` with `slow.node`'s outbound links delayed from now until the run ends. */
export function withSlowNode(target: RunTarget, slow: SlowNode): RunTarget {
  const slowDown = (): void => {
    for (const peer of target.ids) if (peer !== slow.node) target.setLinkFault(slow.node, peer, { delayMs: slow.delayMs });
  };
  slowDown();
  return {
    get ids() {
      return target.ids;
    },
    token: target.token,
    endpoints: () => target.endpoints(),
    kill: (id: string) => target.kill(id),
    restart: (id: string) => target.restart(id),
    pause: (id: string) => target.pause(id),
    resume: (id: string) => target.resume(id),
    partition: (request: PartitionRequest) => target.partition(request),
    setLinkFault: (from: string, to: string, fault: Omit<LinkFault, 'to'>) => target.setLinkFault(from, to, fault),
    setSkew: (id: string, skewMs: number) => target.setSkew(id, skewMs),
    heal: () => {
      target.heal();
      slowDown();
    },
  };
}
